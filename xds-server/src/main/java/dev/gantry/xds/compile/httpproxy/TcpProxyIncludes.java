package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.TCPProxy;
import dev.gantry.api.crd.contour.TCPProxyInclude;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.WeightedCluster;
import java.util.ArrayList;
import java.util.List;

/**
 * A root's {@code tcpproxy} followed through {@code tcpproxy.include} (or Contour's deprecated
 * {@code includes}; {@code include} wins) to the proxy whose services serve it, as Contour's {@code
 * processHTTPProxyTCPProxy}: each link must not have services too ({@code TCPProxyError}/{@code
 * NoServicesAndInclude}), must name an existing proxy ({@code TCPProxyIncludeError}/{@code
 * IncludeNotFound}) that is not a root ({@code RootIncludesRoot}) and does not close a cycle
 * ({@code IncludeCreatesCycle}); each error goes on the proxy whose link it is, and an included
 * proxy is no longer orphaned. The services resolve in the namespace of the proxy that lists them.
 * Unlike Contour, a chain that ends without services is an error on the proxy that names the empty
 * target ({@code TCPProxyIncludeError}/{@code NothingDefined}), and a root whose chain breaks
 * further down gets that link's error too: Contour leaves such a root valid while it serves
 * nothing.
 */
final class TcpProxyIncludes {
  /** The proxies an include may name, and what is found about each. */
  interface Lookup {
    /** The proxy of {@code namespace/name}, or null. */
    HTTPProxy proxy(String key);

    /** What is found about the proxy of {@code key}; asking marks it reached (not orphaned). */
    Findings findings(String key);
  }

  /** No other proxy: every include is not found. */
  static final Lookup NONE =
      new Lookup() {
        @Override
        public HTTPProxy proxy(String key) {
          return null;
        }

        @Override
        public Findings findings(String key) {
          return new Findings();
        }
      };

  private TcpProxyIncludes() {}

  /**
   * The clusters {@code root}'s TCP stream goes to; empty with errors added to {@code rootErrors}
   * (the root's) when the chain does not end in services that resolve.
   */
  static List<WeightedCluster> clusters(
      CompileContext rootCtx, HTTPProxy root, Lookup proxies, List<ProxyVerdict.Error> rootErrors) {
    List<String> visited = new ArrayList<>(List.of(Proxies.key(root)));
    HTTPProxy current = root;
    CompileContext ctx = rootCtx;
    while (true) {
      boolean isRoot = current == root;
      List<ProxyVerdict.Error> errors = isRoot ? rootErrors : new ArrayList<>();
      String key = Proxies.key(current);
      TCPProxy tcp = current.getSpec().getTcpproxy();
      TCPProxyInclude include =
          tcp.getInclude() != null ? tcp.getInclude() : tcp.getIncludesDeprecated();
      boolean hasServices = tcp.getServices() != null && !tcp.getServices().isEmpty();
      HTTPProxy next = null;
      if (hasServices && include != null) {
        errors.add(
            new ProxyVerdict.Error(
                ProxyVerdict.TCP_PROXY_ERROR,
                "NoServicesAndInclude",
                "cannot specify services and include in the same httpproxy"));
      } else if (include == null) {
        List<WeightedCluster> clusters = TlsCompiler.tcpProxy(ctx, tcp, errors);
        if (isRoot) {
          return clusters;
        }
        if (errors.isEmpty()) {
          rootCtx.upstreams().putAll(ctx.upstreams());
          return clusters;
        }
      } else {
        next = target(current, include, proxies, visited, errors);
      }
      if (next == null || !errors.isEmpty()) {
        if (!isRoot) {
          errors.forEach(proxies.findings(key)::add);
          for (ProxyVerdict.Error e : errors) {
            rootErrors.add(
                new ProxyVerdict.Error(
                    ProxyVerdict.TCP_PROXY_INCLUDE_ERROR,
                    e.reason(),
                    "spec.tcpproxy.include: " + key + ": " + e.message()));
          }
        }
        return List.of();
      }
      String nextKey = Proxies.key(next);
      Findings found = proxies.findings(nextKey);
      List<ProxyVerdict.Error> unimplemented = UnimplementedFields.of(next);
      if (!unimplemented.isEmpty()) {
        // Fail closed, as for a route include: not served without what it asks for.
        found.fatal(unimplemented);
        rootErrors.add(
            new ProxyVerdict.Error(
                ProxyVerdict.TCP_PROXY_INCLUDE_ERROR,
                UnimplementedFields.REASON,
                "spec.tcpproxy.include: " + nextKey + " asks for what Gantry does not implement"));
        return List.of();
      }
      visited.add(nextKey);
      ctx = rootCtx.included(next, MatchConditions.Inherited.NONE, found);
      current = next;
    }
  }

  /**
   * The proxy {@code include} of {@code from} names, or null with the error added: not found, a
   * root, a cycle, or (Gantry's own check) without a tcpproxy.
   */
  private static HTTPProxy target(
      HTTPProxy from,
      TCPProxyInclude include,
      Lookup proxies,
      List<String> visited,
      List<ProxyVerdict.Error> errors) {
    String namespace =
        include.getNamespace() == null || include.getNamespace().isBlank()
            ? from.getMetadata().getNamespace()
            : include.getNamespace();
    String key = namespace + "/" + (include.getName() == null ? "" : include.getName());
    HTTPProxy target =
        include.getName() == null || include.getName().isBlank() ? null : proxies.proxy(key);
    if (target == null || target.getSpec() == null) {
      errors.add(includeError("IncludeNotFound", "include " + key + " not found"));
      return null;
    }
    if (Proxies.fqdn(target) != null) {
      errors.add(
          includeError(
              "RootIncludesRoot",
              "root httpproxy cannot include another root httpproxy (" + key + ")"));
      return null;
    }
    // Reached: the target is no longer an orphan, whatever follows.
    proxies.findings(key);
    if (visited.contains(key)) {
      List<String> path = new ArrayList<>(visited);
      path.add(key);
      errors.add(
          includeError(
              "IncludeCreatesCycle", "include creates a cycle: " + String.join(" -> ", path)));
      return null;
    }
    if (target.getSpec().getTcpproxy() == null) {
      errors.add(
          includeError(
              "NothingDefined",
              "include "
                  + key
                  + " has no tcpproxy: either services or inclusion must be specified"));
      return null;
    }
    return target;
  }

  private static ProxyVerdict.Error includeError(String reason, String message) {
    return new ProxyVerdict.Error(ProxyVerdict.TCP_PROXY_INCLUDE_ERROR, reason, message);
  }
}
