package dev.gantry.xds.compile.ingress;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.TLS;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.federation.ServicePortSpec;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.ir.RoutingTable;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Pure translation of {@code networking.k8s.io/v1} Ingresses of our class into synthetic
 * HTTPProxies, one per Ingress and host, so that they compile through {@link ProxyCompiler} like
 * real ones. Input that cannot be served (a missing or out-of-range backend, a resource backend, a
 * bad host or path) leaves out that rule or path with a {@link Warning}; the rest is served.
 */
public final class IngressConverter {
  /** Synthetic proxies are named {@code ingress/<ingress name>/<host>}: no real name has a "/". */
  public static final String NAME_PREFIX = "ingress/";

  static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";
  static final String FORCE_SSL_REDIRECT = "ingress.kubernetes.io/force-ssl-redirect";

  private final String ingressClass;

  public IngressConverter(String ingressClass) {
    this.ingressClass = Objects.requireNonNull(ingressClass, "ingressClass");
  }

  /**
   * One host of one Ingress as an HTTPProxy.
   *
   * @param ingress {@code namespace/name} of the source Ingress
   * @param host the lower-cased host, {@link RoutingTable#ANY_HOST} for rules without one
   * @param segmentPrefixes the proxy's prefix conditions that are Ingress {@code Prefix} paths, to
   *     be matched by whole path elements (HTTPProxy conditions cannot say so)
   */
  public record Synthetic(
      String ingress, String host, HTTPProxy proxy, Set<String> segmentPrefixes) {
    public Synthetic {
      segmentPrefixes = Set.copyOf(segmentPrefixes);
    }
  }

  /** Something of Ingress {@code ingress} ({@code namespace/name}) that is not served, and why. */
  public record Warning(String ingress, String message) {}

  /** The synthetic proxies, sorted by Ingress then host, and what was left out. */
  public record Conversion(List<Synthetic> proxies, List<Warning> warnings) {
    public Conversion {
      proxies = List.copyOf(proxies);
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
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    String byAnnotation = annotations == null ? null : annotations.get(CLASS_ANNOTATION);
    return ingressClass.equals(byField) || ingressClass.equals(byAnnotation);
  }

  public Conversion convert(List<Ingress> ingresses, FederationSnapshot snapshot) {
    List<Ingress> mine =
        ingresses.stream()
            .filter(this::ours)
            .sorted(Comparator.comparing(IngressConverter::key))
            .toList();
    List<Synthetic> proxies = new ArrayList<>();
    List<Warning> warnings = new ArrayList<>();
    for (Ingress ingress : mine) {
      convert(ingress, snapshot, proxies, warnings);
    }
    return new Conversion(proxies, warnings);
  }

  static String key(Ingress ingress) {
    return ingress.getMetadata().getNamespace() + "/" + ingress.getMetadata().getName();
  }

  /** Routes of one host, keyed by their HTTPProxy condition (the same key clashes there too). */
  private static final class Host {
    final Map<String, HTTPProxySpec.Route> routes = new LinkedHashMap<>();
    final Set<String> segmentPrefixes = new TreeSet<>();
  }

