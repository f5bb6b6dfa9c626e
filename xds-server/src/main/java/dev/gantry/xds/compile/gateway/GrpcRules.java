package dev.gantry.xds.compile.gateway;

import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.Re2Regexes;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.HeaderPolicy;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.WeightedCluster;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCMethodMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rules of one GRPCRoute as routing model routes. A gRPC call is a POST to {@code
 * /service/method}: a method match is a path match (exact for both parts, a prefix for a service
 * alone, a regular expression otherwise); backends speak HTTP/2 (h2c, or h2 over TLS). As for
 * HTTPRoutes, what Gantry does not implement refuses the route and a backend that does not resolve
 * keeps its share of the rule's weight, which answers 500.
 */
final class GrpcRules {
  private GrpcRules() {}

  static HttpRules.Compiled compile(
      GRPCRoute route,
      FederationSnapshot snapshot,
      ExternalNames externalNames,
      ReferenceGrants grants) {
    String ns = route.getMetadata().getNamespace();
    List<ProxyVerdict.Error> refused = new ArrayList<>();
    List<ProxyVerdict.Error> unresolved = new ArrayList<>();
    Map<String, Upstream> upstreams = new TreeMap<>();
    List<HttpRules.Entry> entries = new ArrayList<>();
    if (route.getSpec().getUseDefaultGateways() != null) {
      RouteFilters.refuse("spec.useDefaultGateways is not supported", refused);
    }
    List<GRPCRouteRule> rules =
        route.getSpec().getRules() == null ? List.of() : route.getSpec().getRules();
    for (int i = 0; i < rules.size() && refused.isEmpty(); i++) {
      GRPCRouteRule rule = rules.get(i);
      String where = "spec.rules[" + i + "]";
      if (rule.getSessionPersistence() != null) {
        RouteFilters.refuse(where + ".sessionPersistence is not supported", refused);
      }
      HeaderPolicy request = HeaderPolicy.NONE;
      HeaderPolicy response = HeaderPolicy.NONE;
      String mirror = null;
      int mirrorPercent = 100;
      List<GRPCRouteFilter> filters = rule.getFilters() == null ? List.of() : rule.getFilters();
      for (int j = 0; j < filters.size(); j++) {
        GRPCRouteFilter f = filters.get(j);
        String at = where + ".filters[" + j + "]";
        switch (f.getType() == null ? "" : f.getType()) {
          case "RequestHeaderModifier" ->
              request = RouteFilters.headers(f.getRequestHeaderModifier(), at, refused);
          case "ResponseHeaderModifier" ->
              response = RouteFilters.headers(f.getResponseHeaderModifier(), at, refused);
          case "RequestMirror" -> {
            if (mirror != null
                || f.getRequestMirror() == null
                || f.getRequestMirror().getBackendRef() == null) {
              RouteFilters.refuse(
                  at + ": one RequestMirror with a backendRef is supported", refused);
              break;
            }
            int percent = HttpRules.percent(f.getRequestMirror(), at, refused);
            if (percent > 0) {
              Upstream u =
                  BackendRefs.resolve(
                          HttpRules.mirrorRef(f.getRequestMirror().getBackendRef()),
                          "GRPCRoute",
                          ns,
                          snapshot,
                          externalNames,
                          grants,
                          true,
                          at + ".requestMirror.backendRef")
                      .orReport(unresolved);
              if (u != null) {
                upstreams.put(u.name(), u);
                mirror = u.name();
                mirrorPercent = percent;
              }
            }
          }
          default ->
              RouteFilters.refuse(
                  at + ": filter type " + f.getType() + " is not supported", refused);
        }
      }
      List<WeightedCluster> clusters = new ArrayList<>();
      long total = 0;
      long invalidWeight = 0;
      List<GRPCBackendRef> refs = rule.getBackendRefs() == null ? List.of() : rule.getBackendRefs();
      for (int j = 0; j < refs.size(); j++) {
        GRPCBackendRef b = refs.get(j);
        String at = where + ".backendRefs[" + j + "]";
        long weight = b.getWeight() == null ? 1 : b.getWeight();
        if (weight < 0 || weight > 1_000_000) {
          RouteFilters.refuse(at + ".weight " + weight + " is outside 0..1000000", refused);
          continue;
        }
        if (b.getFilters() != null && !b.getFilters().isEmpty()) {
          RouteFilters.refuse(at + ".filters are not supported on a GRPCRoute backend", refused);
          continue;
        }
        Upstream u =
            BackendRefs.resolve(
                    new BackendRefs.Ref(
                        b.getGroup(), b.getKind(), b.getName(), b.getNamespace(), b.getPort()),
                    "GRPCRoute",
                    ns,
                    snapshot,
                    externalNames,
                    grants,
                    true,
                    at)
                .orReport(unresolved);
        if (u == null) {
          invalidWeight += weight;
          continue;
        }
        if (weight == 0) {
          continue;
        }
        upstreams.put(u.name(), u);
        total += weight;
        clusters.add(new WeightedCluster(u.name(), weight));
      }
      if (!refused.isEmpty()) {
        break;
      }
      if (total > 0 && invalidWeight > 0) {
        // The unresolved backends' share answers 500, as an HTTPRoute's does.
        clusters.add(new WeightedCluster(WeightedCluster.INVALID_BACKEND, invalidWeight));
      }
      // No backend: the spec's UNAVAILABLE would need a gRPC status; Envoy's 500 is what HTTP gets.
      RoutingTable.DirectResponse direct =
          total == 0 ? new RoutingTable.DirectResponse(500, "") : null;
      List<GRPCRouteMatch> matches =
          rule.getMatches() == null || rule.getMatches().isEmpty()
              ? java.util.Collections.singletonList(null)
              : rule.getMatches();
      for (int j = 0; j < matches.size(); j++) {
        Outcome<RouteMatches.Ranked> ranked = match(matches.get(j), where + ".matches[" + j + "]");
        if (!ranked.ok()) {
          refused.addAll(ranked.errors());
          break;
        }
        RoutingTable.Route r =
            RoutingTable.Route.matching(ranked.value().match())
                .clusters(direct == null ? clusters : List.of())
                .request(request)
                .response(response)
                .actions(
                    new RoutingTable.Actions(
                        direct == null ? mirror : null, false, null, direct, false, mirrorPercent))
                .build();
        entries.add(new HttpRules.Entry(ranked.value(), List.of(r)));
      }
    }
    return new HttpRules.Compiled(
        refused.isEmpty() ? entries : List.of(),
        refused.isEmpty() ? upstreams : Map.of(),
        refused.isEmpty() ? null : refused.get(0),
        unresolved.isEmpty() ? null : unresolved.get(0));
  }

