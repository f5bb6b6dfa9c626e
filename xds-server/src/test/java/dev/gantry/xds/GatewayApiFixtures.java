package dev.gantry.xds;

import dev.gantry.xds.compile.gateway.GatewayApiCompiler;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.AllowedRoutes;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerTLSConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantFrom;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantTo;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteNamespaces;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Gateway API objects for tests, built the way they read from the apiserver. */
public final class GatewayApiFixtures {
  private GatewayApiFixtures() {}

  public static ObjectMeta meta(String key, long generation, String created) {
    String[] parts = key.split("/");
    ObjectMetaBuilder b = new ObjectMetaBuilder().withGeneration(generation);
    if (parts.length == 2) {
      b.withNamespace(parts[0]).withName(parts[1]);
    } else {
      b.withName(parts[0]);
    }
    return b.withCreationTimestamp(created).build();
  }

  public static GatewayClass gatewayClass(String name, String controller) {
    GatewayClass gc = new GatewayClass();
    gc.setMetadata(meta(name, 1, "2026-01-01T00:00:00Z"));
    GatewayClassSpec spec = new GatewayClassSpec();
    spec.setControllerName(controller);
    gc.setSpec(spec);
    return gc;
  }

  public static GatewayClass gantryClass() {
    return gatewayClass("gantry", GatewayApiCompiler.CONTROLLER_NAME);
  }

  public static Gateway gateway(String key, Listener... listeners) {
    Gateway g = new Gateway();
    g.setMetadata(meta(key, 1, "2026-01-01T00:00:00Z"));
    GatewaySpec spec = new GatewaySpec();
    spec.setGatewayClassName("gantry");
    spec.setListeners(new ArrayList<>(Arrays.asList(listeners)));
    g.setSpec(spec);
    return g;
  }

  public static Listener http(String name, int port, String hostname) {
    Listener l = new Listener();
    l.setName(name);
    l.setPort(port);
    l.setProtocol("HTTP");
    l.setHostname(hostname);
    return l;
  }

  /** An HTTPS listener terminating with Secret {@code secret} ({@code [namespace/]name}). */
  public static Listener https(String name, int port, String hostname, String secret) {
    Listener l = http(name, port, hostname);
    l.setProtocol("HTTPS");
    ListenerTLSConfig tls = new ListenerTLSConfig();
    tls.setMode("Terminate");
    SecretObjectReference ref = new SecretObjectReference();
    String[] parts = secret.split("/");
    if (parts.length == 2) {
      ref.setNamespace(parts[0]);
      ref.setName(parts[1]);
    } else {
      ref.setName(secret);
    }
    ref.setKind("Secret");
    ref.setGroup("");
    tls.setCertificateRefs(new ArrayList<>(List.of(ref)));
    l.setTls(tls);
    return l;
  }

  /** {@code l} admitting routes from namespaces as {@code from} says (All, Same, Selector). */
  public static Listener from(Listener l, String from) {
    AllowedRoutes allowed = new AllowedRoutes();
    RouteNamespaces ns = new RouteNamespaces();
    ns.setFrom(from);
    allowed.setNamespaces(ns);
    l.setAllowedRoutes(allowed);
    return l;
  }

  public static HTTPRoute route(
      String key, List<String> hostnames, List<ParentReference> parents, HTTPRouteRule... rules) {
    HTTPRoute r = new HTTPRoute();
    r.setMetadata(meta(key, 1, "2026-01-02T00:00:00Z"));
    HTTPRouteSpec spec = new HTTPRouteSpec();
    spec.setHostnames(new ArrayList<>(hostnames));
    spec.setParentRefs(new ArrayList<>(parents));
    spec.setRules(new ArrayList<>(Arrays.asList(rules)));
    r.setSpec(spec);
    return r;
  }

  /** A parent Gateway ({@code namespace/name}), its listener named or not (null). */
  public static ParentReference parent(String gateway, String section) {
    ParentReference p = new ParentReference();
    String[] parts = gateway.split("/");
    p.setNamespace(parts[0]);
    p.setName(parts[1]);
    p.setSectionName(section);
    return p;
  }

  public static HTTPRouteRule rule(
      List<HTTPRouteMatch> matches, List<HTTPRouteFilter> filters, HTTPBackendRef... backends) {
    HTTPRouteRule rule = new HTTPRouteRule();
    rule.setMatches(new ArrayList<>(matches));
    rule.setFilters(new ArrayList<>(filters));
    rule.setBackendRefs(new ArrayList<>(Arrays.asList(backends)));
    return rule;
  }

  public static HTTPRouteRule rule(HTTPBackendRef... backends) {
    return rule(List.of(), List.of(), backends);
  }

  public static HTTPBackendRef service(String name, int port, Integer weight) {
    HTTPBackendRef b = new HTTPBackendRef();
    b.setName(name);
    b.setPort(port);
    b.setWeight(weight);
    return b;
  }