  private void convert(
      Ingress ingress, FederationSnapshot snapshot, List<Synthetic> out, List<Warning> warnings) {
    String key = key(ingress);
    String ns = ingress.getMetadata().getNamespace();
    IngressSpec spec = ingress.getSpec();
    if (spec == null) {
      warnings.add(new Warning(key, "spec is missing"));
      return;
    }
    Map<String, Host> hosts = new TreeMap<>();
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
      Host h = hosts.computeIfAbsent(host, k -> new Host());
      List<HTTPIngressPath> paths =
          rule.getHttp() == null || rule.getHttp().getPaths() == null
              ? List.of()
              : rule.getHttp().getPaths();
      for (int j = 0; j < paths.size(); j++) {
        path(ns, paths.get(j), where + ".http.paths[" + j + "]", snapshot, h, key, warnings);
      }
    }
    if (spec.getDefaultBackend() != null) {
      HTTPProxySpec.RouteService service =
          backend(ns, spec.getDefaultBackend(), "spec.defaultBackend", snapshot, key, warnings);
      if (service != null) {
        hosts.computeIfAbsent(RoutingTable.ANY_HOST, k -> new Host());
        // Kubernetes: the default backend gets what matches no rule; within a host Envoy would
        // answer 404 to a path no route matches, so each host without "/" gets it as "/".
        for (Host h : hosts.values()) {
          h.routes.putIfAbsent("prefix:/", route(condition("prefix", "/"), service));
        }
      }
    }
    Map<String, String> secrets = tlsSecrets(spec, key, warnings);
    boolean forceRedirect = "true".equals(annotation(ingress, FORCE_SSL_REDIRECT));
    for (Map.Entry<String, Host> e : hosts.entrySet()) {
      String host = e.getKey();
      Host h = e.getValue();
      if (h.routes.isEmpty()) {
        warnings.add(
            new Warning(
                key,
                "host \""
                    + host
                    + "\" has nothing left to serve (no valid path, no defaultBackend)"));
        continue;
      }
      String secret = secrets.get(host);
      List<HTTPProxySpec.Route> routes = new ArrayList<>(h.routes.values());
      if (secret != null && !forceRedirect) {
        // Contour serves an Ingress's TLS hosts over plain HTTP too unless asked to redirect;
        // an HTTPProxy with TLS redirects unless its routes permit insecure.
        routes.forEach(r -> r.setPermitInsecure(true));
      }
      out.add(new Synthetic(key, host, proxy(ingress, host, routes, secret), h.segmentPrefixes));
    }
  }

  private static void path(
      String ns,
      HTTPIngressPath p,
      String where,
      FederationSnapshot snapshot,
      Host host,
      String key,
      List<Warning> warnings) {
    if (p == null) {
      return;
    }
    String path = p.getPath() == null || p.getPath().isEmpty() ? "/" : p.getPath();
    String type = p.getPathType() == null ? "ImplementationSpecific" : p.getPathType();
    if (!path.startsWith("/")) {
      warnings.add(new Warning(key, where + ".path \"" + path + "\" must start with /"));
      return;
    }
    HTTPProxySpec.MatchCondition condition;
    boolean segment = false;
    switch (type) {
      case "Exact" -> condition = condition("exact", path);
      case "Prefix" -> {
        if (path.contains("?") || path.contains("#")) {
          warnings.add(new Warning(key, where + ".path \"" + path + "\" contains ? or #"));
          return;
        }
        // Kubernetes ignores a trailing "/" of a Prefix path; "/" itself matches everything.
        String trimmed = path.replaceAll("/+$", "");
        segment = !trimmed.isEmpty();
        condition = condition("prefix", segment ? trimmed : "/");
      }
      case "ImplementationSpecific" -> condition = condition("prefix", path);
      default -> {
        warnings.add(
            new Warning(
                key,
                where
                    + ".pathType \""
                    + type
                    + "\" is not one of Exact, Prefix, ImplementationSpecific"));
        return;
      }
    }
    HTTPProxySpec.RouteService service =
        backend(ns, p.getBackend(), where + ".backend", snapshot, key, warnings);
    if (service == null) {
      return;
    }
    String match =
        condition.getExact() != null
            ? "exact:" + condition.getExact()
            : "prefix:" + condition.getPrefix();
    if (host.routes.containsKey(match)) {
      warnings.add(
          new Warning(
              key, where + ": path \"" + path + "\" (" + type + ") is already routed; ignored"));
      return;
    }
    host.routes.put(match, route(condition, service));
    if (segment) {
      host.segmentPrefixes.add(condition.getPrefix());
    }
  }

