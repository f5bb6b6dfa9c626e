package dev.gantry.xds;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.AllowedRoutes;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerTLSConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteNamespaces;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** TLS listeners and TLSRoutes for tests, built the way they read from the apiserver. */
public final class TlsRouteFixtures {
  private TlsRouteFixtures() {}

  /** A TLS listener in {@code mode} (Passthrough or Terminate), from the same namespace. */
  public static Listener tls(String name, int port, String hostname, String mode) {
    Listener l = GatewayApiFixtures.http(name, port, hostname);
    l.setProtocol("TLS");
    ListenerTLSConfig tls = new ListenerTLSConfig();
    tls.setMode(mode);
    l.setTls(tls);
    return l;
  }

  public static Listener passthrough(String name, int port, String hostname) {
    return tls(name, port, hostname, "Passthrough");
  }

  /** {@code l} admitting routes of {@code kinds} only (group gateway.networking.k8s.io). */
  public static Listener kinds(Listener l, String... kinds) {
    AllowedRoutes allowed =
        l.getAllowedRoutes() == null ? new AllowedRoutes() : l.getAllowedRoutes();
    if (allowed.getNamespaces() == null) {
      RouteNamespaces ns = new RouteNamespaces();
      ns.setFrom("Same");
      allowed.setNamespaces(ns);
    }
    List<RouteGroupKind> all = new ArrayList<>();
    for (String k : kinds) {
      RouteGroupKind kind = new RouteGroupKind();
      kind.setKind(k);
      all.add(kind);
    }
    allowed.setKinds(all);
    l.setAllowedRoutes(allowed);
    return l;
  }

  public static TLSRoute tlsRoute(
      String key, List<String> hostnames, List<ParentReference> parents, BackendRef... backends) {
    TLSRoute r = new TLSRoute();
    r.setMetadata(GatewayApiFixtures.meta(key, 1, "2026-01-04T00:00:00Z"));
    TLSRouteSpec spec = new TLSRouteSpec();
    spec.setHostnames(new ArrayList<>(hostnames));
    spec.setParentRefs(new ArrayList<>(parents));
    TLSRouteRule rule = new TLSRouteRule();
    rule.setBackendRefs(new ArrayList<>(Arrays.asList(backends)));
    spec.setRules(new ArrayList<>(List.of(rule)));
    r.setSpec(spec);
    return r;
  }

  /** {@code r} created at {@code timestamp}: routes compete by age. */
  public static TLSRoute created(TLSRoute r, String timestamp) {
    r.getMetadata().setCreationTimestamp(timestamp);
    return r;
  }

  public static BackendRef backend(String name, int port, Integer weight) {
    BackendRef b = new BackendRef();
    b.setName(name);
    b.setPort(port);
    b.setWeight(weight);
    return b;
  }

  public static BackendRef serviceImportBackend(String name, int port) {
    BackendRef b = backend(name, port, null);
    b.setGroup("multicluster.x-k8s.io");
    b.setKind("ServiceImport");
    return b;
  }

  public static BackendRef inNamespace(BackendRef b, String ns) {
    b.setNamespace(ns);
    return b;
  }
}
