package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.xds.compile.HeaderValues;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.ServiceResolver;
import dev.gantry.xds.ir.CookieRewrite;
import dev.gantry.xds.ir.GlobalRateLimit;
import dev.gantry.xds.ir.HeaderPolicy;
import dev.gantry.xds.ir.HealthCheck;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.WeightedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A proxy's own {@code spec.routes}: each route's conditions under what the includes add, its
 * action, its services resolved to clusters and its policies. Every problem of every route is
 * reported, so that one verdict names them all.
 */
final class RouteCompiler {
  private RouteCompiler() {}

  /**
   * What a route forwards to: its weighted clusters, and its mirror's cluster (null: none) with the
   * percentage of requests copied to it.
   */
  private record Forwarding(List<WeightedCluster> clusters, String mirror, int mirrorPercent) {}

  /** The routes of {@code p}, in the order Envoy is to try them; failed if any route is invalid. */
  static Outcome<List<RoutingTable.Route>> routes(CompileContext ctx, HTTPProxy p) {
    List<HTTPProxySpec.Route> specRoutes =
        p.getSpec().getRoutes() == null ? List.of() : p.getSpec().getRoutes();
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    Set<RoutingTable.Match> taken = new HashSet<>();
    List<RoutingTable.Route> routes = new ArrayList<>();
    for (int i = 0; i < specRoutes.size(); i++) {
      RoutingTable.Route route =
          route(ctx.at("spec.routes[" + i + "]"), specRoutes.get(i), taken).orReport(errors);
      if (route != null) {
        routes.add(route);
      }
    }
    // Envoy takes the first match: exact paths, regexes, then prefixes, longest first.
    return Outcome.unless(
        errors,
        () ->
            routes.stream()
                .sorted(
                    Comparator.comparing(RoutingTable.Route::match, MatchConditions.ENVOY_ORDER))
                .toList());
  }

