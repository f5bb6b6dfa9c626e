package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import dev.gantry.xds.ir.GlobalRateLimit;
import dev.gantry.xds.ir.HeaderPolicy;
import dev.gantry.xds.ir.RoutingTable;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * RouteConfigurations: Envoy's {@code ingress_http} with one virtual host per fqdn, as Contour
 * names it, and for proxyless gRPC clients one configuration per fqdn holding only that host.
 */
public final class RouteTranslator {
  public static final String INGRESS_HTTP = "ingress_http";

  /** Envoy's CORS filter, which reads each virtual host's policy from its per-filter config. */
  public static final String CORS_FILTER = "envoy.filters.http.cors";

  /**
   * Envoy's RBAC filter: inert in the listener, it enforces the IP filter a virtual host or route
   * carries in its per-filter config (a route's replaces its host's).
   */
  public static final String RBAC_FILTER = "envoy.filters.http.rbac";

  /**
   * Envoy's local rate limit filter: inert in the listener (no bucket), it counts the requests of a
   * virtual host or route that carries a bucket in its per-filter config (a route's replaces its
   * host's).
   */
  public static final String LOCAL_RATE_LIMIT_FILTER = "envoy.filters.http.local_ratelimit";

  /** Setting Host rewrites the authority, as Envoy's {@code host_rewrite_literal}. */
  private static final String HOST = "host";

  private RouteTranslator() {}

  /**
   * Envoy's {@code ingress_http}, with Contour's "secure first" rule: every route of a virtual host
   * with TLS answers 301 to the same URL over https, except the routes with {@code permitInsecure},
   * which serve plain HTTP too, and those {@code secureOnly}, which plain HTTP does not have.
   */
  public static RouteConfiguration translate(RoutingTable table) {
    return translate(table, RouteTranslator::envoyVirtualHost);
  }

  /** How a virtual host becomes Envoy's: at once, or from a {@link Memo} of the last assembly. */
  @FunctionalInterface
  interface Hosts {
    VirtualHost of(RoutingTable.VirtualHost host, boolean upgradeInsecure);
  }

  /** As {@link #translate(RoutingTable)}, each virtual host made by {@code hosts}. */
  static RouteConfiguration translate(RoutingTable table, Hosts hosts) {
    RouteConfiguration.Builder config = RouteConfiguration.newBuilder().setName(INGRESS_HTTP);
    for (RoutingTable.VirtualHost host : table.virtualHosts()) {
      config.addVirtualHosts(hosts.of(host, host.tls() != null));
    }
    return config.build();
  }

  /** A virtual host as Envoy's HTTPS listener gets it: with its CORS policy, if any. */
  static VirtualHost envoyVirtualHost(RoutingTable.VirtualHost host) {
    return envoyVirtualHost(host, false);
  }

  /**
   * A virtual host as Envoy gets it, with its CORS policy, if any; {@code upgradeInsecure} turns
   * each route without {@code permitInsecure} into a redirect to https.
   */
  static VirtualHost envoyVirtualHost(RoutingTable.VirtualHost host, boolean upgradeInsecure) {
    VirtualHost vhost = virtualHost(host, upgradeInsecure, true);
    if (host.cors() == null
        && host.ipFilter() == null
        && host.rateLimit() == null
        && host.globalRateLimit() == null) {
      return vhost;
    }
    VirtualHost.Builder builder =
        vhost.toBuilder()
            .addAllRateLimits(GlobalRateLimitFilters.rateLimits(host.globalRateLimit()));
    if (host.rateLimit() != null) {
      builder.putTypedPerFilterConfig(
          LOCAL_RATE_LIMIT_FILTER, Any.pack(rateLimit(host.rateLimit(), host.fqdn())));
    }
    if (host.cors() != null) {
      builder.putTypedPerFilterConfig(CORS_FILTER, Any.pack(corsPolicy(host.cors())));
    }
    if (host.ipFilter() != null) {
      builder.putTypedPerFilterConfig(RBAC_FILTER, Any.pack(ipFilter(host.ipFilter())));
    }
    return builder.build();
  }

