package dev.gantry.xds.compile.gateway;

import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.ir.HeaderPolicy;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.WeightedCluster;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rules of one HTTPRoute as routing model routes, whichever parent they are served through. A
 * field or filter Gantry does not implement refuses the whole route ({@code Accepted=False}, {@code
 * UnsupportedValue}): served without it, the route would do something else than asked. A backend
 * that does not resolve is reported as {@code ResolvedRefs=False} and its share of the rule's
 * weight answers 500 (all of the rule's requests when no backend resolves), as the spec asks.
 */
final class HttpRules {
  private HttpRules() {}

  /** A match, ranked, and the routes serving it (two when a prefix rewrite splits it). */
  record Entry(RouteMatches.Ranked ranked, List<RoutingTable.Route> routes) {
    Entry {
      routes = List.copyOf(routes);
    }
  }

  /**
   * The route's entries in rule and match order and their upstreams; or why it is refused ({@code
   * refused}); and the first backend that did not resolve (null: all did). A TLSRoute has no
   * entries: {@code passthrough} holds the clusters its TLS streams go to (empty for other routes).
   */
  record Compiled(
      List<Entry> entries,
      Map<String, Upstream> upstreams,
      ProxyVerdict.Error refused,
      ProxyVerdict.Error unresolved,
      List<WeightedCluster> passthrough) {
    Compiled {
      passthrough = List.copyOf(passthrough);
    }

    /** An HTTPRoute's or GRPCRoute's rules. */
    Compiled(
        List<Entry> entries,
        Map<String, Upstream> upstreams,
        ProxyVerdict.Error refused,
        ProxyVerdict.Error unresolved) {
      this(entries, upstreams, refused, unresolved, List.of());
    }
  }

  static Compiled compile(
      HTTPRoute route,
      FederationSnapshot snapshot,
      ExternalNames externalNames,
      ReferenceGrants grants) {
    String ns = route.getMetadata().getNamespace();
    List<ProxyVerdict.Error> refused = new ArrayList<>();
    List<ProxyVerdict.Error> unresolved = new ArrayList<>();
    Map<String, Upstream> upstreams = new TreeMap<>();
    List<Entry> entries = new ArrayList<>();
    if (route.getSpec().getUseDefaultGateways() != null) {
      RouteFilters.refuse("spec.useDefaultGateways is not supported", refused);
    }
    if (!route.getSpec().getAdditionalProperties().isEmpty()) {
      RouteFilters.refuse(
          "spec." + route.getSpec().getAdditionalProperties().keySet() + " is not supported",
          refused);
    }
    List<HTTPRouteRule> rules =
        route.getSpec().getRules() == null ? List.of() : route.getSpec().getRules();
    for (int i = 0; i < rules.size() && refused.isEmpty(); i++) {
      rule(
          rules.get(i),
          "spec.rules[" + i + "]",
          ns,
          snapshot,
          externalNames,
          grants,
          refused,
          unresolved,
          upstreams,
          entries);
    }
    return new Compiled(
        refused.isEmpty() ? entries : List.of(),
        refused.isEmpty() ? upstreams : Map.of(),
        refused.isEmpty() ? null : refused.get(0),
        unresolved.isEmpty() ? null : unresolved.get(0));
  }

  private static void rule(
      HTTPRouteRule rule,
      String where,
      String ns,
      FederationSnapshot snapshot,
      ExternalNames externalNames,
      ReferenceGrants grants,
      List<ProxyVerdict.Error> refused,
      List<ProxyVerdict.Error> unresolved,
      Map<String, Upstream> upstreams,
      List<Entry> entries) {
    if (rule.getRetry() != null) {
      RouteFilters.refuse(where + ".retry is not supported", refused);
    }
    if (rule.getSessionPersistence() != null) {
      RouteFilters.refuse(where + ".sessionPersistence is not supported", refused);
    }
    if (!rule.getAdditionalProperties().isEmpty()) {
      RouteFilters.refuse(
          where + "." + rule.getAdditionalProperties().keySet() + " is not supported", refused);
    }
    RoutingTable.Timeouts timeouts = Timeouts.of(rule.getTimeouts(), where + ".timeouts", refused);
    HeaderPolicy request = HeaderPolicy.NONE;
    HeaderPolicy response = HeaderPolicy.NONE;
    RoutingTable.Redirect redirect = null;
    RouteFilters.Rewrite rewrite = null;
    List<RoutingTable.Mirror> mirrors = new ArrayList<>();
    List<HTTPRouteFilter> filters = rule.getFilters() == null ? List.of() : rule.getFilters();
    for (int i = 0; i < filters.size(); i++) {
      HTTPRouteFilter f = filters.get(i);
      String at = where + ".filters[" + i + "]";
      String type = f.getType() == null ? "" : f.getType();
      if (!f.getAdditionalProperties().isEmpty()) {
        RouteFilters.refuse(
            at + "." + f.getAdditionalProperties().keySet() + " is not supported", refused);
      }
      switch (type) {
        case "RequestHeaderModifier" -> {
          request = RouteFilters.headers(f.getRequestHeaderModifier(), at, refused);
        }
        case "ResponseHeaderModifier" -> {
          response = RouteFilters.headers(f.getResponseHeaderModifier(), at, refused);
        }
        case "RequestRedirect" ->
            redirect = RouteFilters.redirect(f.getRequestRedirect(), at, refused);
        case "URLRewrite" -> rewrite = RouteFilters.rewrite(f.getUrlRewrite(), at, refused);
        case "RequestMirror" -> {
          HTTPRequestMirrorFilter m = f.getRequestMirror();
          int percent = m == null ? 0 : percent(m, at, refused);
          if (m == null || m.getBackendRef() == null) {
            RouteFilters.refuse(at + ".requestMirror.backendRef is missing", refused);
          } else if (percent > 0) {
            Upstream u =
                backend(
                    ref(m.getBackendRef()),
                    ns,
                    snapshot,
                    externalNames,
                    grants,
                    at + ".requestMirror.backendRef",
                    unresolved);
            if (u != null) {
              upstreams.put(u.name(), u);
              mirrors.add(new RoutingTable.Mirror(u.name(), percent));
            }
          }
        }
        default -> RouteFilters.refuse(at + ": filter type " + type + " is not supported", refused);
      }
    }
    if (redirect != null && rewrite != null) {
      RouteFilters.refuse(where + ": RequestRedirect and URLRewrite cannot be combined", refused);
    }
    List<WeightedCluster> clusters = new ArrayList<>();
    int invalid = 0;
    long invalidWeight = 0;
    long total = 0;
    List<HTTPBackendRef> refs = rule.getBackendRefs() == null ? List.of() : rule.getBackendRefs();
    for (int i = 0; i < refs.size() && redirect == null; i++) {
      HTTPBackendRef b = refs.get(i);
      String at = where + ".backendRefs[" + i + "]";
      if (!b.getAdditionalProperties().isEmpty()) {
        RouteFilters.refuse(
            at + "." + b.getAdditionalProperties().keySet() + " is not supported", refused);
      }
      long weight = b.getWeight() == null ? 1 : b.getWeight();
      if (weight < 0 || weight > 1_000_000) {
        RouteFilters.refuse(at + ".weight " + weight + " is outside 0..1000000", refused);
        continue;
      }
      HeaderPolicy ownRequest = HeaderPolicy.NONE;
      HeaderPolicy ownResponse = HeaderPolicy.NONE;
      List<HTTPRouteFilter> own = b.getFilters() == null ? List.of() : b.getFilters();
      for (int j = 0; j < own.size(); j++) {
        HTTPRouteFilter f = own.get(j);
        String fat = at + ".filters[" + j + "]";
        switch (f.getType() == null ? "" : f.getType()) {
          case "RequestHeaderModifier" ->
              ownRequest = RouteFilters.headers(f.getRequestHeaderModifier(), fat, refused);
          case "ResponseHeaderModifier" ->
              ownResponse = RouteFilters.headers(f.getResponseHeaderModifier(), fat, refused);
          default ->
              RouteFilters.refuse(
                  fat + ": filter type " + f.getType() + " is not supported on a backend", refused);
        }
      }
      Upstream u =
          backend(
              new BackendRefs.Ref(
                  b.getGroup(), b.getKind(), b.getName(), b.getNamespace(), b.getPort()),
              ns,
              snapshot,
              externalNames,
              grants,
              at,
              unresolved);
      if (u == null) {
        invalid++;
        invalidWeight += weight;
        continue;
      }
      if (weight == 0) {
        continue;
      }
      upstreams.put(u.name(), u);
      total += weight;
      clusters.add(
          new WeightedCluster(
              u.name(),
              weight,
              ownRequest == null ? HeaderPolicy.NONE : ownRequest,
              ownResponse == null ? HeaderPolicy.NONE : ownResponse));
    }
    if (!refused.isEmpty()) {
      return;
    }
    if (total > 0 && invalidWeight > 0) {
      clusters.add(new WeightedCluster(WeightedCluster.INVALID_BACKEND, invalidWeight));
    }
    RoutingTable.DirectResponse direct = null;
    if (redirect == null && total == 0) {
      // No backend (none given, none resolved, or every weight 0): the spec's 500.
      direct = new RoutingTable.DirectResponse(500, "");
      clusters = List.of();
    }
    List<HTTPRouteMatch> matches =
        rule.getMatches() == null || rule.getMatches().isEmpty()
            ? java.util.Collections.singletonList(null)
            : rule.getMatches();
    for (int i = 0; i < matches.size(); i++) {
      Outcome<RouteMatches.Ranked> ranked =
          RouteMatches.of(matches.get(i), where + ".matches[" + i + "]");
      if (!ranked.ok()) {
        refused.addAll(ranked.errors());
        return;
      }
      String prefix =
          redirect != null ? redirect.prefix() : rewrite == null ? null : rewrite.path().prefix();
      if (prefix != null
          && ranked.value().match().pathKind() != RoutingTable.PathKind.SEGMENT_PREFIX
          && ranked.value().match().pathKind() != RoutingTable.PathKind.PREFIX) {
        RouteFilters.refuse(where + ": ReplacePrefixMatch needs a PathPrefix match", refused);
        return;
      }
      List<RoutingTable.Route> routes = new ArrayList<>();
      for (RoutingTable.Match match : split(ranked.value().match(), prefix)) {
        String replaced = prefix == null ? null : replacement(match, prefix);
        RoutingTable.Redirect r =
            redirect == null
                ? null
                : new RoutingTable.Redirect(
                    redirect.scheme(),
                    redirect.host(),
                    redirect.port(),
                    redirect.path(),
                    replaced,
                    redirect.statusCode());
        RoutingTable.Route base =
            RoutingTable.Route.matching(match)
                .clusters(redirect == null ? clusters : List.of())
                .request(request)
                .response(response)
                .prefixRewrite(redirect == null ? replaced : null)
                .timeouts(timeouts)
                .actions(
                    actions(redirect == null && direct == null ? mirrors : List.of(), r, direct))
                .fullPathRewrite(rewrite == null ? null : rewrite.path().full())
                .build();
        if (rewrite != null && rewrite.host() != null) {
          Map<String, String> set = new TreeMap<>(request.set());
          set.put("host", rewrite.host());
          base = withRequest(base, new HeaderPolicy(set, request.remove(), request.add()));
        }
        routes.add(base);
      }
      entries.add(new Entry(ranked.value(), routes));
    }
  }

  /**
   * A prefix match as Envoy must get it to replace the matched prefix as the spec says (the path
   * element boundary kept): the exact path and the prefix with its "/", each rewritten alone.
   */
  private static List<RoutingTable.Match> split(RoutingTable.Match match, String prefix) {
    if (prefix == null) {
      return List.of(match);
    }
    String p = match.pathKind() == RoutingTable.PathKind.PREFIX ? "" : match.path();
    return List.of(
        new RoutingTable.Match(
            RoutingTable.PathKind.EXACT, p.isEmpty() ? "/" : p, match.headers(), match.queries()),
        new RoutingTable.Match(
            RoutingTable.PathKind.PREFIX, p + "/", match.headers(), match.queries()));
  }

  /** What replaces the matched path (exact) or prefix (with its "/"). */
  private static String replacement(RoutingTable.Match match, String prefix) {
    if (match.pathKind() == RoutingTable.PathKind.EXACT) {
      return prefix;
    }
    return prefix.endsWith("/") ? prefix : prefix + "/";
  }

  private static RoutingTable.Route withRequest(RoutingTable.Route r, HeaderPolicy request) {
    return r.toBuilder().request(request).build();
  }

  /** A rule's actions: its mirrors (each its own copies), or an answer of its own. */
  private static RoutingTable.Actions actions(
      List<RoutingTable.Mirror> mirrors,
      RoutingTable.Redirect redirect,
      RoutingTable.DirectResponse direct) {
    RoutingTable.Mirror first = mirrors.isEmpty() ? null : mirrors.get(0);
    return new RoutingTable.Actions(
        first == null ? null : first.cluster(),
        false,
        redirect,
        direct,
        false,
        first == null ? 100 : first.percent(),
        false,
        false,
        mirrors.isEmpty() ? List.of() : mirrors.subList(1, mirrors.size()));
  }

  /** {@code r} served over plain HTTP too when its host has TLS. */
  static RoutingTable.Route insecure(RoutingTable.Route r) {
    return withActions(r, true, false, false);
  }

  /**
   * {@code r} served over plain HTTP only when its host has TLS: attached through HTTP listeners
   * only, it is not on the HTTPS listener that other routes of its host are attached through.
   */
  static RoutingTable.Route insecureOnly(RoutingTable.Route r) {
    return withActions(r, true, false, true);
  }

  /** {@code r} not served over plain HTTP at all, not even as a redirect. */
  static RoutingTable.Route secureOnly(RoutingTable.Route r) {
    return withActions(r, false, true, false);
  }

  private static RoutingTable.Route withActions(
      RoutingTable.Route r, boolean insecure, boolean secureOnly, boolean insecureOnly) {
    RoutingTable.Actions a = r.actions();
    return r.toBuilder()
        .actions(
            new RoutingTable.Actions(
                a.mirrorCluster(),
                a.websockets(),
                a.redirect(),
                a.direct(),
                insecure,
                a.mirrorPercent(),
                secureOnly,
                insecureOnly,
                a.extraMirrors()))
        .build();
  }

  private static BackendRefs.Ref ref(BackendObjectReference b) {
    return new BackendRefs.Ref(
        b.getGroup(), b.getKind(), b.getName(), b.getNamespace(), b.getPort());
  }

  private static Upstream backend(
      BackendRefs.Ref ref,
      String ns,
      FederationSnapshot snapshot,
      ExternalNames externalNames,
      ReferenceGrants grants,
      String where,
      List<ProxyVerdict.Error> unresolved) {
    Outcome<Upstream> u =
        BackendRefs.resolve(ref, "HTTPRoute", ns, snapshot, externalNames, grants, where);
    return u.orReport(unresolved);
  }

  /** A mirror filter's backend, reported like any other. */
  static BackendRefs.Ref mirrorRef(BackendObjectReference b) {
    return ref(b);
  }

  /** The mirrored share, 0-100 % (rounded up: a fraction asked for is never nothing). */
  static int percent(HTTPRequestMirrorFilter m, String where, List<ProxyVerdict.Error> refused) {
    if (m.getPercent() != null && m.getFraction() != null) {
      RouteFilters.refuse(where + ": percent and fraction cannot be combined", refused);
      return 0;
    }
    if (m.getFraction() != null) {
      int num = m.getFraction().getNumerator() == null ? 0 : m.getFraction().getNumerator();
      int den = m.getFraction().getDenominator() == null ? 100 : m.getFraction().getDenominator();
      if (den <= 0 || num < 0 || num > den) {
        RouteFilters.refuse(where + ".fraction " + num + "/" + den + " is not valid", refused);
        return 0;
      }
      return (int) Math.ceil(num * 100.0 / den);
    }
    int p = m.getPercent() == null ? 100 : m.getPercent();
    if (p < 0 || p > 100) {
      RouteFilters.refuse(where + ".percent " + p + " is not 0-100", refused);
      return 0;
    }
    return p;
  }
}