  /** A service backend as an HTTPProxy route service, or null with a warning. */
  private static HTTPProxySpec.RouteService backend(
      String ns,
      IngressBackend backend,
      String where,
      FederationSnapshot snapshot,
      String key,
      List<Warning> warnings) {
    if (backend == null || (backend.getService() == null && backend.getResource() == null)) {
      warnings.add(new Warning(key, where + " has no service"));
      return null;
    }
    if (backend.getResource() != null) {
      warnings.add(new Warning(key, where + ": resource backends are not supported"));
      return null;
    }
    IngressServiceBackend s = backend.getService();
    if (s.getName() == null || s.getName().isBlank()) {
      warnings.add(new Warning(key, where + ".service.name is empty"));
      return null;
    }
    Integer number = s.getPort() == null ? null : s.getPort().getNumber();
    String portName = s.getPort() == null ? null : s.getPort().getName();
    if (portName != null && portName.isEmpty()) {
      portName = null;
    }
    if ((number == null) == (portName == null)) {
      warnings.add(new Warning(key, where + ".service.port needs exactly one of number, name"));
      return null;
    }
    if (number != null && (number < 1 || number > 65535)) {
      warnings.add(new Warning(key, where + ".service.port.number " + number + " is not 1-65535"));
      return null;
    }
    ServiceName name = ServiceName.of(ns, s.getName());
    FederatedService target = target(name, snapshot);
    if (target == null) {
      warnings.add(new Warning(key, where + ": service \"" + name + "\" is not found"));
      return null;
    }
    String wanted = portName;
    ServicePortSpec port =
        target.ports().stream()
            .filter(p -> wanted != null ? wanted.equals(p.name()) : p.port() == number)
            .findFirst()
            .orElse(null);
    if (port == null) {
      warnings.add(
          new Warning(
              key,
              where
                  + ": service \""
                  + name
                  + "\" has no port "
                  + (wanted != null ? "named \"" + wanted + "\"" : String.valueOf(number))));
      return null;
    }
    HTTPProxySpec.RouteService service = new HTTPProxySpec.RouteService();
    service.setName(s.getName());
    service.setPort(port.port());
    return service;
  }

  /** The service a route to {@code name} reaches, as {@link ProxyCompiler} resolves it. */
  private static FederatedService target(ServiceName name, FederationSnapshot snapshot) {
    FederatedService hubService = snapshot.hubServices().get(name);
    boolean mirror =
        hubService != null && !hubService.clusters().containsKey(FederationSnapshot.LOCAL_CLUSTER);
    return mirror ? hubService : snapshot.federated().get(name);
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

  private HTTPProxy proxy(
      Ingress ingress, String host, List<HTTPProxySpec.Route> routes, String secret) {
    HTTPProxy proxy = new HTTPProxy();
    proxy.getMetadata().setNamespace(ingress.getMetadata().getNamespace());
    proxy.getMetadata().setName(NAME_PREFIX + ingress.getMetadata().getName() + "/" + host);
    proxy.getMetadata().setGeneration(ingress.getMetadata().getGeneration());
    HTTPProxySpec spec = new HTTPProxySpec();
    spec.setIngressClassName(ingressClass);
    HTTPProxySpec.VirtualHost vhost = new HTTPProxySpec.VirtualHost();
    vhost.setFqdn(host);
    if (secret != null) {
      TLS tls = new TLS();
      tls.setSecretName(secret);
      vhost.setTls(tls);
    }
    spec.setVirtualhost(vhost);
    spec.setRoutes(routes);
    proxy.setSpec(spec);
    return proxy;
  }

  private static HTTPProxySpec.MatchCondition condition(String kind, String path) {
    HTTPProxySpec.MatchCondition c = new HTTPProxySpec.MatchCondition();
    if (kind.equals("exact")) {
      c.setExact(path);
    } else {
      c.setPrefix(path);
    }
    return c;
  }

  private static HTTPProxySpec.Route route(
      HTTPProxySpec.MatchCondition condition, HTTPProxySpec.RouteService service) {
    HTTPProxySpec.Route route = new HTTPProxySpec.Route();
    route.setConditions(new ArrayList<>(List.of(condition)));
    route.setServices(new ArrayList<>(List.of(service)));
    return route;
  }

  private static String annotation(Ingress ingress, String name) {
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(name);
  }
}