  /**
   * One RouteConfiguration per virtual host, named by its fqdn, sorted by name. gRPC validates a
   * RouteConfiguration as a whole and matches the target's authority (the bare fqdn) against the
   * domains, so each client gets its own host only: a change to another host is not pushed to it,
   * and a host it cannot digest does not make it reject its own.
   */
  public static List<RouteConfiguration> perHost(RoutingTable table) {
    return perHost(table, RouteTranslator::perHost);
  }

  /** As {@link #perHost(RoutingTable)}, each configuration made by {@code configs}. */
  static List<RouteConfiguration> perHost(
      RoutingTable table, Function<RoutingTable.VirtualHost, RouteConfiguration> configs) {
    return table.virtualHosts().stream()
        .sorted(Comparator.comparing(RoutingTable.VirtualHost::fqdn))
        .map(configs)
        .toList();
  }

  /**
   * The route configuration of one host for proxyless gRPC clients, named by its fqdn. A route
   * behind an IP filter, a local or global rate limit, an authorization check or a JWT requirement,
   * and every route of a host that validates client certificates, is left out: such a client calls
   * the backends itself, where no filter and no TLS handshake with Envoy can apply, so it gets no
   * route rather than one without the restriction.
   */
  static RouteConfiguration perHost(RoutingTable.VirtualHost host) {
    return RouteConfiguration.newBuilder()
        .setName(host.fqdn())
        .addVirtualHosts(virtualHost(host, false, false))
        .build();
  }

  private static VirtualHost virtualHost(
      RoutingTable.VirtualHost host, boolean upgradeInsecure, boolean envoy) {
    VirtualHost.Builder vhost = VirtualHost.newBuilder().setName(host.fqdn());
    if (RoutingTable.ANY_HOST.equals(host.fqdn())) {
      // Envoy's catch-all (Ingress rules without a host): "*" alone matches any port too.
      vhost.addDomains(RoutingTable.ANY_HOST);
    } else {
      vhost.addDomains(host.fqdn()).addDomains(host.fqdn() + ":*");
    }
    for (RoutingTable.Route route : host.routes()) {
      if (!envoy && envoyOnly(host, route)) {
        continue;
      }
      if (upgradeInsecure && route.actions().secureOnly()) {
        continue; // neither served nor redirected: plain HTTP answers 404
      }
      if (envoy && !upgradeInsecure && host.tls() != null && route.actions().insecureOnly()) {
        continue; // plain HTTP's only: HTTPS answers 404 as for a path no route serves
      }
      Route r = route(route, envoy);
      if (r != null) {
        RoutingTable.AuthCheck auth = host.authCheckOf(route);
        String jwt = host.jwtRequirementOf(route);
        // Plain HTTP has no authorization or JWT filter: a checked route upgrades even with
        // permitInsecure.
        boolean insecure =
            route.actions().permitInsecure() && (auth == null || auth.disabled()) && jwt == null;
        r = upgradeInsecure && !insecure ? upgrade(r.getMatch()) : r;
        if (jwt != null && !upgradeInsecure) {
          r =
              r.toBuilder()
                  .putTypedPerFilterConfig(
                      JwtAuthentications.FILTER, JwtAuthentications.perRoute(jwt))
                  .build();
        }
        Any authConfig =
            auth == null || upgradeInsecure ? null : ExternalAuthorizations.perRoute(auth);
        if (authConfig != null) {
          r =
              r.toBuilder()
                  .putTypedPerFilterConfig(ExternalAuthorizations.FILTER, authConfig)
                  .build();
        }
        if (route.ipFilter() != null) {
          r =
              r.toBuilder()
                  .putTypedPerFilterConfig(RBAC_FILTER, Any.pack(ipFilter(route.ipFilter())))
                  .build();
        }
        if (route.rateLimit() != null) {
          r =
              r.toBuilder()
                  .putTypedPerFilterConfig(
                      LOCAL_RATE_LIMIT_FILTER, Any.pack(rateLimit(route.rateLimit(), host.fqdn())))
                  .build();
        }
        if (envoy) {
          r = globalRateLimit(r, route.globalRateLimit());
        }
        vhost.addRoutes(r);
      }
    }
    return vhost.build();
  }