  public static HTTPBackendRef serviceImport(String name, int port) {
    HTTPBackendRef b = service(name, port, null);
    b.setGroup("multicluster.x-k8s.io");
    b.setKind("ServiceImport");
    return b;
  }

  public static HTTPBackendRef inNamespace(HTTPBackendRef b, String ns) {
    b.setNamespace(ns);
    return b;
  }

  public static HTTPRouteMatch path(String type, String value) {
    HTTPRouteMatch m = new HTTPRouteMatch();
    HTTPPathMatch p = new HTTPPathMatch();
    p.setType(type);
    p.setValue(value);
    m.setPath(p);
    return m;
  }

  public static HTTPRouteMatch header(HTTPRouteMatch m, String name, String value) {
    HTTPHeaderMatch h = new HTTPHeaderMatch();
    h.setName(name);
    h.setValue(value);
    h.setType("Exact");
    List<HTTPHeaderMatch> all =
        m.getHeaders() == null ? new ArrayList<>() : new ArrayList<>(m.getHeaders());
    all.add(h);
    m.setHeaders(all);
    return m;
  }

  public static HTTPRouteMatch query(HTTPRouteMatch m, String name, String value) {
    HTTPQueryParamMatch q = new HTTPQueryParamMatch();
    q.setName(name);
    q.setValue(value);
    q.setType("Exact");
    List<HTTPQueryParamMatch> all =
        m.getQueryParams() == null ? new ArrayList<>() : new ArrayList<>(m.getQueryParams());
    all.add(q);
    m.setQueryParams(all);
    return m;
  }

  public static HTTPRouteMatch method(HTTPRouteMatch m, String method) {
    m.setMethod(method);
    return m;
  }

  /** A header modifier filter of {@code type} (Request- or ResponseHeaderModifier). */
  public static HTTPRouteFilter headers(
      String type, List<HTTPHeader> set, List<HTTPHeader> add, List<String> remove) {
    HTTPHeaderFilter h = new HTTPHeaderFilter();
    h.setSet(new ArrayList<>(set));
    h.setAdd(new ArrayList<>(add));
    h.setRemove(new ArrayList<>(remove));
    HTTPRouteFilter f = new HTTPRouteFilter();
    f.setType(type);
    if (type.startsWith("Request")) {
      f.setRequestHeaderModifier(h);
    } else {
      f.setResponseHeaderModifier(h);
    }
    return f;
  }

  public static HTTPHeader h(String name, String value) {
    HTTPHeader h = new HTTPHeader();
    h.setName(name);
    h.setValue(value);
    return h;
  }

  /** A ReferenceGrant in {@code key}'s namespace from {@code fromKind}s of {@code fromNs}. */
  public static ReferenceGrant grant(
      String key, String fromKind, String fromNs, String toGroup, String toKind) {
    ReferenceGrant g = new ReferenceGrant();
    g.setMetadata(meta(key, 1, "2026-01-01T00:00:00Z"));
    ReferenceGrantSpec spec = new ReferenceGrantSpec();
    ReferenceGrantFrom from = new ReferenceGrantFrom();
    from.setGroup("gateway.networking.k8s.io");
    from.setKind(fromKind);
    from.setNamespace(fromNs);
    ReferenceGrantTo to = new ReferenceGrantTo();
    to.setGroup(toGroup);
    to.setKind(toKind);
    spec.setFrom(new ArrayList<>(List.of(from)));
    spec.setTo(new ArrayList<>(List.of(to)));
    g.setSpec(spec);
    return g;
  }

  /** A GRPCRoute whose rules each match {@code service/method} (either may be null). */
  public static io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute grpcRoute(
      String key,
      List<String> hostnames,
      List<ParentReference> parents,
      io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule... rules) {
    var r = new io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute();
    r.setMetadata(meta(key, 1, "2026-01-03T00:00:00Z"));
    var spec = new io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteSpec();
    spec.setHostnames(new ArrayList<>(hostnames));
    spec.setParentRefs(new ArrayList<>(parents));
    spec.setRules(new ArrayList<>(Arrays.asList(rules)));
    r.setSpec(spec);
    return r;
  }

  public static io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule grpcRule(
      String service, String method, String type, String backend, int port) {
    var rule = new io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule();
    if (service != null || method != null) {
      var match = new io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteMatch();
      var m = new io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCMethodMatch();
      m.setService(service);
      m.setMethod(method);
      m.setType(type);
      match.setMethod(m);
      rule.setMatches(new ArrayList<>(List.of(match)));
    }
    var b = new io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef();
    b.setName(backend);
    b.setPort(port);
    rule.setBackendRefs(new ArrayList<>(List.of(b)));
    return rule;
  }
}
