package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter;
import io.envoyproxy.envoy.config.accesslog.v3.ComparisonFilter;
import io.envoyproxy.envoy.config.accesslog.v3.OrFilter;
import io.envoyproxy.envoy.config.accesslog.v3.ResponseFlagFilter;
import io.envoyproxy.envoy.config.accesslog.v3.StatusCodeFilter;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.RuntimeUInt32;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What {@link ListenerSettings} make of Envoy's listeners and connection managers: the access log,
 * the PROXY protocol listener filter, the client address, path handling, the Server header and the
 * timeouts, as Contour's {@code httpConnectionManagerBuilder} sets them.
 */
final class ClientConnections {
  static final String PROXY_PROTOCOL_FILTER = "envoy.filters.listener.proxy_protocol";
  static final String FILE_ACCESS_LOG = "envoy.access_loggers.file";

  /**
   * Contour's default JSON fields ({@code DefaultAccessLogJSONFields}) and the Envoy operators its
   * table maps them to.
   */
  static final Map<String, String> JSON_FIELDS =
      Map.ofEntries(
          Map.entry("@timestamp", "%START_TIME%"),
          Map.entry("authority", "%REQ(:AUTHORITY)%"),
          Map.entry("bytes_received", "%BYTES_RECEIVED%"),
          Map.entry("bytes_sent", "%BYTES_SENT%"),
          Map.entry("downstream_local_address", "%DOWNSTREAM_LOCAL_ADDRESS%"),
          Map.entry("downstream_remote_address", "%DOWNSTREAM_REMOTE_ADDRESS%"),
          Map.entry("duration", "%DURATION%"),
          Map.entry("method", "%REQ(:METHOD)%"),
          Map.entry("path", "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%"),
          Map.entry("protocol", "%PROTOCOL%"),
          Map.entry("request_id", "%REQ(X-REQUEST-ID)%"),
          Map.entry("requested_server_name", "%REQUESTED_SERVER_NAME%"),
          Map.entry("response_code", "%RESPONSE_CODE%"),
          Map.entry("response_flags", "%RESPONSE_FLAGS%"),
          Map.entry("uber_trace_id", "%REQ(UBER-TRACE-ID)%"),
          Map.entry("upstream_cluster", "%UPSTREAM_CLUSTER%"),
          Map.entry("upstream_host", "%UPSTREAM_HOST%"),
          Map.entry("upstream_local_address", "%UPSTREAM_LOCAL_ADDRESS%"),
          Map.entry("upstream_service_time", "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%"),
          Map.entry("user_agent", "%REQ(USER-AGENT)%"),
          Map.entry("x_forwarded_for", "%REQ(X-FORWARDED-FOR)%"),
          Map.entry("grpc_status", "%GRPC_STATUS%"),
          Map.entry("grpc_status_number", "%GRPC_STATUS_NUMBER%"));

  private ClientConnections() {}

  /** The listener filters in front of a listener's own: the PROXY protocol reader when asked. */
  static List<ListenerFilter> listenerFilters(ListenerSettings settings) {
    if (!settings.proxyProtocol()) {
      return List.of();
    }
    return List.of(
        ListenerFilter.newBuilder()
            .setName(PROXY_PROTOCOL_FILTER)
            .setTypedConfig(Any.pack(ProxyProtocol.getDefaultInstance()))
            .build());
  }

