package dev.gantry.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.gantry.xds.ir.Routes;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.ir.WeightedCluster;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter;
import io.envoyproxy.envoy.config.accesslog.v3.ComparisonFilter;
import io.envoyproxy.envoy.config.accesslog.v3.OrFilter;
import io.envoyproxy.envoy.config.accesslog.v3.ResponseFlagFilter;
import io.envoyproxy.envoy.config.accesslog.v3.StatusCodeFilter;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.RuntimeUInt32;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each listener setting on {@code ingress_http}: the connection manager built for it, compared
 * whole with one written out by hand.
 */
class ListenerSettingsTest {
  record Case(
      String name,
      ListenerSettings settings,
      List<ListenerFilter> listenerFilters,
      HttpConnectionManager expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void buildsTheConnectionManager(Case c) throws Exception {
    Listener listener = ListenerTranslator.translate("0.0.0.0", 8080, c.settings()).get(0);

    assertThat(listener.getListenerFiltersList()).isEqualTo(c.listenerFilters());
    assertThat(
            listener
                .getFilterChains(0)
                .getFilters(0)
                .getTypedConfig()
                .unpack(HttpConnectionManager.class))
        .isEqualTo(c.expected());
  }

  static Stream<Case> cases() {
    ListenerSettings contour = ListenerSettings.contour();
    return Stream.of(
        new Case("Contour's defaults", contour, List.of(), hcm(b -> b)),
        new Case(
            "JSON access log: Contour's default fields, empty values left out",
            contour.withAccessLog(
                ListenerSettings.AccessLogFormat.JSON, ListenerSettings.AccessLogLevel.INFO),
            List.of(),
            hcm(b -> b.clearAccessLog().addAccessLog(jsonAccessLog()))),
        levelCase(ListenerSettings.AccessLogLevel.ERROR, 300),
        levelCase(ListenerSettings.AccessLogLevel.CRITICAL, 500),
        new Case(
            "access log disabled: no access log",
            contour.withAccessLog(
                ListenerSettings.AccessLogFormat.JSON, ListenerSettings.AccessLogLevel.DISABLED),
            List.of(),
            hcm(HttpConnectionManager.Builder::clearAccessLog)),
        new Case(
            "two trusted hops: the client is the second X-Forwarded-For entry from the right",
            contour.withNumTrustedHops(2),
            List.of(),
            hcm(b -> b.setXffNumTrustedHops(2))),
        new Case(
            "PROXY protocol: its listener filter, the connection manager unchanged",
            contour.withProxyProtocol(true),
            List.of(proxyProtocol()),
            hcm(b -> b)),
        new Case(
            "slashes left alone, paths still normalised",
            contour.withMergeSlashes(false),
            List.of(),
            hcm(b -> b.setMergeSlashes(false))),
        new Case(
            "Server header passed through",
            contour.withServerHeader(ListenerSettings.ServerHeader.PASS_THROUGH),
            List.of(),
            hcm(
                b ->
                    b.setServerHeaderTransformation(
                        HttpConnectionManager.ServerHeaderTransformation.PASS_THROUGH))),
        new Case(
            "Server header appended if absent",
            contour.withServerHeader(ListenerSettings.ServerHeader.APPEND_IF_ABSENT),
            List.of(),
            hcm(
                b ->
                    b.setServerHeaderTransformation(
                        HttpConnectionManager.ServerHeaderTransformation.APPEND_IF_ABSENT))),
        new Case(
            "every timeout set: each in its field",
            contour.withTimeouts(
                new ListenerSettings.Timeouts(
                    ListenerSettings.Timeout.of(Duration.ofSeconds(30)),
                    ListenerSettings.Timeout.of(Duration.ofMinutes(5)),
                    ListenerSettings.Timeout.of(Duration.ofMillis(1500)),
                    ListenerSettings.Timeout.of(Duration.ofHours(1)),
                    ListenerSettings.Timeout.of(Duration.ofSeconds(2)),
                    ListenerSettings.Timeout.of(Duration.ofSeconds(10)))),
            List.of(),
            hcm(
                b ->
                    b.setRequestTimeout(seconds(30, 0))
                        .setStreamIdleTimeout(seconds(1, 500_000_000))
                        .setDelayedCloseTimeout(seconds(2, 0))
                        .setDrainTimeout(seconds(10, 0))
                        .setCommonHttpProtocolOptions(
                            HttpProtocolOptions.newBuilder()
                                .setIdleTimeout(seconds(300, 0))
                                .setMaxConnectionDuration(seconds(3600, 0))))),
        new Case(
            "every timeout infinity: 0 s turns each off, but for the max connection duration,"
                + " which Envoy turns off when absent",
            contour.withTimeouts(
                new ListenerSettings.Timeouts(
                    ListenerSettings.Timeout.INFINITE,
                    ListenerSettings.Timeout.INFINITE,
                    ListenerSettings.Timeout.INFINITE,
                    ListenerSettings.Timeout.INFINITE,
                    ListenerSettings.Timeout.INFINITE,
                    ListenerSettings.Timeout.INFINITE)),
            List.of(),
            hcm(
                b ->
                    b.setRequestTimeout(seconds(0, 0))
                        .setStreamIdleTimeout(seconds(0, 0))
                        .setDelayedCloseTimeout(seconds(0, 0))
                        .setDrainTimeout(seconds(0, 0))
                        .setCommonHttpProtocolOptions(
                            HttpProtocolOptions.newBuilder().setIdleTimeout(seconds(0, 0))))),
        new Case(
            "every timeout Envoy's default: no field at all",
            contour.withTimeouts(
                new ListenerSettings.Timeouts(
                    ListenerSettings.Timeout.ENVOY_DEFAULT,
                    ListenerSettings.Timeout.ENVOY_DEFAULT,
                    ListenerSettings.Timeout.ENVOY_DEFAULT,
                    ListenerSettings.Timeout.ENVOY_DEFAULT,
                    ListenerSettings.Timeout.ENVOY_DEFAULT,
                    ListenerSettings.Timeout.ENVOY_DEFAULT)),
            List.of(),
            hcm(HttpConnectionManager.Builder::clearCommonHttpProtocolOptions)));
  }

  /** Contour's error levels: a status of at least {@code code}, or any response flag. */
  private static Case levelCase(ListenerSettings.AccessLogLevel level, int code) {
    return new Case(
        "access log level " + level + ": status " + code + " or more, or a response flag",
        ListenerSettings.contour().withAccessLog(ListenerSettings.AccessLogFormat.ENVOY, level),
        List.of(),
        hcm(
            b ->
                b.clearAccessLog()
                    .addAccessLog(
                        ContourListenerDefaults.accessLog().toBuilder()
                            .setFilter(statusAtLeast(code)))));
  }

  @Test
  void httpsListenerReadsTheProxyProtocolBeforeTheTlsInspectorAndLogsTcpProxies() throws Exception {
    RoutingTable.VirtualHost pass =
        Routes.host(
            "pass.example",
            List.of(),
            new VirtualHostTls(
                null, VirtualHostTls.Version.TLS_1_2, List.of(new WeightedCluster("web", 1))));
    ListenerSettings settings =
        ListenerSettings.contour()
            .withProxyProtocol(true)
            .withAccessLog(
                ListenerSettings.AccessLogFormat.JSON, ListenerSettings.AccessLogLevel.INFO);

    Listener https =
        ListenerTranslator.https(
                "0.0.0.0", 8443, new RoutingTable(List.of(pass), Map.of()), settings)
            .get(0);

    assertThat(https.getListenerFiltersList())
        .extracting(ListenerFilter::getName)
        .containsExactly(
            "envoy.filters.listener.proxy_protocol", "envoy.filters.listener.tls_inspector");
    assertThat(https.getFilterChains(0).getFilters(0).getTypedConfig().unpack(TcpProxy.class))
        .isEqualTo(
            TcpProxy.newBuilder()
                .setStatPrefix("ingress_https")
                .addAccessLog(jsonAccessLog())
                .setCluster("web")
                .build());
  }

  @Test
  void proxylessClientsGetNoneOfTheSettings() throws Exception {
    // Their API listener has no socket: nothing to log, time, or take a client address from.
    assertThat(
            ListenerTranslator.apiListeners(List.of(Routes.host("a.example", List.of())))
                .get(0)
                .getApiListener()
                .getApiListener()
                .unpack(HttpConnectionManager.class)
                .getAccessLogCount())
        .isZero();
  }

  @Test
  void aTimeoutIsPositive() {
    assertThatThrownBy(() -> ListenerSettings.Timeout.of(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ListenerSettings.contour().withNumTrustedHops(-1))
        .hasMessageContaining("numTrustedHops");
  }

  private static HttpConnectionManager hcm(UnaryOperator<HttpConnectionManager.Builder> settings) {
    return settings.apply(ContourListenerDefaults.ingressHttp()).build();
  }

  private static com.google.protobuf.Duration seconds(long s, int nanos) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(s).setNanos(nanos).build();
  }

  private static ListenerFilter proxyProtocol() {
    return ListenerFilter.newBuilder()
        .setName("envoy.filters.listener.proxy_protocol")
        .setTypedConfig(Any.pack(ProxyProtocol.getDefaultInstance()))
        .build();
  }

  private static AccessLogFilter statusAtLeast(int code) {
    return AccessLogFilter.newBuilder()
        .setOrFilter(
            OrFilter.newBuilder()
                .addFilters(
                    AccessLogFilter.newBuilder()
                        .setStatusCodeFilter(
                            StatusCodeFilter.newBuilder()
                                .setComparison(
                                    ComparisonFilter.newBuilder()
                                        .setOp(ComparisonFilter.Op.GE)
                                        .setValue(
                                            RuntimeUInt32.newBuilder()
                                                .setDefaultValue(code)
                                                .setRuntimeKey(
                                                    "gantry.accesslog.filter.status_code")))))
                .addFilters(
                    AccessLogFilter.newBuilder()
                        .setResponseFlagFilter(ResponseFlagFilter.getDefaultInstance())))
        .build();
  }

  /** Contour's DefaultAccessLogJSONFields, each as its field table maps it. */
  private static AccessLog jsonAccessLog() {
    Struct.Builder fields = Struct.newBuilder();
    String[][] table = {
      {"@timestamp", "%START_TIME%"},
      {"authority", "%REQ(:AUTHORITY)%"},
      {"bytes_received", "%BYTES_RECEIVED%"},
      {"bytes_sent", "%BYTES_SENT%"},
      {"downstream_local_address", "%DOWNSTREAM_LOCAL_ADDRESS%"},
      {"downstream_remote_address", "%DOWNSTREAM_REMOTE_ADDRESS%"},
      {"duration", "%DURATION%"},
      {"method", "%REQ(:METHOD)%"},
      {"path", "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%"},
      {"protocol", "%PROTOCOL%"},
      {"request_id", "%REQ(X-REQUEST-ID)%"},
      {"requested_server_name", "%REQUESTED_SERVER_NAME%"},
      {"response_code", "%RESPONSE_CODE%"},
      {"response_flags", "%RESPONSE_FLAGS%"},
      {"uber_trace_id", "%REQ(UBER-TRACE-ID)%"},
      {"upstream_cluster", "%UPSTREAM_CLUSTER%"},
      {"upstream_host", "%UPSTREAM_HOST%"},
      {"upstream_local_address", "%UPSTREAM_LOCAL_ADDRESS%"},
      {"upstream_service_time", "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%"},
      {"user_agent", "%REQ(USER-AGENT)%"},
      {"x_forwarded_for", "%REQ(X-FORWARDED-FOR)%"},
      {"grpc_status", "%GRPC_STATUS%"},
      {"grpc_status_number", "%GRPC_STATUS_NUMBER%"},
    };
    // In name order, as the packed bytes have them.
    java.util.Arrays.sort(table, java.util.Comparator.comparing((String[] f) -> f[0]));
    for (String[] f : table) {
      fields.putFields(f[0], Value.newBuilder().setStringValue(f[1]).build());
    }
    return AccessLog.newBuilder()
        .setName("envoy.access_loggers.file")
        .setTypedConfig(
            Any.pack(
                FileAccessLog.newBuilder()
                    .setPath("/dev/stdout")
                    .setLogFormat(
                        SubstitutionFormatString.newBuilder()
                            .setJsonFormat(fields)
                            .setOmitEmptyValues(true))
                    .build()))
        .build();
  }
}
