package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import dev.gantry.xds.ir.GlobalRateLimit;
import dev.gantry.xds.ir.RoutingTable;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.ratelimit.v3.RateLimitServiceConfig;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.List;

/**
 * Envoy's global rate limit filter, set as Contour's {@code GlobalRateLimitFilter} sets it (gRPC,
 * API v3, the hub's domain, requests refused when the service fails unless {@code failOpen}), in
 * every connection manager of {@code ingress_http} and {@code ingress_https} when the hub has a
 * rate limit service; and the {@code rate_limits} of virtual hosts and routes, one per descriptor,
 * as Contour's {@code GlobalRateLimits} writes them. A route that opts out of its host's
 * descriptors says so in the filter's per-route config ({@code vh_rate_limits: IGNORE}).
 */
final class GlobalRateLimitFilters {
  static final String FILTER = "envoy.filters.http.ratelimit";

  private GlobalRateLimitFilters() {}

  /**
   * {@code hcm} with the service's filter in front of its last one, the router (after any
   * authorization filter, as Contour orders them); unchanged without a service.
   */
  static void addBeforeRouter(HttpConnectionManager.Builder hcm, GlobalRateLimit.Service service) {
    if (service != null) {
      hcm.addHttpFilters(Math.max(0, hcm.getHttpFiltersCount() - 1), filter(service));
    }
  }

  static HttpFilter filter(GlobalRateLimit.Service service) {
    GrpcService.EnvoyGrpc.Builder target =
        GrpcService.EnvoyGrpc.newBuilder().setClusterName(service.cluster());
    if (service.authority() != null) {
      target.setAuthority(service.authority());
    }
    io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.Builder config =
        io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.newBuilder()
            .setDomain(service.domain())
            .setFailureModeDeny(!service.failOpen())
            .setRateLimitService(
                RateLimitServiceConfig.newBuilder()
                    .setGrpcService(GrpcService.newBuilder().setEnvoyGrpc(target))
                    .setTransportApiVersion(ApiVersion.V3))
            .setRateLimitedAsResourceExhausted(service.resourceExhaustedCode());
    if (service.timeout() != null) {
      config.setTimeout(RouteTranslator.protoDuration(service.timeout()));
    }
    if (service.xRateLimitHeaders()) {
      config.setEnableXRatelimitHeaders(
          io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit
              .XRateLimitHeadersRFCVersion.DRAFT_VERSION_03);
    }
    return HttpFilter.newBuilder().setName(FILTER).setTypedConfig(Any.pack(config.build())).build();
  }

  /** Envoy's rate limits of {@code limit}: one per descriptor, an action per entry, in order. */
  static List<RateLimit> rateLimits(GlobalRateLimit limit) {
    if (limit == null) {
      return List.of();
    }
    return limit.descriptors().stream().map(GlobalRateLimitFilters::rateLimit).toList();
  }

  private static RateLimit rateLimit(GlobalRateLimit.Descriptor descriptor) {
    RateLimit.Builder limit = RateLimit.newBuilder();
    for (GlobalRateLimit.Entry entry : descriptor.entries()) {
      limit.addActions(action(entry));
    }
    return limit.build();
  }

  private static RateLimit.Action action(GlobalRateLimit.Entry entry) {
    RateLimit.Action.Builder action = RateLimit.Action.newBuilder();
    if (entry instanceof GlobalRateLimit.GenericKey g) {
      RateLimit.Action.GenericKey.Builder key =
          RateLimit.Action.GenericKey.newBuilder().setDescriptorValue(g.value());
      if (g.key() != null) {
        key.setDescriptorKey(g.key());
      }
      action.setGenericKey(key);
    } else if (entry instanceof GlobalRateLimit.RequestHeader h) {
      action.setRequestHeaders(
          RateLimit.Action.RequestHeaders.newBuilder()
              .setHeaderName(h.headerName())
              .setDescriptorKey(h.descriptorKey()));
    } else if (entry instanceof GlobalRateLimit.HeaderValueMatch m) {
      RateLimit.Action.HeaderValueMatch.Builder match =
          RateLimit.Action.HeaderValueMatch.newBuilder()
              .setDescriptorValue(m.value())
              .setExpectMatch(BoolValue.of(m.expectMatch()));
      for (RoutingTable.HeaderMatch h : m.headers()) {
        match.addHeaders(RouteTranslator.headerMatcher(h));
      }
      action.setHeaderValueMatch(match);
    } else {
      action.setRemoteAddress(RateLimit.Action.RemoteAddress.getDefaultInstance());
    }
    return action.build();
  }

  /** The per-route config of a route that leaves out its virtual host's descriptors. */
  static Any ignoreVirtualHost() {
    return Any.pack(
        RateLimitPerRoute.newBuilder()
            .setVhRateLimits(RateLimitPerRoute.VhRateLimitsOptions.IGNORE)
            .build());
  }
}
