package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;

/**
 * What {@link ListenerSettings#contour()} adds to every Envoy connection manager, written out by
 * hand: the client address from the peer, normalised paths with slashes merged, {@code Server:
 * envoy}, Envoy's text access log to stdout, a 60 s connection idle timeout.
 */
final class ContourListenerDefaults {
  private ContourListenerDefaults() {}

  static HttpConnectionManager.Builder connectionManager(HttpConnectionManager.Builder hcm) {
    return hcm.setUseRemoteAddress(BoolValue.of(true))
        .setNormalizePath(BoolValue.of(true))
        .setMergeSlashes(true)
        .setServerHeaderTransformation(HttpConnectionManager.ServerHeaderTransformation.OVERWRITE)
        .addAccessLog(accessLog())
        .setCommonHttpProtocolOptions(
            HttpProtocolOptions.newBuilder().setIdleTimeout(Duration.newBuilder().setSeconds(60)));
  }

  /** The whole connection manager of {@code ingress_http} with Contour's settings. */
  static HttpConnectionManager.Builder ingressHttp() {
    return connectionManager(HttpConnectionManager.newBuilder())
        .setStatPrefix("ingress_http")
        .setRds(
            Rds.newBuilder()
                .setRouteConfigName("ingress_http")
                .setConfigSource(
                    ConfigSource.newBuilder()
                        .setResourceApiVersion(ApiVersion.V3)
                        .setAds(AggregatedConfigSource.newBuilder())))
        .addAllHttpFilters(EnvoyHttpFilters.expected());
  }

  static AccessLog accessLog() {
    return AccessLog.newBuilder()
        .setName("envoy.access_loggers.file")
        .setTypedConfig(Any.pack(FileAccessLog.newBuilder().setPath("/dev/stdout").build()))
        .build();
  }
}
