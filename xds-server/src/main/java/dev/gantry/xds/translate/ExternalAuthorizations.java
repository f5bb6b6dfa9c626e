package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import dev.gantry.xds.ir.RoutingTable;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.BufferSettings;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.CheckSettings;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;

/**
 * Envoy's external authorization filter of a virtual host with an authorization server, set as
 * Contour's {@code FilterExternalAuthz} sets it (gRPC, API v3, the route cache cleared after a
 * check, 403 when the server fails unless {@code failOpen}, the client's certificate included), and
 * its per-route config: disabled, or the context extensions sent with the check.
 */
final class ExternalAuthorizations {
  static final String FILTER = "envoy.filters.http.ext_authz";

  private ExternalAuthorizations() {}

  /** {@code hcm} with the host's authorization filter in front of its last one, the router. */
  static void addBeforeRouter(HttpConnectionManager.Builder hcm, RoutingTable.Authorization auth) {
    hcm.addHttpFilters(Math.max(0, hcm.getHttpFiltersCount() - 1), filter(auth));
  }

  static HttpFilter filter(RoutingTable.Authorization auth) {
    GrpcService.EnvoyGrpc.Builder target =
        GrpcService.EnvoyGrpc.newBuilder().setClusterName(auth.cluster());
    if (auth.authority() != null) {
      target.setAuthority(auth.authority());
    }
    GrpcService.Builder service = GrpcService.newBuilder().setEnvoyGrpc(target);
    if (auth.responseTimeout() != null) {
      service.setTimeout(RouteTranslator.protoDuration(auth.responseTimeout()));
    }
    ExtAuthz.Builder config =
        ExtAuthz.newBuilder()
            .setGrpcService(service)
            .setTransportApiVersion(ApiVersion.V3)
            .setClearRouteCache(true)
            .setFailureModeAllow(auth.failOpen())
            .setStatusOnError(HttpStatus.newBuilder().setCode(StatusCode.Forbidden))
            .setIncludePeerCertificate(true);
    RoutingTable.RequestBody body = auth.withRequestBody();
    if (body != null) {
      config.setWithRequestBody(
          BufferSettings.newBuilder()
              .setMaxRequestBytes((int) body.maxRequestBytes())
              .setAllowPartialMessage(body.allowPartialMessage())
              .setPackAsBytes(body.packAsBytes()));
    }
    return HttpFilter.newBuilder().setName(FILTER).setTypedConfig(Any.pack(config.build())).build();
  }

  /**
   * The per-route config of a route behind the filter: disabled, or checked with its context; null
   * when it is checked with no context (the filter's own settings).
   */
  static Any perRoute(RoutingTable.AuthCheck check) {
    if (check.disabled()) {
      return Any.pack(ExtAuthzPerRoute.newBuilder().setDisabled(true).build());
    }
    if (check.context().isEmpty()) {
      return null;
    }
    return Any.pack(
        ExtAuthzPerRoute.newBuilder()
            .setCheckSettings(CheckSettings.newBuilder().putAllContextExtensions(check.context()))
            .build());
  }
}
