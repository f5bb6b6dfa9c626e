package dev.gantry.xds.compile.ingress;

import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.WeightedCluster;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Pure translation of {@code networking.k8s.io/v1} Ingresses of our class into routing model hosts
 * ({@link IngressHost}), one per Ingress and host, each backend resolved once. Input that cannot be
 * served (a missing or out-of-range backend, a resource backend, a bad host or path) leaves out
 * that rule or path with a {@link Warning}; the rest is served.
 */
public final class IngressConverter {
  static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";
  static final String FORCE_SSL_REDIRECT = "ingress.kubernetes.io/force-ssl-redirect";

  private final String ingressClass;
  private final ExternalNames externalNames;

  /** A converter of the Ingresses of {@code ingressClass}, to no ExternalName Service. */
  public IngressConverter(String ingressClass) {
    this(ingressClass, ExternalNames.DISABLED);
  }

  /** As the other, backends reaching ExternalName Services as {@code externalNames} says. */
  public IngressConverter(String ingressClass, ExternalNames externalNames) {
    this.ingressClass = Objects.requireNonNull(ingressClass, "ingressClass");
    this.externalNames = Objects.requireNonNull(externalNames, "externalNames");
  }

  /** Something of Ingress {@code ingress} ({@code namespace/name}) that is not served, and why. */
  public record Warning(String ingress, String message) {}

