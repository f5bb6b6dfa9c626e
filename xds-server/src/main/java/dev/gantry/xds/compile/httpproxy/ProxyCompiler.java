package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.Include;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.compile.HeaderValues;
import dev.gantry.xds.compile.ServiceResolver;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.HealthCheck;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.tls.TlsSecrets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Pure compilation of HTTPProxies against the federation snapshot into a {@link RoutingTable} and
 * one {@link ProxyVerdict} per proxy of our ingress class. An invalid proxy is left out and
 * explained; the others keep serving. No I/O, no clock.
 */
public final class ProxyCompiler {
  private final String ingressClass;

  public ProxyCompiler(String ingressClass) {
    this.ingressClass = Objects.requireNonNull(ingressClass, "ingressClass");
  }

  public String ingressClass() {
    return ingressClass;
  }

  /** The compiled table and the verdicts, both deterministic for the same input. */
  public record Result(RoutingTable table, List<ProxyVerdict> verdicts) {}

  /** Whether {@code proxy} belongs to this server's ingress class. */
  public boolean ours(HTTPProxy proxy) {
    return ours(
        proxy.getSpec() == null ? null : proxy.getSpec().getIngressClassName(),
        proxy.getMetadata().getAnnotations());
  }

  /**
   * Whether a proxy with this {@code spec.ingressClassName} (null when absent) and these
   * annotations belongs to this server's ingress class; for proxies known only by their raw form.
   */
  public boolean ours(String byField, Map<String, String> annotations) {
    String byAnnotation =
        annotations == null
            ? null
            : annotations.getOrDefault(
                "projectcontour.io/ingress.class", annotations.get("kubernetes.io/ingress.class"));
    return ingressClass.equals(byField != null ? byField : byAnnotation);
  }

  public Result compile(List<HTTPProxy> proxies, FederationSnapshot snapshot) {
    return compile(proxies, snapshot, Map.of());
  }

