package dev.gantry.xds.compile.ingress;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.compile.httpproxy.MatchConditions;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.tls.TlsSecrets;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compiles HTTPProxies and Ingresses into one {@link RoutingTable}. Each Ingress host becomes a
 * synthetic HTTPProxy ({@link IngressConverter}) compiled on its own by {@link ProxyCompiler}, so
 * an invalid one leaves out only itself. Then, as Contour does, the hosts of several Ingresses are
 * merged: for a path two Ingresses both route, the first Ingress by namespace/name wins. A host
 * that an HTTPProxy of our class names (valid or not) belongs to the HTTPProxy: Ingress rules for
 * it are left out, so adding an Ingress never changes what an HTTPProxy serves. Pure, no I/O.
 */
public final class IngressCompiler {
  /**
   * ProxyCompiler refuses "*" as an fqdn (as Contour does for HTTPProxies); the Ingress catch-all
   * host compiles under this name, which no Ingress host can have (".invalid" is reserved, and
   * Ingress hosts need a dot-separated DNS name without the trailing dot).
   */
  static final String ANY_HOST_STAND_IN = "any-host.ingress.gantry.invalid";

  private final ProxyCompiler compiler;
  private final IngressConverter converter;

  public IngressCompiler(ProxyCompiler compiler) {
    this.compiler = compiler;
    this.converter = new IngressConverter(compiler.ingressClass());
  }

  /**
   * The table, the verdicts of the real HTTPProxies (for their status) and what of the Ingresses is
   * not served (Ingress has no status conditions: these are logged).
   */
  public record Result(
      RoutingTable table, List<ProxyVerdict> verdicts, List<IngressConverter.Warning> warnings) {
    public Result {
      verdicts = List.copyOf(verdicts);
      warnings = List.copyOf(warnings);
    }
  }

  public Result compile(
      List<HTTPProxy> proxies, List<Ingress> ingresses, FederationSnapshot snapshot) {
    return compile(proxies, ingresses, snapshot, Map.of());
  }

  /** As above, with the validated Secrets TLS may name, by {@code namespace/name}. */
  public Result compile(
      List<HTTPProxy> proxies,
      List<Ingress> ingresses,
      FederationSnapshot snapshot,
      Map<String, TlsSecrets.Outcome> certificates) {
    ProxyCompiler.Result base = compiler.compile(proxies, snapshot, certificates);
    if (ingresses.isEmpty()) {
      return new Result(base.table(), base.verdicts(), List.of());
    }
    Map<String, String> claimed = new TreeMap<>();
    for (HTTPProxy p : proxies) {
      if (compiler.ours(p) && p.getSpec() != null && p.getSpec().getVirtualhost() != null) {
        String fqdn = p.getSpec().getVirtualhost().getFqdn();
        if (fqdn != null) {
          claimed.putIfAbsent(
              fqdn.toLowerCase(Locale.ROOT),
              p.getMetadata().getNamespace() + "/" + p.getMetadata().getName());
        }
      }
    }
    IngressConverter.Conversion conversion = converter.convert(ingresses, snapshot);
    List<IngressConverter.Warning> warnings = new ArrayList<>(conversion.warnings());
    Map<String, RoutingTable.VirtualHost> merged = new TreeMap<>();
    Map<String, Map<RoutingTable.Match, String>> routedBy = new TreeMap<>();
    Map<String, Upstream> upstreams = new TreeMap<>(base.table().upstreams());
    for (IngressConverter.Synthetic s : conversion.proxies()) {
      if (claimed.containsKey(s.host())) {
        warnings.add(
            new IngressConverter.Warning(
                s.ingress(),
                "host \""
                    + s.host()
                    + "\" is served by HTTPProxy "
                    + claimed.get(s.host())
                    + "; this Ingress's rules for it are ignored"));
        continue;
      }
      Compiled one = compileOne(s, snapshot, certificates, warnings);
      if (one == null) {
        continue;
      }
      RoutingTable.VirtualHost compiled = one.host();
      Map<RoutingTable.Match, String> owners =
          routedBy.computeIfAbsent(s.host(), k -> new LinkedHashMap<>());
      RoutingTable.VirtualHost host = merged.get(s.host());
      List<RoutingTable.Route> routes = new ArrayList<>(host == null ? List.of() : host.routes());
      for (RoutingTable.Route route : compiled.routes()) {
        String owner = owners.putIfAbsent(route.match(), s.ingress());
        if (owner != null) {
          warnings.add(
              new IngressConverter.Warning(
                  s.ingress(),
                  "host \""
                      + s.host()
                      + "\": path "
                      + route.match().path()
                      + " is already routed by Ingress "
                      + owner
                      + "; ignored"));
          continue;
        }
        routes.add(route);
      }
      routes.sort(Comparator.comparing(RoutingTable.Route::match, MatchConditions.ENVOY_ORDER));
      merged.put(s.host(), (host == null ? compiled : host).withRoutes(routes));
      upstreams.putAll(one.upstreams());
    }
    List<RoutingTable.VirtualHost> hosts = new ArrayList<>(base.table().virtualHosts());
    hosts.addAll(merged.values());
    hosts.sort(Comparator.comparing(RoutingTable.VirtualHost::fqdn));
    return new Result(new RoutingTable(hosts, upstreams), base.verdicts(), warnings);
  }

  private record Compiled(RoutingTable.VirtualHost host, Map<String, Upstream> upstreams) {}

  /** One synthetic proxy's host with Ingress path semantics, or null with warnings. */
  private Compiled compileOne(
      IngressConverter.Synthetic s,
      FederationSnapshot snapshot,
      Map<String, TlsSecrets.Outcome> certificates,
      List<IngressConverter.Warning> warnings) {
    boolean anyHost = s.host().equals(RoutingTable.ANY_HOST);
    HTTPProxySpec.VirtualHost vhost = s.proxy().getSpec().getVirtualhost();
    ProxyCompiler.Result result;
    try {
      vhost.setFqdn(anyHost ? ANY_HOST_STAND_IN : s.host());
      result = compiler.compile(List.of(s.proxy()), snapshot, certificates);
    } finally {
      vhost.setFqdn(s.host());
    }
    ProxyVerdict verdict = result.verdicts().get(0);
    if (!verdict.valid()) {
      for (ProxyVerdict.Error e : verdict.errors()) {
        warnings.add(
            new IngressConverter.Warning(
                s.ingress(),
                "host \"" + s.host() + "\" is not served: " + e.reason() + ": " + e.message()));
      }
      return null;
    }
    RoutingTable.VirtualHost host = result.table().virtualHosts().get(0);
    List<RoutingTable.Route> routes = new ArrayList<>();
    for (RoutingTable.Route r : host.routes()) {
      RoutingTable.Match m = r.match();
      if (m.pathKind() == RoutingTable.PathKind.PREFIX && s.segmentPrefixes().contains(m.path())) {
        r =
            r.withMatch(
                new RoutingTable.Match(
                    RoutingTable.PathKind.SEGMENT_PREFIX, m.path(), m.headers(), m.queries()));
      }
      routes.add(r);
    }
    routes.sort(Comparator.comparing(RoutingTable.Route::match, MatchConditions.ENVOY_ORDER));
    return new Compiled(
        (anyHost ? host.withFqdn(RoutingTable.ANY_HOST) : host).withRoutes(routes),
        result.table().upstreams());
  }
}