  /**
   * {@code r} with the route's own descriptors (on its action: a redirect or a fixed answer is not
   * counted, as Envoy counts only forwarded requests) or its opting out of its host's.
   */
  private static Route globalRateLimit(Route r, GlobalRateLimit limit) {
    if (limit == null) {
      return r;
    }
    if (limit.disabled()) {
      return r.toBuilder()
          .putTypedPerFilterConfig(
              GlobalRateLimitFilters.FILTER, GlobalRateLimitFilters.ignoreVirtualHost())
          .build();
    }
    if (!r.hasRoute()) {
      return r;
    }
    return r.toBuilder()
        .setRoute(
            r.getRoute().toBuilder().addAllRateLimits(GlobalRateLimitFilters.rateLimits(limit)))
        .build();
  }

  /** Whether {@code route} is restricted by what only Envoy enforces. */
  private static boolean envoyOnly(RoutingTable.VirtualHost host, RoutingTable.Route route) {
    RoutingTable.AuthCheck auth = host.authCheckOf(route);
    return host.ipFilterOf(route) != null
        || host.rateLimitOf(route) != null
        || host.globallyLimits(route)
        || (auth != null && !auth.disabled())
        || host.jwtRequirementOf(route) != null
        || (host.tls() != null && host.tls().clientValidation() != null);
  }

  /**
   * A local rate limit as the filter's per-route config: the bucket, enabled and enforced for every
   * request, the refusal's status and headers; counted under {@code vhost.<fqdn>}.
   */
  static LocalRateLimit rateLimit(RoutingTable.LocalRateLimit limit, String fqdn) {
    RuntimeFractionalPercent always =
        RuntimeFractionalPercent.newBuilder()
            .setDefaultValue(
                FractionalPercent.newBuilder()
                    .setNumerator(100)
                    .setDenominator(FractionalPercent.DenominatorType.HUNDRED))
            .build();
    LocalRateLimit.Builder config =
        LocalRateLimit.newBuilder()
            .setStatPrefix("vhost." + fqdn)
            .setTokenBucket(
                TokenBucket.newBuilder()
                    .setMaxTokens((int) limit.maxTokens())
                    .setTokensPerFill(UInt32Value.of((int) limit.tokensPerFill()))
                    .setFillInterval(protoDuration(limit.fillInterval())))
            .setFilterEnabled(always)
            .setFilterEnforced(always);
    if (limit.status() != 0) {
      config.setStatus(HttpStatus.newBuilder().setCodeValue(limit.status()));
    }
    limit
        .headers()
        .forEach(
            (name, value) ->
                config.addResponseHeadersToAdd(
                    HeaderValueOption.newBuilder()
                        .setHeader(HeaderValue.newBuilder().setKey(name).setValue(value))
                        .setAppendAction(
                            HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)));
    return config.build();
  }

  /**
   * An IP filter as the RBAC filter's per-route config: one policy ({@code ip-rules}) whose
   * principals are the ranges, matched against the peer ({@code direct_remote_ip}) or the derived
   * client address ({@code remote_ip}); the action allows only those, or denies them.
   */
  static RBACPerRoute ipFilter(RoutingTable.IpFilter filter) {
    Policy.Builder policy =
        Policy.newBuilder().addPermissions(Permission.newBuilder().setAny(true));
    for (RoutingTable.IpRule rule : filter.rules()) {
      CidrRange range =
          CidrRange.newBuilder()
              .setAddressPrefix(rule.address())
              .setPrefixLen(UInt32Value.of(rule.prefixLength()))
              .build();
      policy.addPrincipals(
          rule.remote()
              ? Principal.newBuilder().setRemoteIp(range)
              : Principal.newBuilder().setDirectRemoteIp(range));
    }
    return RBACPerRoute.newBuilder()
        .setRbac(
            RBAC.newBuilder()
                .setRules(
                    io.envoyproxy
                        .envoy
                        .config
                        .rbac
                        .v3
                        .RBAC
                        .newBuilder()
                        .setAction(
                            filter.allow()
                                ? io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.ALLOW
                                : io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.DENY)
                        .putPolicies("ip-rules", policy.build())))
        .build();
  }