  /**
   * Envoy's connection manager {@code hcm} with the settings: the client address is the
   * connection's peer (or the PROXY protocol's client) appended to X-Forwarded-For, or with trusted
   * hops the entry that many from its right end; paths normalised (RFC 3986) before routing, as
   * Contour always does, so that {@code /a/../admin} cannot pass a route for {@code /a}.
   */
  static HttpConnectionManager apply(HttpConnectionManager hcm, ListenerSettings settings) {
    HttpConnectionManager.Builder b =
        hcm.toBuilder()
            .setUseRemoteAddress(BoolValue.of(true))
            .setXffNumTrustedHops(settings.numTrustedHops())
            .setNormalizePath(BoolValue.of(true))
            .setMergeSlashes(settings.mergeSlashes())
            .setServerHeaderTransformation(
                HttpConnectionManager.ServerHeaderTransformation.valueOf(
                    settings.serverHeader().name()))
            .addAllAccessLog(accessLogs(settings));
    ListenerSettings.Timeouts t = settings.timeouts();
    set(t.request(), b::setRequestTimeout);
    set(t.streamIdle(), b::setStreamIdleTimeout);
    set(t.delayedClose(), b::setDelayedCloseTimeout);
    set(t.connectionShutdownGracePeriod(), b::setDrainTimeout);
    HttpProtocolOptions.Builder common = HttpProtocolOptions.newBuilder();
    set(t.connectionIdle(), common::setIdleTimeout);
    // Envoy reads a max_connection_duration of 0 as 0, not as off: infinity leaves it out, as
    // Contour does.
    if (!t.maxConnectionDuration().infinite()) {
      set(t.maxConnectionDuration(), common::setMaxConnectionDuration);
    }
    if (!common.build().equals(HttpProtocolOptions.getDefaultInstance())) {
      b.setCommonHttpProtocolOptions(common);
    }
    return b.build();
  }

  /** The access log to Envoy's stdout, or none when the level is {@code DISABLED}. */
  static List<AccessLog> accessLogs(ListenerSettings settings) {
    AccessLog.Builder log = AccessLog.newBuilder().setName(FILE_ACCESS_LOG);
    FileAccessLog.Builder file = FileAccessLog.newBuilder().setPath("/dev/stdout");
    if (settings.accessLog() == ListenerSettings.AccessLogFormat.JSON) {
      Struct.Builder json = Struct.newBuilder();
      // Sorted: the packed bytes, and so the listeners' version, must not follow Map's order.
      new TreeMap<>(JSON_FIELDS)
          .forEach((k, v) -> json.putFields(k, Value.newBuilder().setStringValue(v).build()));
      file.setLogFormat(
          SubstitutionFormatString.newBuilder().setJsonFormat(json).setOmitEmptyValues(true));
    }
    switch (settings.accessLogLevel()) {
      case DISABLED:
        return List.of();
      case ERROR:
        log.setFilter(statusAtLeast(300));
        break;
      case CRITICAL:
        log.setFilter(statusAtLeast(500));
        break;
      case INFO:
        break;
    }
    return List.of(log.setTypedConfig(Any.pack(file.build())).build());
  }

  /**
   * Contour's error filter: a status of at least {@code code}, or any response flag (each is an
   * error Envoy met, such as no healthy upstream or a timeout).
   */
  private static AccessLogFilter statusAtLeast(int code) {
    AccessLogFilter status =
        AccessLogFilter.newBuilder()
            .setStatusCodeFilter(
                StatusCodeFilter.newBuilder()
                    .setComparison(
                        ComparisonFilter.newBuilder()
                            .setOp(ComparisonFilter.Op.GE)
                            .setValue(
                                RuntimeUInt32.newBuilder()
                                    .setDefaultValue(code)
                                    .setRuntimeKey("gantry.accesslog.filter.status_code"))))
            .build();
    AccessLogFilter flags =
        AccessLogFilter.newBuilder()
            .setResponseFlagFilter(ResponseFlagFilter.getDefaultInstance())
            .build();
    return AccessLogFilter.newBuilder()
        .setOrFilter(OrFilter.newBuilder().addFilters(status).addFilters(flags))
        .build();
  }

  /** Envoy's 0 turns a timeout off; Envoy's default is no field at all. */
  private static void set(
      ListenerSettings.Timeout t, Consumer<com.google.protobuf.Duration> setter) {
    proto(t).ifPresent(setter);
  }

  private static Optional<com.google.protobuf.Duration> proto(ListenerSettings.Timeout t) {
    if (t.infinite()) {
      return Optional.of(com.google.protobuf.Duration.getDefaultInstance());
    }
    if (t.duration() == null) {
      return Optional.empty();
    }
    return Optional.of(
        com.google.protobuf.Duration.newBuilder()
            .setSeconds(t.duration().getSeconds())
            .setNanos(t.duration().getNano())
            .build());
  }
}