  static Outcome<RouteMatches.Ranked> match(GRPCRouteMatch m, String where) {
    GRPCMethodMatch method = m == null ? null : m.getMethod();
    String service = method == null ? null : method.getService();
    String name = method == null ? null : method.getMethod();
    String type = method == null || method.getType() == null ? "Exact" : method.getType();
    RoutingTable.PathKind kind;
    String path;
    String rank;
    if (service == null && name == null) {
      kind = RoutingTable.PathKind.PREFIX;
      path = "/";
      rank = "PathPrefix";
    } else if (type.equals("Exact") && service != null && name != null) {
      kind = RoutingTable.PathKind.EXACT;
      path = "/" + service + "/" + name;
      rank = "Exact";
    } else if (type.equals("Exact") && name == null) {
      kind = RoutingTable.PathKind.PREFIX;
      path = "/" + service + "/";
      rank = "PathPrefix";
    } else if (type.equals("Exact") || type.equals("RegularExpression")) {
      boolean exact = type.equals("Exact");
      String s = service == null ? "[^/]+" : exact ? Re2Regexes.quote(service) : service;
      String n = name == null ? "[^/]+" : exact ? Re2Regexes.quote(name) : name;
      kind = RoutingTable.PathKind.REGEX;
      path = "/" + s + "/" + n;
      rank = "RegularExpression";
      String problem = Re2Regexes.problem(path);
      if (problem != null) {
        return RouteMatches.unsupported(where + ".method: " + problem);
      }
    } else {
      return RouteMatches.unsupported(where + ".method.type " + type + " is not supported");
    }
    List<RoutingTable.HeaderMatch> headers = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<GRPCHeaderMatch> hs = m == null || m.getHeaders() == null ? List.of() : m.getHeaders();
    for (int i = 0; i < hs.size(); i++) {
      GRPCHeaderMatch h = hs.get(i);
      String at = where + ".headers[" + i + "]";
      if (h.getName() == null || !Syntax.token(h.getName()) || h.getValue() == null) {
        return RouteMatches.unsupported(at + ": \"" + h.getName() + "\" is not a header match");
      }
      if (!seen.add(h.getName().toLowerCase(Locale.ROOT))) {
        continue;
      }
      String t = h.getType() == null ? "Exact" : h.getType();
      RoutingTable.ValueKind vk;
      if (t.equals("Exact")) {
        vk = RoutingTable.ValueKind.EXACT;
      } else if (t.equals("RegularExpression") && Re2Regexes.problem(h.getValue()) == null) {
        vk = RoutingTable.ValueKind.REGEX;
      } else {
        return RouteMatches.unsupported(at + ": type " + t + " or its value is not supported");
      }
      headers.add(
          new RoutingTable.HeaderMatch(
              h.getName().toLowerCase(Locale.ROOT), vk, h.getValue(), false, false));
    }
    return Outcome.of(
        new RouteMatches.Ranked(
            new RoutingTable.Match(kind, path, headers, List.of()), path, rank, false));
  }
}