  /** One route; its match joins {@code taken} once the route gets as far as its policies. */
  private static Outcome<RoutingTable.Route> route(
      CompileContext ctx, HTTPProxySpec.Route r, Set<RoutingTable.Match> taken) {
    String where = ctx.where();
    if (r == null) {
      return Outcome.failed(
          new ProxyVerdict.Error(ProxyVerdict.ROUTE_ERROR, "RouteInvalid", where + " is empty"));
    }
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    RoutingTable.Match match =
        MatchConditions.parse(ctx.inherited(), r.getConditions(), where).orReport(errors);
    if (!RouteActions.oneAction(r, where, errors)) {
      return Outcome.failed(errors);
    }
    List<HTTPProxySpec.RouteService> services =
        r.getServices() == null ? List.of() : r.getServices();
    RouteActions.atMostOneMirror(services, where, errors);
    RoutingTable.Redirect redirect =
        Outcome.orReportAbsent(RouteActions.redirect(r.getRequestRedirectPolicy(), where), errors);
    RoutingTable.DirectResponse direct =
        RouteActions.directResponse(r.getDirectResponsePolicy(), where, errors);
    Duration idleConnection = RoutePolicies.idleConnection(r.getTimeoutPolicy(), where, errors);
    List<ProxyVerdict.Error> warnings = new ArrayList<>();
    LoadBalancing.Choice balancing =
        LoadBalancing.choose(r.getLoadBalancerPolicy(), where, warnings);
    ctx.warnings().addAll(warnings);
    Outcome<Optional<HealthCheck>> healthCheck = healthCheck(r, where);
    if (!healthCheck.ok()) {
      errors.addAll(healthCheck.errors());
      return Outcome.failed(errors);
    }
    ServiceResolver.ClusterPolicies policies =
        new ServiceResolver.ClusterPolicies(
            balancing.strategy(), idleConnection, healthCheck.value().orElse(null));
    Forwarding forwarding = forwarding(ctx, r, services, policies, errors);
    if (match == null) {
      return Outcome.failed(errors);
    }
    if (!taken.add(match)) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.ROUTE_ERROR,
              "DuplicateMatchConditions",
              where + ": another route has the same conditions"));
    }
    RoutingTable.Actions actions = actions(r, forwarding, redirect, direct);
    return policies(ctx, r, match, forwarding.clusters(), balancing, actions, errors);
  }

  /** What the route does besides its policies: forward, mirror, redirect or answer itself. */
  private static RoutingTable.Actions actions(
      HTTPProxySpec.Route r,
      Forwarding forwarding,
      RoutingTable.Redirect redirect,
      RoutingTable.DirectResponse direct) {
    boolean onlyMirror = forwarding.clusters().isEmpty() && redirect == null && direct == null;
    return new RoutingTable.Actions(
        forwarding.mirror(),
        Boolean.TRUE.equals(r.getEnableWebsockets()),
        redirect,
        // Only a mirror: like Contour, the route answers 503 itself.
        onlyMirror ? new RoutingTable.DirectResponse(503, "") : direct,
        Boolean.TRUE.equals(r.getPermitInsecure()),
        forwarding.mirrorPercent());
  }

  /** The route's health check, absent when it has none. */
  private static Outcome<Optional<HealthCheck>> healthCheck(HTTPProxySpec.Route r, String where) {
    return HealthCheckPolicies.of(r.getHealthCheckPolicy(), where);
  }

  /**
   * The route with its header, rewrite, timeout and retry policies, or every error of the route:
   * those found before ({@code errors}) and the policies' own.
   */
  private static Outcome<RoutingTable.Route> policies(
      CompileContext ctx,
      HTTPProxySpec.Route r,
      RoutingTable.Match match,
      List<WeightedCluster> clusters,
      LoadBalancing.Choice balancing,
      RoutingTable.Actions actions,
      List<ProxyVerdict.Error> errors) {
    String where = ctx.where();
    Map<String, String> variables = Map.of(HeaderValues.NAMESPACE, ctx.namespace());
    HeaderPolicy request =
        RoutePolicies.headers(r.getRequestHeadersPolicy(), false, variables, where)
            .orReport(errors);
    HeaderPolicy response =
        RoutePolicies.headers(r.getResponseHeadersPolicy(), true, variables, where)
            .orReport(errors);
    String rewrite = RoutePolicies.prefixRewrite(r.getPathRewritePolicy(), match, where, errors);
    RoutingTable.Timeouts timeouts = RoutePolicies.timeouts(r.getTimeoutPolicy(), where, errors);
    RoutingTable.Retry retry =
        Outcome.orReportAbsent(RoutePolicies.retry(r.getRetryPolicy(), where), errors);
    RoutingTable.IpFilter ipFilter =
        Outcome.orReportAbsent(
            IpFilters.parse(r.getIpAllowPolicy(), r.getIpDenyPolicy(), where), errors);
    RoutingTable.LocalRateLimit rateLimit =
        Outcome.orReportAbsent(RateLimits.parse(r.getRateLimitPolicy(), where, true), errors);
    GlobalRateLimit global =
        Outcome.orReportAbsent(
            GlobalRateLimits.parse(r.getRateLimitPolicy(), where, true, ctx.rateLimitProblem()),
            errors);
    RoutingTable.InternalRedirect internalRedirect =
        InternalRedirects.parse(r.getInternalRedirectPolicy(), where, errors);
    RoutingTable.JwtPolicy jwtPolicy =
        JwtProviders.routePolicy(r.getJwtVerificationPolicy(), where, errors);
    List<CookieRewrite> cookieRewrites =
        CookieRewrites.parse(r.getCookieRewritePolicies(), where, "route", errors);
    return Outcome.unless(
        errors,
        () ->
            RoutingTable.Route.matching(match)
                .clusters(clusters)
                .request(request)
                .response(response)
                .prefixRewrite(rewrite)
                .timeouts(timeouts)
                .retry(retry)
                .hashPolicies(balancing.hashPolicies())
                .actions(actions)
                .ipFilter(ipFilter)
                .rateLimit(rateLimit)
                .internalRedirect(internalRedirect)
                .authPolicy(Authorizations.routePolicy(r.getAuthPolicy()))
                .jwtPolicy(jwtPolicy)
                .globalRateLimit(global)
                .cookieRewrites(cookieRewrites)
                .build());
  }

  /**
   * The route's services as clusters, each added to the context's upstreams once resolved; the
   * errors of those that are not go to {@code errors}.
   */
  private static Forwarding forwarding(
      CompileContext ctx,
      HTTPProxySpec.Route r,
      List<HTTPProxySpec.RouteService> services,
      ServiceResolver.ClusterPolicies policies,
      List<ProxyVerdict.Error> errors) {
    boolean anyWeight =
        services.stream()
            .anyMatch(
                s ->
                    s != null
                        && !Boolean.TRUE.equals(s.getMirror())
                        && s.getWeight() != null
                        && s.getWeight() > 0);
    List<WeightedCluster> clusters = new ArrayList<>();
    String mirror = null;
    int mirrorPercent = 100;
    for (int j = 0; j < services.size(); j++) {
      HTTPProxySpec.RouteService s = services.get(j);
      CompileContext at = ctx.at(ctx.where() + ".services[" + j + "]");
      Upstream upstream = upstream(at, r, s, policies, errors);
      Long weight =
          upstream == null
              ? null
              : ServiceResolver.weight(s, ProxyVerdict.SERVICE_ERROR, at.where()).orReport(errors);
      if (weight == null) {
        continue;
      }
      ctx.upstreams().put(upstream.name(), upstream);
      if (Boolean.TRUE.equals(s.getMirror())) {
        CookieRewrites.parse(s.getCookieRewritePolicies(), at.where(), "service", errors);
        mirror = upstream.name();
        // Contour: the weight is the percentage of requests mirrored; unset (or 0) is all of
        // them, and Envoy takes more than 100 as 100.
        mirrorPercent = weight == 0 ? 100 : (int) Math.min(weight, 100);
      } else {
        clusters.add(cluster(at, s, upstream, anyWeight ? weight : 1).orReport(errors));
      }
    }
    return new Forwarding(
        clusters.stream().filter(Objects::nonNull).toList(), mirror, mirrorPercent);
  }

  /** The service's cluster with its slow start and TLS, or null with its errors added. */
  private static Upstream upstream(
      CompileContext ctx,
      HTTPProxySpec.Route r,
      HTTPProxySpec.RouteService s,
      ServiceResolver.ClusterPolicies route,
      List<ProxyVerdict.Error> errors) {
    int before = errors.size();
    ServiceResolver.ClusterPolicies policies =
        s == null
            ? route
            : route.withSlowStart(
                SlowStarts.parse(s.getSlowStartPolicy(), route.strategy(), ctx.where(), errors));
    if (errors.size() > before) {
      return null;
    }
    return UpstreamValidations.resolve(ctx, r, s, policies, errors);
  }

  /** A service's cluster with its weight and its header policies. */
  private static Outcome<WeightedCluster> cluster(
      CompileContext ctx, HTTPProxySpec.RouteService s, Upstream upstream, long weight) {
    Map<String, String> variables =
        Map.of(
            HeaderValues.NAMESPACE, ctx.namespace(),
            HeaderValues.SERVICE_NAME, s.getName(),
            HeaderValues.SERVICE_PORT, String.valueOf(s.getPort()));
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    HeaderPolicy request =
        RoutePolicies.headers(s.getRequestHeadersPolicy(), false, variables, ctx.where())
            .orReport(errors);
    HeaderPolicy response =
        RoutePolicies.headers(s.getResponseHeadersPolicy(), true, variables, ctx.where())
            .orReport(errors);
    List<CookieRewrite> cookies =
        CookieRewrites.parse(s.getCookieRewritePolicies(), ctx.where(), "service", errors);
    return Outcome.unless(
        errors, () -> new WeightedCluster(upstream.name(), weight, request, response, cookies));
  }
}