  /** The hosts, sorted by Ingress then host, and what was left out. */
  public record Conversion(List<IngressHost> hosts, List<Warning> warnings) {
    public Conversion {
      hosts = List.copyOf(hosts);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Whether the Ingress is ours: {@code spec.ingressClassName} or the {@code
   * kubernetes.io/ingress.class} annotation names our class. One with neither is not ours (a
   * cluster's default IngressClass belongs to the cluster's own controller).
   */
  public boolean ours(Ingress ingress) {
    String byField = ingress.getSpec() == null ? null : ingress.getSpec().getIngressClassName();
    return ingressClass.equals(byField)
        || ingressClass.equals(annotation(ingress, CLASS_ANNOTATION));
  }

  public Conversion convert(List<Ingress> ingresses, FederationSnapshot snapshot) {
    List<IngressHost> hosts = new ArrayList<>();
    List<Warning> warnings = new ArrayList<>();
    ingresses.stream()
        .filter(this::ours)
        .sorted(Comparator.comparing(IngressConverter::key))
        .forEach(ingress -> convert(ingress, snapshot, hosts, warnings));
    return new Conversion(hosts, warnings);
  }

  static String key(Ingress ingress) {
    return ingress.getMetadata().getNamespace() + "/" + ingress.getMetadata().getName();
  }

  /**
   * The paths of one host of one Ingress by match: a match is served once, by its first path.
   * Prefix and ImplementationSpecific paths have different matches (path elements, plain prefix),
   * so both are served, in one Ingress as across several.
   */
  private static final class Paths {
    final Map<RoutingTable.Match, Target> byMatch = new LinkedHashMap<>();
  }

  /** Where a match goes, and its path as the Ingress wrote it (what websocket-routes names). */
  private record Target(Upstream upstream, String written) {}

  private void convert(
      Ingress ingress, FederationSnapshot snapshot, List<IngressHost> out, List<Warning> warnings) {
    String key = key(ingress);
    IngressSpec spec = ingress.getSpec();
    if (spec == null) {
      warnings.add(new Warning(key, "spec is missing"));
      return;
    }
    if (!annotationsAllow(ingress, key, warnings)) {
      return;
    }
    String ns = ingress.getMetadata().getNamespace();
    IngressPolicies policies =
        IngressPolicies.of(
            ingress.getMetadata().getAnnotations(),
            problem -> warnings.add(new Warning(key, "annotation " + problem)));
    Map<String, Paths> hosts = rules(key, ns, spec, snapshot, warnings);
    if (spec.getDefaultBackend() != null) {
      Upstream fallback =
          report(
              IngressPaths.backend(
                  ns, spec.getDefaultBackend(), "spec.defaultBackend", snapshot, externalNames),
              key,
              warnings);
      if (fallback != null) {
        hosts.computeIfAbsent(RoutingTable.ANY_HOST, k -> new Paths());
        // Kubernetes: the default backend gets what matches no rule; within a host Envoy would
        // answer 404 to a path no route matches, so each host without "/" gets it as "/".
        hosts
            .values()
            .forEach(
                h ->
                    h.byMatch.putIfAbsent(
                        RoutingTable.Match.prefix("/"), new Target(fallback, "/")));
      }
    }
    Map<String, String> secrets = tlsSecrets(spec, key, warnings);
    boolean forceRedirect = "true".equals(annotation(ingress, FORCE_SSL_REDIRECT));
    hosts.forEach(
        (host, paths) -> {
          if (paths.byMatch.isEmpty()) {
            warnings.add(
                new Warning(
                    key,
                    "host \""
                        + host
                        + "\" has nothing left to serve (no valid path, no defaultBackend)"));
            return;
          }
          String secret = secrets.get(host);
          // Contour serves an Ingress's TLS hosts over plain HTTP too unless asked to redirect.
          out.add(host(key, host, paths, secret, secret != null && !forceRedirect, policies));
        });
    Set<String> written = new HashSet<>();
    hosts.values().forEach(h -> h.byMatch.values().forEach(t -> written.add(t.written())));
    for (String path : policies.websocketPaths()) {
      if (!written.contains(path)) {
        warnings.add(
            new Warning(
                key,
                "annotation "
                    + IngressPolicies.WEBSOCKET_ROUTES
                    + ": \""
                    + path
                    + "\" is not a path of this Ingress; ignored"));
      }
    }
  }

  /**
   * False, with the reason, when an annotation asks for an access restriction Gantry does not
   * implement: served without it, the Ingress would be open to everyone. Others not implemented are
   * named in a warning.
   */
  private static boolean annotationsAllow(Ingress ingress, String key, List<Warning> warnings) {
    IngressAnnotations.Judgement annotations =
        IngressAnnotations.judge(ingress.getMetadata().getAnnotations());
    if (!annotations.refused().isEmpty()) {
      warnings.add(
          new Warning(
              key,
              "not served: annotation(s) "
                  + String.join(", ", annotations.refused())
                  + " restrict access, which Gantry does not implement"));
      return false;
    }
    for (String name : annotations.ignored()) {
      warnings.add(new Warning(key, "annotation " + name + " is not implemented; ignored"));
    }
    return true;
  }

  /** The valid rules' paths by lower-cased host, sorted. */
  private Map<String, Paths> rules(
      String key,
      String ns,
      IngressSpec spec,
      FederationSnapshot snapshot,
      List<Warning> warnings) {
    Map<String, Paths> hosts = new TreeMap<>();
    List<IngressRule> rules = spec.getRules() == null ? List.of() : spec.getRules();
    for (int i = 0; i < rules.size(); i++) {
      IngressRule rule = rules.get(i);
      String where = "spec.rules[" + i + "]";
      if (rule == null) {
        continue;
      }
      String host =
          rule.getHost() == null || rule.getHost().isEmpty()
              ? RoutingTable.ANY_HOST
              : rule.getHost().toLowerCase(Locale.ROOT);
      if (!host.equals(RoutingTable.ANY_HOST) && !Syntax.validFqdn(host)) {
        warnings.add(
            new Warning(key, where + ".host \"" + rule.getHost() + "\" is not a valid host name"));
        continue;
      }
      Paths paths = hosts.computeIfAbsent(host, k -> new Paths());
      List<HTTPIngressPath> list =
          rule.getHttp() == null || rule.getHttp().getPaths() == null
              ? List.of()
              : rule.getHttp().getPaths();
      for (int j = 0; j < list.size(); j++) {
        path(key, ns, list.get(j), where + ".http.paths[" + j + "]", snapshot, paths, warnings);
      }
    }
    return hosts;
  }

  private void path(
      String key,
      String ns,
      HTTPIngressPath p,
      String where,
      FederationSnapshot snapshot,
      Paths paths,
      List<Warning> warnings) {
    if (p == null) {
      return;
    }
    RoutingTable.Match match = report(IngressPaths.match(p, where), key, warnings);
    if (match == null) {
      return;
    }
    Upstream upstream =
        report(
            IngressPaths.backend(ns, p.getBackend(), where + ".backend", snapshot, externalNames),
            key,
            warnings);
    if (upstream == null) {
      return;
    }
    if (paths.byMatch.putIfAbsent(match, new Target(upstream, IngressPaths.path(p))) != null) {
      warnings.add(
          new Warning(
              key,
              where
                  + ": path \""
                  + IngressPaths.path(p)
                  + "\" ("
                  + IngressPaths.type(p)
                  + ") is already routed; ignored"));
    }
  }

  private static IngressHost host(
      String key,
      String host,
      Paths paths,
      String secret,
      boolean insecure,
      IngressPolicies policies) {
    Map<String, Upstream> upstreams = new TreeMap<>();
    List<RoutingTable.Route> routes = new ArrayList<>();
    paths.byMatch.forEach(
        (match, target) -> {
          upstreams.put(target.upstream().name(), target.upstream());
          boolean websockets = policies.websocketPaths().contains(target.written());
          routes.add(route(match, target.upstream(), insecure, websockets, policies));
        });
    routes.sort(IngressPaths.ORDER);
    return new IngressHost(key, host, routes, upstreams, secret, policies.minimumVersion());
  }

  private static RoutingTable.Route route(
      RoutingTable.Match match,
      Upstream upstream,
      boolean insecure,
      boolean websockets,
      IngressPolicies policies) {
    return RoutingTable.Route.matching(match)
        .clusters(List.of(new WeightedCluster(upstream.name(), 1)))
        .timeouts(policies.timeouts())
        .retry(policies.retry())
        .actions(new RoutingTable.Actions(null, websockets, null, null, insecure))
        .build();
  }

  /** Host to secret name from {@code spec.tls}; the first entry naming a host wins. */
  private static Map<String, String> tlsSecrets(
      IngressSpec spec, String key, List<Warning> warnings) {
    Map<String, String> secrets = new HashMap<>();
    List<IngressTLS> tls = spec.getTls() == null ? List.of() : spec.getTls();
    for (int i = 0; i < tls.size(); i++) {
      IngressTLS t = tls.get(i);
      if (t == null || t.getSecretName() == null || t.getSecretName().isEmpty()) {
        warnings.add(new Warning(key, "spec.tls[" + i + "] has no secretName; ignored"));
        continue;
      }
      for (String host : t.getHosts() == null ? List.<String>of() : t.getHosts()) {
        if (host != null) {
          secrets.putIfAbsent(host.toLowerCase(Locale.ROOT), t.getSecretName());
        }
      }
    }
    return secrets;
  }

  /** The value, or null after adding the errors to {@code warnings}. */
  private static <T> T report(Outcome<T> outcome, String key, List<Warning> warnings) {
    for (ProxyVerdict.Error e : outcome.errors()) {
      warnings.add(new Warning(key, e.message()));
    }
    return outcome.value();
  }

  private static String annotation(Ingress ingress, String name) {
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(name);
  }
}