  /**
   * A route as Envoy gets it ({@code envoy}) or a proxyless client; null for one that has nothing
   * to forward to.
   */
  private static Route route(RoutingTable.Route route, boolean envoy) {
    Route.Builder r = Route.newBuilder().setMatch(match(route.match()));
    RoutingTable.Actions actions = route.actions();
    if (actions.direct() != null) {
      r.setDirectResponse(directResponse(actions.direct()));
    } else if (actions.redirect() != null) {
      r.setRedirect(redirect(actions.redirect()));
    } else if (route.clusters().isEmpty()) {
      return null;
    } else {
      r.setRoute(action(route, envoy));
    }
    return r.addAllRequestHeadersToAdd(headersToSet(route.request()))
        .addAllRequestHeadersToRemove(route.request().remove())
        .addAllResponseHeadersToAdd(headersToSet(route.response()))
        .addAllResponseHeadersToRemove(route.response().remove())
        .build();
  }

  /** The same match, answered by Envoy with a redirect to https (301, Envoy's default). */
  static Route upgrade(RouteMatch match) {
    return Route.newBuilder()
        .setMatch(match)
        .setRedirect(RedirectAction.newBuilder().setHttpsRedirect(true))
        .build();
  }

  static RouteMatch match(RoutingTable.Match m) {
    RouteMatch.Builder match = RouteMatch.newBuilder();
    switch (m.pathKind()) {
      case PREFIX -> match.setPrefix(m.path());
      case EXACT -> match.setPath(m.path());
      case REGEX -> match.setSafeRegex(regex(m.path()));
      case SEGMENT_PREFIX -> match.setPathSeparatedPrefix(m.path());
    }
    for (RoutingTable.HeaderMatch h : m.headers()) {
      match.addHeaders(headerMatcher(h));
    }
    for (RoutingTable.QueryMatch q : m.queries()) {
      QueryParameterMatcher.Builder query = QueryParameterMatcher.newBuilder().setName(q.name());
      if (q.kind() == RoutingTable.ValueKind.PRESENT) {
        query.setPresentMatch(true);
      } else {
        query.setStringMatch(string(q.kind(), q.value(), q.ignoreCase()));
      }
      match.addQueryParameters(query);
    }
    return match.build();
  }

  static HeaderMatcher headerMatcher(RoutingTable.HeaderMatch h) {
    HeaderMatcher.Builder header =
        HeaderMatcher.newBuilder()
            .setName(h.name())
            .setInvertMatch(h.invert())
            .setTreatMissingHeaderAsEmpty(h.treatMissingAsEmpty());
    if (h.kind() == RoutingTable.ValueKind.PRESENT) {
      header.setPresentMatch(true);
    } else {
      header.setStringMatch(string(h.kind(), h.value(), h.ignoreCase()));
    }
    return header.build();
  }

  private static StringMatcher string(
      RoutingTable.ValueKind kind, String value, boolean ignoreCase) {
    StringMatcher.Builder s = StringMatcher.newBuilder();
    switch (kind) {
      case EXACT -> s.setExact(value).setIgnoreCase(ignoreCase);
      case PREFIX -> s.setPrefix(value).setIgnoreCase(ignoreCase);
      case SUFFIX -> s.setSuffix(value).setIgnoreCase(ignoreCase);
      case CONTAINS -> s.setContains(value).setIgnoreCase(ignoreCase);
      case REGEX -> s.setSafeRegex(regex(value));
      default -> throw new IllegalArgumentException("no string matcher for " + kind);
    }
    return s.build();
  }

  /** RE2, Envoy's only engine (the default, so no engine field is set). */
  private static RegexMatcher regex(String regex) {
    return RegexMatcher.newBuilder().setRegex(regex).build();
  }

  /** Envoy's internal redirect policy, as Contour writes it. */
  private static io.envoyproxy.envoy.config.route.v3.InternalRedirectPolicy internalRedirect(
      RoutingTable.InternalRedirect redirect) {
    io.envoyproxy.envoy.config.route.v3.InternalRedirectPolicy.Builder policy =
        io.envoyproxy.envoy.config.route.v3.InternalRedirectPolicy.newBuilder()
            .addAllRedirectResponseCodes(redirect.statusCodes())
            .setAllowCrossSchemeRedirect(redirect.crossScheme() != RoutingTable.CrossScheme.NEVER);
    if (redirect.maxRedirects() > 0) {
      policy.setMaxInternalRedirects(UInt32Value.of((int) redirect.maxRedirects()));
    }
    if (redirect.crossScheme() == RoutingTable.CrossScheme.SAFE_ONLY) {
      policy.addPredicates(
          io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig.newBuilder()
              .setName("envoy.internal_redirect_predicates.safe_cross_scheme")
              .setTypedConfig(
                  Any.pack(
                      io.envoyproxy.envoy.extensions.internal_redirect.safe_cross_scheme.v3
                          .SafeCrossSchemeConfig.getDefaultInstance())));
    }
    if (redirect.denyRepeatedRoute()) {
      policy.addPredicates(
          io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig.newBuilder()
              .setName("envoy.internal_redirect_predicates.previous_routes")
              .setTypedConfig(
                  Any.pack(
                      io.envoyproxy.envoy.extensions.internal_redirect.previous_routes.v3
                          .PreviousRoutesConfig.getDefaultInstance())));
    }
    return policy.build();
  }