  /**
   * As {@link #compile(List, FederationSnapshot)}, with the Secrets that {@code
   * spec.virtualhost.tls.secretName} may name, validated ({@link TlsSecrets#validateAll}), by
   * {@code namespace/name}.
   */
  public Result compile(
      List<HTTPProxy> proxies,
      FederationSnapshot snapshot,
      Map<String, TlsSecrets.Outcome> certificates) {
    List<HTTPProxy> mine =
        proxies.stream()
            .filter(this::ours)
            .sorted(
                Comparator.comparing((HTTPProxy p) -> p.getMetadata().getNamespace())
                    .thenComparing(p -> p.getMetadata().getName()))
            .toList();
    Map<String, HTTPProxy> byKey = new HashMap<>();
    Map<String, List<HTTPProxy>> byFqdn = new TreeMap<>();
    for (HTTPProxy p : mine) {
      byKey.put(key(p), p);
      String fqdn = fqdn(p);
      if (fqdn != null) {
        byFqdn
            .computeIfAbsent(fqdn.toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
            .add(p);
      }
    }
    Map<String, Findings> findings = new HashMap<>();
    List<RoutingTable.VirtualHost> hosts = new ArrayList<>();
    Map<String, Upstream> upstreams = new TreeMap<>();
    for (HTTPProxy root : mine) {
      String fqdn = fqdn(root);
      if (fqdn == null) {
        continue;
      }
      Findings f = findings.computeIfAbsent(key(root), k -> new Findings());
      String host = fqdn.toLowerCase(java.util.Locale.ROOT);
      if (byFqdn.get(host).size() > 1) {
        List<String> others = byFqdn.get(host).stream().map(ProxyCompiler::key).toList();
        f.fatal(
            new ProxyVerdict.Error(
                ProxyVerdict.VIRTUAL_HOST_ERROR,
                "DuplicateVhost",
                "fqdn \""
                    + fqdn
                    + "\" is used in multiple HTTPProxies: "
                    + String.join(", ", others)));
      }
      if (!Syntax.validFqdn(host)) {
        f.fatal(
            new ProxyVerdict.Error(
                ProxyVerdict.VIRTUAL_HOST_ERROR,
                "FQDNInvalid",
                "spec.virtualhost.fqdn \"" + fqdn + "\" is not a valid host name"));
      }
      HTTPProxySpec spec = root.getSpec();
      boolean noRoutes = spec.getRoutes() == null || spec.getRoutes().isEmpty();
      boolean noIncludes = spec.getIncludes() == null || spec.getIncludes().isEmpty();
      if (noRoutes && noIncludes && spec.getTcpproxy() == null) {
        // A root with nothing to serve would publish a virtual host that answers 404 to all.
        f.fatal(
            new ProxyVerdict.Error(
                ProxyVerdict.SPEC_ERROR,
                "NothingDefined",
                "HTTPProxy.spec.routes must be defined"));
      }
      List<ProxyVerdict.Error> corsErrors = new ArrayList<>();
      RoutingTable.Cors cors =
          CorsPolicies.parse(spec.getVirtualhost().getCorsPolicy(), corsErrors);
      corsErrors.forEach(f::fatal);
      Map<String, Upstream> hostUpstreams = new LinkedHashMap<>();
      List<ProxyVerdict.Error> tlsErrors = new ArrayList<>();
      List<ProxyVerdict.Error> tlsWarnings = new ArrayList<>();
      VirtualHostTls tls =
          TlsCompiler.compile(root, certificates, snapshot, tlsErrors, tlsWarnings, hostUpstreams);
      tlsErrors.forEach(f::fatal);
      f.warnings.addAll(tlsWarnings);
      List<RoutingTable.Route> routes =
          delegate(
              root,
              MatchConditions.Inherited.NONE,
              List.of(key(root)),
              byKey,
              findings,
              snapshot,
              hostUpstreams);
      if (!f.blocked && routes != null) {
        hosts.add(
            new RoutingTable.VirtualHost(
                host,
                routes.stream()
                    .sorted(
                        Comparator.comparing(
                            RoutingTable.Route::match, MatchConditions.ENVOY_ORDER))
                    .toList(),
                cors,
                tls));
        upstreams.putAll(hostUpstreams);
      }
    }
    List<ProxyVerdict> verdicts = new ArrayList<>();
    for (HTTPProxy p : mine) {
      Findings f = findings.get(key(p));
      if (f == null) {
        String message = "this HTTPProxy is not part of a delegation chain from a root HTTPProxy";
        verdicts.add(
            verdict(
                p,
                ProxyVerdict.ORPHANED,
                message,
                List.of(new ProxyVerdict.Error(ProxyVerdict.ORPHANED_ERROR, "Orphaned", message)),
                List.of()));
      } else if (f.errors.isEmpty()) {
        verdicts.add(
            verdict(p, ProxyVerdict.VALID, "Valid HTTPProxy", List.of(), List.copyOf(f.warnings)));
      } else {
        List<ProxyVerdict.Error> errors = List.copyOf(f.errors);
        verdicts.add(
            verdict(
                p, ProxyVerdict.INVALID, errors.get(0).message(), errors, List.copyOf(f.warnings)));
      }
    }
    hosts.sort(Comparator.comparing(RoutingTable.VirtualHost::fqdn));
    return new Result(new RoutingTable(hosts, upstreams), verdicts);
  }

  /**
   * What the compiler found about one proxy, over every delegation chain that reaches it: errors in
   * order without repeats, and whether one of them keeps the proxy's own routes from serving.
   * Include errors do not: like Contour, the proxy keeps serving its other routes.
   */
  private static final class Findings {
    final java.util.Set<ProxyVerdict.Error> errors = new java.util.LinkedHashSet<>();
    final java.util.Set<ProxyVerdict.Error> warnings = new java.util.LinkedHashSet<>();
    boolean blocked;

    void fatal(ProxyVerdict.Error error) {
      errors.add(error);
      blocked = true;
    }
  }

  private static String key(HTTPProxy p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  /**
   * The routes of {@code proxy} and of the proxies it includes, under the conditions the chain of
   * includes adds; null when the proxy's own routes are invalid (its includes go with them).
   */
  private List<RoutingTable.Route> delegate(
      HTTPProxy proxy,
      MatchConditions.Inherited inherited,
      List<String> chain,
      Map<String, HTTPProxy> byKey,
      Map<String, Findings> findings,
      FederationSnapshot snapshot,
      Map<String, Upstream> upstreams) {
    Findings f = findings.computeIfAbsent(key(proxy), k -> new Findings());
    UnimplementedFields.Found unimplemented = UnimplementedFields.of(proxy);
    f.warnings.addAll(unimplemented.warnings());
    if (!unimplemented.errors().isEmpty()) {
      // Fail closed: nothing of this proxy, nor what it includes, is served without the
      // restriction it asks for.
      unimplemented.errors().forEach(f::fatal);
      return null;
    }
    String ns = proxy.getMetadata().getNamespace();
    List<RoutingTable.Route> out = new ArrayList<>();
    Map<String, Upstream> mine = new LinkedHashMap<>();
    List<Include> includes =
        proxy.getSpec().getIncludes() == null ? List.of() : proxy.getSpec().getIncludes();
    java.util.Set<MatchConditions.Inherited> seen = new java.util.HashSet<>();
    for (int i = 0; i < includes.size(); i++) {
      Include include = includes.get(i);
      String where = "spec.includes[" + i + "]";
      List<ProxyVerdict.Error> errors = new ArrayList<>();
      MatchConditions.Inherited conditions =
          include == null ? null : MatchConditions.include(include.getConditions(), where, errors);
      if (include == null || include.getName() == null || include.getName().isBlank()) {
        f.errors.add(
            new ProxyVerdict.Error(
                ProxyVerdict.INCLUDE_ERROR, "IncludeNotFound", where + ": name is empty"));
        continue;
      }
      if (conditions == null) {
        f.errors.addAll(errors);
        continue;
      }
      if (!seen.add(conditions)) {
        f.errors.add(
            new ProxyVerdict.Error(
                ProxyVerdict.INCLUDE_ERROR,
                "DuplicateMatchConditions",
                where + ": duplicate conditions defined on an include"));
        continue;
      }
      String targetNs =
          include.getNamespace() == null || include.getNamespace().isBlank()
              ? ns
              : include.getNamespace();
      String target = targetNs + "/" + include.getName();
      MatchConditions.Inherited merged = inherited.plus(conditions);
      HTTPProxy included = byKey.get(target);
      boolean conditioned = include.getConditions() != null && !include.getConditions().isEmpty();
      if (included == null || fqdn(included) != null || included.getSpec() == null) {
        f.errors.add(
            included == null || included.getSpec() == null
                ? new ProxyVerdict.Error(
                    ProxyVerdict.INCLUDE_ERROR,
                    "IncludeNotFound",
                    where + ": include " + target + " not found")
                : new ProxyVerdict.Error(
                    ProxyVerdict.INCLUDE_ERROR,
                    "RootIncludesRoot",
                    where
                        + ": root httpproxy cannot include another root httpproxy ("
                        + target
                        + ")"));
        if (conditioned) {
          // Like Contour: what the include would have served answers 502, rather than falling
          // through to a shorter prefix of the including proxy.
          out.add(
              new RoutingTable.Route(
                  merged.match(),
                  List.of(),
                  RoutingTable.HeaderPolicy.NONE,
                  RoutingTable.HeaderPolicy.NONE,
                  null,
                  RoutingTable.Timeouts.DEFAULT,
                  null,
                  List.of(),
                  new RoutingTable.Actions(
                      null, false, null, new RoutingTable.DirectResponse(502, ""))));
        }
        continue;
      }
      if (chain.contains(target)) {
        List<String> cycle = new ArrayList<>(chain);
        cycle.add(target);
        findings
            .computeIfAbsent(target, k -> new Findings())
            .errors
            .add(
                new ProxyVerdict.Error(
                    ProxyVerdict.INCLUDE_ERROR,
                    "IncludeCreatesCycle",
                    "include creates an include cycle: " + String.join(" -> ", cycle)));
        continue;
      }
      List<String> longer = new ArrayList<>(chain);
      longer.add(target);
      List<RoutingTable.Route> sub =
          delegate(included, merged, longer, byKey, findings, snapshot, mine);
      if (sub != null) {
        out.addAll(sub);
      }
    }
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    List<ProxyVerdict.Error> warnings = new ArrayList<>();
    List<RoutingTable.Route> own = routes(proxy, inherited, snapshot, errors, warnings, mine);
    f.warnings.addAll(warnings);
    if (!errors.isEmpty()) {
      errors.forEach(f::fatal);
      return null;
    }
    out.addAll(own);
    upstreams.putAll(mine);
    return out;
  }

  private static String fqdn(HTTPProxy p) {
    HTTPProxySpec spec = p.getSpec();
    return spec == null || spec.getVirtualhost() == null ? null : spec.getVirtualhost().getFqdn();
  }

  private List<RoutingTable.Route> routes(
      HTTPProxy p,
      MatchConditions.Inherited inherited,
      FederationSnapshot snapshot,
      List<ProxyVerdict.Error> errors,
      List<ProxyVerdict.Error> warnings,
      Map<String, Upstream> upstreams) {
    String ns = p.getMetadata().getNamespace();
    Map<String, String> variables = Map.of(HeaderValues.NAMESPACE, ns);
    List<HTTPProxySpec.Route> specRoutes =
        p.getSpec().getRoutes() == null ? List.of() : p.getSpec().getRoutes();
    Map<RoutingTable.Match, RoutingTable.Route> byMatch = new HashMap<>();
    for (int i = 0; i < specRoutes.size(); i++) {
      HTTPProxySpec.Route r = specRoutes.get(i);
      String where = "spec.routes[" + i + "]";
      if (r == null) {
        errors.add(
            new ProxyVerdict.Error(ProxyVerdict.ROUTE_ERROR, "RouteInvalid", where + " is empty"));
        continue;
      }
      RoutingTable.Match match = MatchConditions.parse(inherited, r.getConditions(), where, errors);
      if (!RouteActions.oneAction(r, where, errors)) {
        continue;
      }
      List<HTTPProxySpec.RouteService> services =
          r.getServices() == null ? List.of() : r.getServices();
      RouteActions.atMostOneMirror(services, where, errors);
      RoutingTable.Redirect redirect =
          RouteActions.redirect(r.getRequestRedirectPolicy(), where, errors);
      RoutingTable.DirectResponse direct =
          RouteActions.directResponse(r.getDirectResponsePolicy(), where, errors);
      String mirror = null;
      java.time.Duration idleConnection =
          RoutePolicies.idleConnection(r.getTimeoutPolicy(), where, errors);
      LoadBalancing.Choice balancing =
          LoadBalancing.choose(r.getLoadBalancerPolicy(), where, warnings);
      int beforeHealthCheck = errors.size();
      HealthCheck healthCheck = HealthCheck.parse(r.getHealthCheckPolicy(), where, errors);
      if (errors.size() > beforeHealthCheck) {
        continue;
      }
      List<RoutingTable.WeightedCluster> clusters = new ArrayList<>();
      boolean anyWeight =
          services.stream()
              .anyMatch(
                  s ->
                      s != null
                          && !Boolean.TRUE.equals(s.getMirror())
                          && s.getWeight() != null
                          && s.getWeight() > 0);
      for (int j = 0; j < services.size(); j++) {
        HTTPProxySpec.RouteService s = services.get(j);
        String swhere = where + ".services[" + j + "]";
        Upstream upstream =
            ServiceResolver.resolve(
                ns,
                s,
                snapshot,
                new ServiceResolver.ClusterPolicies(
                    balancing.strategy(), idleConnection, healthCheck),
                swhere,
                errors);
        if (upstream == null) {
          continue;
        }
        Long weight = ServiceResolver.weight(s, ProxyVerdict.SERVICE_ERROR, swhere, errors);
        if (weight == null) {
          continue;
        }
        upstreams.put(upstream.name(), upstream);
        if (Boolean.TRUE.equals(s.getMirror())) {
          mirror = upstream.name();
          continue;
        }
        Map<String, String> serviceVariables =
            Map.of(
                HeaderValues.NAMESPACE, ns,
                HeaderValues.SERVICE_NAME, s.getName(),
                HeaderValues.SERVICE_PORT, String.valueOf(s.getPort()));
        clusters.add(
            new RoutingTable.WeightedCluster(
                upstream.name(),
                anyWeight ? weight : 1,
                RoutePolicies.headers(
                    s.getRequestHeadersPolicy(), false, serviceVariables, swhere, errors),
                RoutePolicies.headers(
                    s.getResponseHeadersPolicy(), true, serviceVariables, swhere, errors)));
      }
      if (match == null) {
        continue;
      }
      if (clusters.isEmpty() && redirect == null && direct == null) {
        // Only a mirror: like Contour, the route answers 503 itself.
        direct = new RoutingTable.DirectResponse(503, "");
      }
      if (byMatch.containsKey(match)) {
        errors.add(
            new ProxyVerdict.Error(
                ProxyVerdict.ROUTE_ERROR,
                "DuplicateMatchConditions",
                where + ": another route has the same conditions"));
      }
      byMatch.put(
          match,
          new RoutingTable.Route(
              match,
              clusters,
              RoutePolicies.headers(r.getRequestHeadersPolicy(), false, variables, where, errors),
              RoutePolicies.headers(r.getResponseHeadersPolicy(), true, variables, where, errors),
              RoutePolicies.prefixRewrite(r.getPathRewritePolicy(), match, where, errors),
              RoutePolicies.timeouts(r.getTimeoutPolicy(), where, errors),
              RoutePolicies.retry(r.getRetryPolicy(), where, errors),
              balancing.hashPolicies(),
              new RoutingTable.Actions(
                  mirror,
                  Boolean.TRUE.equals(r.getEnableWebsockets()),
                  redirect,
                  direct,
                  Boolean.TRUE.equals(r.getPermitInsecure()))));
    }
    // Envoy takes the first match: exact paths, regexes, then prefixes, longest first.
    return byMatch.values().stream()
        .sorted(Comparator.comparing(RoutingTable.Route::match, MatchConditions.ENVOY_ORDER))
        .toList();
  }

  private ProxyVerdict verdict(
      HTTPProxy p,
      String status,
      String description,
      List<ProxyVerdict.Error> errors,
      List<ProxyVerdict.Error> warnings) {
    Long generation = p.getMetadata().getGeneration();
    return new ProxyVerdict(
        p.getMetadata().getNamespace(),
        p.getMetadata().getName(),
        generation == null ? 0 : generation,
        status,
        description,
        errors,
        warnings);
  }
}
