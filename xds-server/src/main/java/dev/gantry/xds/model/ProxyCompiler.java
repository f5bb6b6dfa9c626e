package dev.gantry.xds.model;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.federation.ServicePortSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
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
  /** Longest fqdn Envoy and DNS accept. */
  private static final int MAX_FQDN = 253;

  private final String ingressClass;

  public ProxyCompiler(String ingressClass) {
    this.ingressClass = Objects.requireNonNull(ingressClass, "ingressClass");
  }

  /** The compiled table and the verdicts, both deterministic for the same input. */
  public record Result(RoutingTable table, List<ProxyVerdict> verdicts) {}

  /** Whether {@code proxy} belongs to this server's ingress class. */
  public boolean ours(HTTPProxy proxy) {
    String byField = proxy.getSpec() == null ? null : proxy.getSpec().getIngressClassName();
    Map<String, String> annotations = proxy.getMetadata().getAnnotations();
    String byAnnotation =
        annotations == null
            ? null
            : annotations.getOrDefault(
                "projectcontour.io/ingress.class", annotations.get("kubernetes.io/ingress.class"));
    return ingressClass.equals(byField != null ? byField : byAnnotation);
  }

  public Result compile(List<HTTPProxy> proxies, FederationSnapshot snapshot) {
    List<HTTPProxy> mine =
        proxies.stream()
            .filter(this::ours)
            .sorted(
                Comparator.comparing((HTTPProxy p) -> p.getMetadata().getNamespace())
                    .thenComparing(p -> p.getMetadata().getName()))
            .toList();
    Map<String, List<HTTPProxy>> byFqdn = new TreeMap<>();
    for (HTTPProxy p : mine) {
      String fqdn = fqdn(p);
      if (fqdn != null) {
        byFqdn
            .computeIfAbsent(fqdn.toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
            .add(p);
      }
    }
    List<ProxyVerdict> verdicts = new ArrayList<>();
    List<RoutingTable.VirtualHost> hosts = new ArrayList<>();
    Map<String, Upstream> upstreams = new TreeMap<>();
    for (HTTPProxy p : mine) {
      String fqdn = fqdn(p);
      if (fqdn == null) {
        verdicts.add(
            verdict(
                p,
                ProxyVerdict.ORPHANED,
                "this HTTPProxy is not part of a delegation chain from a root HTTPProxy",
                List.of(
                    new ProxyVerdict.Error(
                        ProxyVerdict.ORPHANED_ERROR,
                        "Orphaned",
                        "this HTTPProxy is not part of a delegation chain from a root HTTPProxy")),
                List.of()));
        continue;
      }
      List<ProxyVerdict.Error> errors = new ArrayList<>();
      List<ProxyVerdict.Error> warnings = new ArrayList<>();
      String key = fqdn.toLowerCase(java.util.Locale.ROOT);
      if (byFqdn.get(key).size() > 1) {
        List<String> others =
            byFqdn.get(key).stream()
                .map(o -> o.getMetadata().getNamespace() + "/" + o.getMetadata().getName())
                .toList();
        errors.add(
            new ProxyVerdict.Error(
                ProxyVerdict.VIRTUAL_HOST_ERROR,
                "DuplicateVhost",
                "fqdn \""
                    + fqdn
                    + "\" is used in multiple HTTPProxies: "
                    + String.join(", ", others)));
      }
      if (!validFqdn(key)) {
        errors.add(
            new ProxyVerdict.Error(
                ProxyVerdict.VIRTUAL_HOST_ERROR,
                "FQDNInvalid",
                "spec.virtualhost.fqdn \"" + fqdn + "\" is not a valid host name"));
      }
      Map<String, Upstream> proxyUpstreams = new LinkedHashMap<>();
      List<RoutingTable.Route> routes = routes(p, snapshot, errors, warnings, proxyUpstreams);
      if (errors.isEmpty()) {
        hosts.add(new RoutingTable.VirtualHost(key, routes));
        upstreams.putAll(proxyUpstreams);
        verdicts.add(verdict(p, ProxyVerdict.VALID, "Valid HTTPProxy", List.of(), warnings));
      } else {
        verdicts.add(verdict(p, ProxyVerdict.INVALID, errors.get(0).message(), errors, warnings));
      }
    }
    hosts.sort(Comparator.comparing(RoutingTable.VirtualHost::fqdn));
    return new Result(new RoutingTable(hosts, upstreams), verdicts);
  }

  private static String fqdn(HTTPProxy p) {
    HTTPProxySpec spec = p.getSpec();
    return spec == null || spec.getVirtualhost() == null ? null : spec.getVirtualhost().getFqdn();
  }

  static boolean validFqdn(String fqdn) {
    return !fqdn.isEmpty()
        && fqdn.length() <= MAX_FQDN
        && fqdn.matches(
            "(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  }

  private List<RoutingTable.Route> routes(
      HTTPProxy p,
      FederationSnapshot snapshot,
      List<ProxyVerdict.Error> errors,
      List<ProxyVerdict.Error> warnings,
      Map<String, Upstream> upstreams) {
    String ns = p.getMetadata().getNamespace();
    List<HTTPProxySpec.Route> specRoutes =
        p.getSpec().getRoutes() == null ? List.of() : p.getSpec().getRoutes();
    if (specRoutes.isEmpty()) {
      // A root with nothing to serve would publish a virtual host that answers 404 to all.
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SPEC_ERROR, "NothingDefined", "HTTPProxy.spec.routes must be defined"));
    }
    Map<RoutingTable.Match, RoutingTable.Route> byMatch = new HashMap<>();
    for (int i = 0; i < specRoutes.size(); i++) {
      HTTPProxySpec.Route r = specRoutes.get(i);
      String where = "spec.routes[" + i + "]";
      if (r == null) {
        errors.add(
            new ProxyVerdict.Error(ProxyVerdict.ROUTE_ERROR, "RouteInvalid", where + " is empty"));
        continue;
      }
      RoutingTable.Match match = MatchConditions.parse(r.getConditions(), where, errors);
      List<HTTPProxySpec.RouteService> services =
          r.getServices() == null ? List.of() : r.getServices();
      if (services.isEmpty()) {
        errors.add(
            new ProxyVerdict.Error(
                ProxyVerdict.ROUTE_ERROR, "NoServices", where + ": route has no services"));
        continue;
      }
      java.time.Duration idleConnection =
          RoutePolicies.idleConnection(r.getTimeoutPolicy(), where, errors);
      LoadBalancing.Choice balancing =
          LoadBalancing.choose(r.getLoadBalancerPolicy(), where, warnings);
      List<RoutingTable.WeightedCluster> clusters = new ArrayList<>();
      boolean anyWeight =
          services.stream().anyMatch(s -> s != null && s.getWeight() != null && s.getWeight() > 0);
      for (int j = 0; j < services.size(); j++) {
        HTTPProxySpec.RouteService s = services.get(j);
        String swhere = where + ".services[" + j + "]";
        Upstream upstream =
            resolve(ns, s, snapshot, balancing.strategy(), idleConnection, swhere, errors);
        if (upstream == null) {
          continue;
        }
        long weight = s.getWeight() == null ? 0 : s.getWeight();
        if (weight < 0 || weight > 1_000_000) {
          errors.add(
              new ProxyVerdict.Error(
                  ProxyVerdict.SERVICE_ERROR,
                  "WeightInvalid",
                  swhere + ": weight " + weight + " is outside 0..1000000"));
          continue;
        }
        upstreams.put(upstream.name(), upstream);
        clusters.add(
            new RoutingTable.WeightedCluster(
                upstream.name(),
                anyWeight ? weight : 1,
                RoutePolicies.headers(s.getRequestHeadersPolicy(), false, swhere, errors),
                RoutePolicies.headers(s.getResponseHeadersPolicy(), true, swhere, errors)));
      }
      if (match == null) {
        continue;
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
              RoutePolicies.headers(r.getRequestHeadersPolicy(), false, where, errors),
              RoutePolicies.headers(r.getResponseHeadersPolicy(), true, where, errors),
              RoutePolicies.prefixRewrite(r.getPathRewritePolicy(), match, where, errors),
              RoutePolicies.timeouts(r.getTimeoutPolicy(), where, errors),
              RoutePolicies.retry(r.getRetryPolicy(), where, errors),
              balancing.hashPolicies()));
    }
    // Envoy takes the first match: exact paths, regexes, then prefixes, longest first.
    return byMatch.values().stream()
        .sorted(Comparator.comparing(RoutingTable.Route::match, MatchConditions.ENVOY_ORDER))
        .toList();
  }

  /**
   * Resolves a route service: a hub Service by that name that is one cluster's mirror routes to
   * that cluster only; otherwise the federated service of that name (every cluster).
   */
  private static Upstream resolve(
      String ns,
      HTTPProxySpec.RouteService s,
      FederationSnapshot snapshot,
      Upstream.Strategy strategy,
      java.time.Duration idleConnection,
      String where,
      List<ProxyVerdict.Error> errors) {
    if (s == null || s.getName() == null || s.getName().isBlank()) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SERVICE_ERROR,
              "ServiceUnresolvedReference",
              where + ": service name is empty"));
      return null;
    }
    if (s.getPort() == null || s.getPort() < 1 || s.getPort() > 65535) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SERVICE_ERROR,
              "ServicePortInvalid",
              where + ": port " + s.getPort() + " is not 1-65535"));
      return null;
    }
    ServiceName name = ServiceName.of(ns, s.getName());
    FederatedService hubService = snapshot.hubServices().get(name);
    boolean mirror =
        hubService != null && !hubService.clusters().containsKey(FederationSnapshot.LOCAL_CLUSTER);
    FederatedService target = mirror ? hubService : snapshot.federated().get(name);
    if (target == null) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SERVICE_ERROR,
              "ServiceUnresolvedReference",
              where + ": service \"" + name + "\" is not found"));
      return null;
    }
    ServicePortSpec port =
        target.ports().stream().filter(p -> p.port() == s.getPort()).findFirst().orElse(null);
    if (port == null) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SERVICE_ERROR,
              "ServiceUnresolvedReference",
              where + ": service \"" + name + "\": port " + s.getPort() + " is not defined"));
      return null;
    }
    boolean federated = !mirror;
    // Like Contour's cluster names, the hash covers the cluster-level policies, so that routes
    // asking for different ones get different clusters; the defaults add nothing, which keeps the
    // names of clusters without policies as they were.
    StringBuilder identity =
        new StringBuilder(name + "/" + port.port() + "/" + (federated ? "federated" : "service"));
    if (strategy != Upstream.Strategy.ROUND_ROBIN) {
      identity.append("/lb=").append(strategy.contourName());
    }
    if (idleConnection != null) {
      identity.append("/idleConnection=").append(idleConnection.toNanos());
    }
    String clusterName =
        ns + "/" + s.getName() + "/" + s.getPort() + "/" + shortHash(identity.toString());
    return new Upstream(clusterName, target, port, federated, strategy, idleConnection);
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

  static String shortHash(String value) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