  /**
   * The forwarding of {@code route}; Set-Cookie rewrites only for Envoy (proxyless clients run no
   * Lua), on each weighted cluster as Contour puts them.
   */
  private static RouteAction action(RoutingTable.Route route, boolean envoy) {
    RouteAction.Builder action = RouteAction.newBuilder();
    if (route.prefixRewrite() != null) {
      action.setPrefixRewrite(route.prefixRewrite());
    }
    if (route.fullPathRewrite() != null) {
      // The whole path, whatever matched: RE2's whole-string pattern, the query string kept.
      action.setRegexRewrite(
          io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute.newBuilder()
              .setPattern(regex("^/.*$"))
              .setSubstitution(route.fullPathRewrite().replace("\\", "\\\\")));
    }
    String host = route.request().set().get(HOST);
    if (host != null) {
      action.setHostRewriteLiteral(host);
    }
    if (route.timeouts().response() != null) {
      action.setTimeout(protoDuration(route.timeouts().response()));
    }
    if (route.timeouts().idle() != null) {
      action.setIdleTimeout(protoDuration(route.timeouts().idle()));
    }
    if (route.retry() != null) {
      RetryPolicy.Builder retry =
          RetryPolicy.newBuilder()
              .setRetryOn(String.join(",", route.retry().retryOn()))
              .setNumRetries(UInt32Value.of(route.retry().count()))
              .addAllRetriableStatusCodes(route.retry().statusCodes());
      if (route.retry().perTryTimeout() != null) {
        retry.setPerTryTimeout(protoDuration(route.retry().perTryTimeout()));
      }
      action.setRetryPolicy(retry);
    }
    // In the order given: Envoy combines the hashes in order, and a terminal one ends the list.
    for (RoutingTable.HashPolicy h : route.hashPolicies()) {
      action.addHashPolicy(hashPolicy(h));
    }
    if (route.actions().mirrorCluster() != null) {
      action.addRequestMirrorPolicies(
          mirror(route.actions().mirrorCluster(), route.actions().mirrorPercent()));
    }
    for (RoutingTable.Mirror m : route.actions().extraMirrors()) {
      action.addRequestMirrorPolicies(mirror(m.cluster(), m.percent()));
    }
    if (route.actions().websockets()) {
      action.addUpgradeConfigs(RouteAction.UpgradeConfig.newBuilder().setUpgradeType("websocket"));
    }
    if (route.internalRedirect() != null) {
      action.setInternalRedirectPolicy(internalRedirect(route.internalRedirect()));
    }
    boolean cookies =
        envoy
            && (!route.cookieRewrites().isEmpty()
                || route.clusters().stream().anyMatch(c -> !c.cookieRewrites().isEmpty()));
    boolean perCluster =
        cookies
            || route.clusters().stream()
                .anyMatch(c -> !c.request().isEmpty() || !c.response().isEmpty());
    if (route.clusters().stream()
        .anyMatch(c -> dev.gantry.xds.ir.WeightedCluster.INVALID_BACKEND.equals(c.cluster()))) {
      // The share of backends that do not resolve names no cluster: Envoy answers it 500.
      action.setClusterNotFoundResponseCode(
          RouteAction.ClusterNotFoundResponseCode.INTERNAL_SERVER_ERROR);
    }
    if (route.clusters().size() == 1 && !perCluster) {
      return action.setCluster(route.clusters().get(0).cluster()).build();
    }
    WeightedCluster.Builder weighted = WeightedCluster.newBuilder();
    for (dev.gantry.xds.ir.WeightedCluster c : route.clusters()) {
      WeightedCluster.ClusterWeight.Builder weight =
          WeightedCluster.ClusterWeight.newBuilder()
              .setName(c.cluster())
              .setWeight(UInt32Value.of((int) c.weight()))
              .addAllRequestHeadersToAdd(headersToSet(c.request()))
              .addAllRequestHeadersToRemove(c.request().remove())
              .addAllResponseHeadersToAdd(headersToSet(c.response()))
              .addAllResponseHeadersToRemove(c.response().remove());
      String serviceHost = c.request().set().get(HOST);
      if (serviceHost != null) {
        weight.setHostRewriteLiteral(serviceHost);
      }
      if (cookies && !(route.cookieRewrites().isEmpty() && c.cookieRewrites().isEmpty())) {
        weight.putTypedPerFilterConfig(
            SetCookieRewrites.FILTER,
            SetCookieRewrites.perRoute(route.cookieRewrites(), c.cookieRewrites()));
      }
      weighted.addClusters(weight);
    }
    return action.setWeightedClusters(weighted).build();
  }

  /**
   * Envoy's CORS policy of a virtual host. Only Envoy gets it: proxyless gRPC clients run no CORS
   * filter and would refuse a per-filter config they do not know.
   */
  static CorsPolicy corsPolicy(RoutingTable.Cors cors) {
    CorsPolicy.Builder policy =
        CorsPolicy.newBuilder()
            .setAllowMethods(String.join(",", cors.allowMethods()))
            .setAllowCredentials(BoolValue.of(cors.allowCredentials()));
    for (RoutingTable.OriginMatch origin : cors.origins()) {
      policy.addAllowOriginStringMatch(
          origin.exact()
              ? StringMatcher.newBuilder().setExact(origin.value()).setIgnoreCase(true).build()
              : StringMatcher.newBuilder().setSafeRegex(regex(origin.value())).build());
    }
    if (!cors.allowHeaders().isEmpty()) {
      policy.setAllowHeaders(String.join(",", cors.allowHeaders()));
    }
    if (!cors.exposeHeaders().isEmpty()) {
      policy.setExposeHeaders(String.join(",", cors.exposeHeaders()));
    }
    if (cors.maxAgeSeconds() != null) {
      policy.setMaxAge(Long.toString(cors.maxAgeSeconds()));
    }
    if (cors.allowPrivateNetwork()) {
      policy.setAllowPrivateNetworkAccess(BoolValue.of(true));
    }
    return policy.build();
  }

  /** Contour's mirror percentage: always a runtime fraction, 100 % when the weight is unset. */
  private static RouteAction.RequestMirrorPolicy mirror(String cluster, int percent) {
    return RouteAction.RequestMirrorPolicy.newBuilder()
        .setCluster(cluster)
        .setRuntimeFraction(
            RuntimeFractionalPercent.newBuilder()
                .setDefaultValue(
                    FractionalPercent.newBuilder()
                        .setNumerator(percent)
                        .setDenominator(FractionalPercent.DenominatorType.HUNDRED)))
        .build();
  }

  static DirectResponseAction directResponse(RoutingTable.DirectResponse direct) {
    DirectResponseAction.Builder answer =
        DirectResponseAction.newBuilder().setStatus(direct.status());
    if (!direct.body().isEmpty()) {
      answer.setBody(DataSource.newBuilder().setInlineString(direct.body()));
    }
    return answer.build();
  }

  static RedirectAction redirect(RoutingTable.Redirect redirect) {
    RedirectAction.Builder action =
        RedirectAction.newBuilder()
            .setResponseCode(
                switch (redirect.statusCode()) {
                  case 302 -> RedirectAction.RedirectResponseCode.FOUND;
                  case 303 -> RedirectAction.RedirectResponseCode.SEE_OTHER;
                  case 307 -> RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT;
                  case 308 -> RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT;
                  default -> RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY;
                });
    if (redirect.scheme() != null) {
      action.setSchemeRedirect(redirect.scheme());
    }
    if (redirect.host() != null) {
      action.setHostRedirect(redirect.host());
    }
    if (redirect.port() != null) {
      action.setPortRedirect(redirect.port());
    }
    if (redirect.path() != null) {
      action.setPathRedirect(redirect.path());
    }
    if (redirect.prefix() != null) {
      action.setPrefixRewrite(redirect.prefix());
    }
    return action.build();
  }

  static RouteAction.HashPolicy hashPolicy(RoutingTable.HashPolicy h) {
    RouteAction.HashPolicy.Builder policy =
        RouteAction.HashPolicy.newBuilder().setTerminal(h.terminal());
    switch (h.kind()) {
      case HEADER ->
          policy.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(h.name()));
      case QUERY_PARAMETER ->
          policy.setQueryParameter(
              RouteAction.HashPolicy.QueryParameter.newBuilder().setName(h.name()));
      case SOURCE_IP ->
          policy.setConnectionProperties(
              RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true));
      // Contour's session cookie: no TTL (a session cookie Envoy generates), path /.
      case COOKIE ->
          policy.setCookie(
              RouteAction.HashPolicy.Cookie.newBuilder()
                  .setName(h.name())
                  .setTtl(com.google.protobuf.Duration.getDefaultInstance())
                  .setPath("/"));
    }
    return policy.build();
  }

  static com.google.protobuf.Duration protoDuration(java.time.Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }

  /** Set means replace: any value the header had is overwritten. Host is a rewrite instead. */
  static List<HeaderValueOption> headersToSet(HeaderPolicy policy) {
    List<HeaderValueOption> options =
        new java.util.ArrayList<>(
            policy.set().entrySet().stream()
                .filter(e -> !e.getKey().equals(HOST))
                .map(
                    e ->
                        option(
                            e.getKey(),
                            e.getValue(),
                            HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD))
                .toList());
    policy
        .add()
        .forEach(
            (name, value) ->
                options.add(
                    option(
                        name,
                        value,
                        HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD)));
    return options;
  }

  private static HeaderValueOption option(
      String name, String value, HeaderValueOption.HeaderAppendAction append) {
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(name).setValue(value))
        .setAppendAction(append)
        .build();
  }

  /**
   * The route configuration of the HTTPS listener's fallback chain, as Contour names it: the hosts
   * with {@code enableFallbackCertificate}, for clients without a known SNI.
   */
  public static final String FALLBACK_ROUTE_CONFIG = "ingress_fallbackcert";

  /**
   * {@code ingress_fallbackcert} with every host that serves routes to clients without a known SNI
   * (as on its own chain, see {@link #https}), sorted; empty when none does.
   */
  static List<RouteConfiguration> fallback(RoutingTable table, Hosts hosts) {
    List<RoutingTable.VirtualHost> enabled = ListenerTranslator.fallbackHosts(table);
    if (enabled.isEmpty()) {
      return List.of();
    }
    RouteConfiguration.Builder config =
        RouteConfiguration.newBuilder().setName(FALLBACK_ROUTE_CONFIG);
    for (RoutingTable.VirtualHost host : enabled) {
      config.addVirtualHosts(hosts.of(host, false));
    }
    return List.of(config.build());
  }

  /** As {@link #fallback(RoutingTable, Hosts)}, each virtual host made at once. */
  public static List<RouteConfiguration> fallback(RoutingTable table) {
    return fallback(table, RouteTranslator::envoyVirtualHost);
  }

  /** The host's route configuration on the HTTPS listener, as Contour names it. */
  public static String httpsRouteConfigName(String fqdn) {
    return "https/" + fqdn;
  }

  /**
   * The route configuration {@code https/<fqdn>} of every host that terminates TLS and serves
   * routes, holding that host only, sorted by name.
   */
  public static List<RouteConfiguration> https(RoutingTable table) {
    return https(table, RouteTranslator::envoyVirtualHost);
  }

  /** As {@link #https(RoutingTable)}, each virtual host made by {@code hosts}. */
  static List<RouteConfiguration> https(RoutingTable table, Hosts hosts) {
    return table.virtualHosts().stream()
        .filter(h -> h.tls() != null && !h.tls().passthrough() && h.tls().tcpProxy().isEmpty())
        .sorted(java.util.Comparator.comparing(RoutingTable.VirtualHost::fqdn))
        .map(
            host ->
                RouteConfiguration.newBuilder()
                    .setName(httpsRouteConfigName(host.fqdn()))
                    .addVirtualHosts(hosts.of(host, false))
                    .build())
        .toList();
  }
}
