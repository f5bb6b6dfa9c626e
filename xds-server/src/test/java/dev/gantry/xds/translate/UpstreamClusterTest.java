package dev.gantry.xds.translate;

import static dev.gantry.xds.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.xds.ir.HealthCheck;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.UpstreamProtocol;
import dev.gantry.xds.ir.UpstreamTls;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.CodecClientType;
import io.envoyproxy.envoy.type.v3.Percent;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clusters for an upstream {@code protocol} and a route's {@code healthCheckPolicy}, compared whole
 * with what Contour writes for them.
 */
class UpstreamClusterTest {
  static final FederatedService KUARD =
      service("demo/kuard").port("http", 80).cluster("east", 0, 1, "http", "10.0.0.1:8080").build();
  static final String NAME = "demo/kuard/80/0123456789";
  static final HealthCheck DEFAULTS =
      new HealthCheck(
          "/healthz",
          "contour-envoy-healthcheck",
          java.time.Duration.ofSeconds(5),
          java.time.Duration.ofSeconds(2),
          3,
          2);

  record Case(String name, Upstream upstream, Cluster expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void translates(Case c) {
    assertThat(ClusterTranslator.translate(List.of(c.upstream()))).containsExactly(c.expected());
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "h2c: HTTP/2 to the endpoints in clear text",
            upstream(UpstreamProtocol.H2C, null, null),
            expected(c -> c.putTypedExtensionProtocolOptions(OPTIONS, http2(null)))),
        new Case(
            "h2: HTTP/2 over TLS, ALPN h2, no certificate validation",
            upstream(UpstreamProtocol.H2, null, null),
            expected(
                c ->
                    c.putTypedExtensionProtocolOptions(OPTIONS, http2(null))
                        .setTransportSocket(tls("h2")))),
        new Case(
            "tls: HTTP/1.1 (Envoy's default, no protocol options) over TLS without ALPN",
            upstream(UpstreamProtocol.TLS, null, null),
            expected(c -> c.setTransportSocket(tls()))),
        new Case(
            "tls with validation: the CA inline, each subject name a DNS SAN to match, the SNI",
            withTls(
                upstream(UpstreamProtocol.TLS, null, null),
                new UpstreamTls(
                    "a.internal",
                    new UpstreamTls.Validation(
                        "demo/ca", CA_PEM, List.of("a.internal", "b.internal")))),
            expected(
                c ->
                    c.setTransportSocket(
                        socket(
                            UpstreamTlsContext.newBuilder()
                                .setSni("a.internal")
                                .setCommonTlsContext(
                                    CommonTlsContext.newBuilder()
                                        .setValidationContext(
                                            CertificateValidationContext.newBuilder()
                                                .setTrustedCa(
                                                    DataSource.newBuilder().setInlineString(CA_PEM))
                                                .addMatchTypedSubjectAltNames(san("a.internal"))
                                                .addMatchTypedSubjectAltNames(san("b.internal"))))
                                .build())))),
        new Case(
            "h2 with a server name only: ALPN h2 and the SNI, nothing verified",
            withTls(
                upstream(UpstreamProtocol.H2, null, null),
                new UpstreamTls("backend.example.com", null)),
            expected(
                c ->
                    c.putTypedExtensionProtocolOptions(OPTIONS, http2(null))
                        .setTransportSocket(
                            socket(
                                UpstreamTlsContext.newBuilder()
                                    .setSni("backend.example.com")
                                    .setCommonTlsContext(
                                        CommonTlsContext.newBuilder().addAlpnProtocols("h2"))
                                    .build())))),
        new Case(
            "a TCP proxy's check only connects",
            upstream(
                UpstreamProtocol.HTTP1,
                null,
                HealthCheck.tcp(
                    java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2), 1, 1)),
            expected(
                c ->
                    c.addHealthChecks(
                            io.envoyproxy.envoy.config.core.v3.HealthCheck.newBuilder()
                                .setTimeout(Duration.newBuilder().setSeconds(2))
                                .setInterval(Duration.newBuilder().setSeconds(1))
                                .setNoTrafficInterval(Duration.newBuilder().setSeconds(1))
                                .setUnhealthyThreshold(UInt32Value.of(1))
                                .setHealthyThreshold(UInt32Value.of(1))
                                .setTcpHealthCheck(
                                    io.envoyproxy.envoy.config.core.v3.HealthCheck.TcpHealthCheck
                                        .getDefaultInstance()))
                        .setIgnoreHealthOnHostRemoval(true)
                        .setCommonLbConfig(noPanic()))),
        new Case(
            "slow start on a round robin cluster, aggression a runtime value with Contour's key",
            slowStart(Upstream.Strategy.ROUND_ROBIN),
            expected(
                c ->
                    c.setRoundRobinLbConfig(
                        Cluster.RoundRobinLbConfig.newBuilder().setSlowStartConfig(SLOW_START)))),
        new Case(
            "slow start on a least request cluster",
            slowStart(Upstream.Strategy.WEIGHTED_LEAST_REQUEST),
            expected(
                c ->
                    c.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
                        .setLeastRequestLbConfig(
                            Cluster.LeastRequestLbConfig.newBuilder()
                                .setSlowStartConfig(SLOW_START)))),
        new Case(
            "h2c with an idle connection timeout: one set of protocol options with both",
            upstream(UpstreamProtocol.H2C, java.time.Duration.ofSeconds(30), null),
            expected(
                c ->
                    c.putTypedExtensionProtocolOptions(
                        OPTIONS, http2(Duration.newBuilder().setSeconds(30).build())))),
        new Case(
            "tls with an idle connection timeout: HTTP/1.1 spelled out",
            upstream(UpstreamProtocol.TLS, java.time.Duration.ofSeconds(30), null),
            expected(
                c ->
                    c.putTypedExtensionProtocolOptions(
                            OPTIONS,
                            Any.pack(
                                HttpProtocolOptions.newBuilder()
                                    .setCommonHttpProtocolOptions(
                                        io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions
                                            .newBuilder()
                                            .setIdleTimeout(Duration.newBuilder().setSeconds(30)))
                                    .setExplicitHttpConfig(
                                        HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                                            .setHttpProtocolOptions(
                                                Http1ProtocolOptions.getDefaultInstance()))
                                    .build()))
                        .setTransportSocket(tls()))),
        new Case(
            "health checks: Contour's defaults over HTTP/1.1 (also without traffic), no panic mode,"
                + " removed hosts go",
            upstream(UpstreamProtocol.HTTP1, null, DEFAULTS),
            expected(
                c ->
                    c.addHealthChecks(healthCheck(DEFAULTS, CodecClientType.HTTP1))
                        .setIgnoreHealthOnHostRemoval(true)
                        .setCommonLbConfig(noPanic()))),
        new Case(
            "health checks of an h2c cluster speak HTTP/2",
            upstream(
                UpstreamProtocol.H2C,
                null,
                new HealthCheck(
                    "/ready",
                    "kuard.local",
                    java.time.Duration.ofSeconds(1),
                    java.time.Duration.ofSeconds(1),
                    1,
                    1)),
            expected(
                c ->
                    c.putTypedExtensionProtocolOptions(OPTIONS, http2(null))
                        .addHealthChecks(
                            io.envoyproxy.envoy.config.core.v3.HealthCheck.newBuilder()
                                .setTimeout(Duration.newBuilder().setSeconds(1))
                                .setInterval(Duration.newBuilder().setSeconds(1))
                                .setNoTrafficInterval(Duration.newBuilder().setSeconds(1))
                                .setUnhealthyThreshold(UInt32Value.of(1))
                                .setHealthyThreshold(UInt32Value.of(1))
                                .setHttpHealthCheck(
                                    io.envoyproxy.envoy.config.core.v3.HealthCheck.HttpHealthCheck
                                        .newBuilder()
                                        .setPath("/ready")
                                        .setHost("kuard.local")
                                        .setCodecClientType(CodecClientType.HTTP2)))
                        .setIgnoreHealthOnHostRemoval(true)
                        .setCommonLbConfig(noPanic()))),
        new Case(
            "health checks of an h2 cluster speak HTTP/2 over its TLS socket",
            upstream(UpstreamProtocol.H2, null, DEFAULTS),
            expected(
                c ->
                    c.putTypedExtensionProtocolOptions(OPTIONS, http2(null))
                        .setTransportSocket(tls("h2"))
                        .addHealthChecks(healthCheck(DEFAULTS, CodecClientType.HTTP2))
                        .setIgnoreHealthOnHostRemoval(true)
                        .setCommonLbConfig(noPanic()))));
  }

  static final String OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  private static Upstream upstream(
      UpstreamProtocol protocol, java.time.Duration idle, HealthCheck healthCheck) {
    return Upstream.of(NAME, KUARD, KUARD.ports().get(0), true)
        .idleConnectionTimeout(idle)
        .protocol(protocol)
        .healthCheck(healthCheck)
        .build();
  }

  private static Any http2(Duration idle) {
    HttpProtocolOptions.Builder options =
        HttpProtocolOptions.newBuilder()
            .setExplicitHttpConfig(
                HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                    .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()));
    if (idle != null) {
      options.setCommonHttpProtocolOptions(
          io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder().setIdleTimeout(idle));
    }
    return Any.pack(options.build());
  }

  static final String CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  private static final Cluster.SlowStartConfig SLOW_START =
      Cluster.SlowStartConfig.newBuilder()
          .setSlowStartWindow(Duration.newBuilder().setSeconds(90).setNanos(500_000_000))
          .setAggression(
              io.envoyproxy.envoy.config.core.v3.RuntimeDouble.newBuilder()
                  .setDefaultValue(1.5)
                  .setRuntimeKey("contour.slowstart.aggression"))
          .setMinWeightPercent(Percent.newBuilder().setValue(20))
          .build();

  private static Upstream slowStart(Upstream.Strategy strategy) {
    return Upstream.of(NAME, KUARD, KUARD.ports().get(0), true)
        .strategy(strategy)
        .slowStart(new Upstream.SlowStart(java.time.Duration.ofMillis(90_500), 1.5, 20))
        .build();
  }

  private static Upstream withTls(Upstream u, UpstreamTls tls) {
    return u.toBuilder().tls(tls).build();
  }

  private static SubjectAltNameMatcher san(String name) {
    return SubjectAltNameMatcher.newBuilder()
        .setSanType(SubjectAltNameMatcher.SanType.DNS)
        .setMatcher(StringMatcher.newBuilder().setExact(name))
        .build();
  }

  private static TransportSocket socket(UpstreamTlsContext context) {
    return TransportSocket.newBuilder()
        .setName("envoy.transport_sockets.tls")
        .setTypedConfig(Any.pack(context))
        .build();
  }

  private static TransportSocket tls(String... alpn) {
    return TransportSocket.newBuilder()
        .setName("envoy.transport_sockets.tls")
        .setTypedConfig(
            Any.pack(
                UpstreamTlsContext.newBuilder()
                    .setCommonTlsContext(
                        CommonTlsContext.newBuilder().addAllAlpnProtocols(List.of(alpn)))
                    .build()))
        .build();
  }

  private static io.envoyproxy.envoy.config.core.v3.HealthCheck healthCheck(
      HealthCheck policy, CodecClientType codec) {
    return io.envoyproxy.envoy.config.core.v3.HealthCheck.newBuilder()
        .setTimeout(Duration.newBuilder().setSeconds(policy.timeout().toSeconds()))
        .setInterval(Duration.newBuilder().setSeconds(policy.interval().toSeconds()))
        .setNoTrafficInterval(Duration.newBuilder().setSeconds(policy.interval().toSeconds()))
        .setUnhealthyThreshold(UInt32Value.of((int) policy.unhealthyThreshold()))
        .setHealthyThreshold(UInt32Value.of((int) policy.healthyThreshold()))
        .setHttpHealthCheck(
            io.envoyproxy.envoy.config.core.v3.HealthCheck.HttpHealthCheck.newBuilder()
                .setPath(policy.path())
                .setHost(policy.host())
                .setCodecClientType(codec))
        .build();
  }

  private static Cluster.CommonLbConfig noPanic() {
    return Cluster.CommonLbConfig.newBuilder()
        .setHealthyPanicThreshold(Percent.newBuilder().setValue(0))
        .setLocalityWeightedLbConfig(Cluster.CommonLbConfig.LocalityWeightedLbConfig.newBuilder())
        .build();
  }

  /** The plain cluster of {@link ClusterTranslatorTest}, changed by {@code change}. */
  private static Cluster expected(UnaryOperator<Cluster.Builder> change) {
    return change
        .apply(
            Cluster.newBuilder()
                .setName(NAME)
                .setAltStatName("demo_kuard_80_0123456789")
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(
                    Cluster.EdsClusterConfig.newBuilder()
                        .setServiceName(NAME)
                        .setEdsConfig(
                            ConfigSource.newBuilder()
                                .setResourceApiVersion(ApiVersion.V3)
                                .setAds(AggregatedConfigSource.newBuilder())))
                .setConnectTimeout(Duration.newBuilder().setSeconds(2))
                .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
                .setCommonLbConfig(
                    Cluster.CommonLbConfig.newBuilder()
                        .setLocalityWeightedLbConfig(
                            Cluster.CommonLbConfig.LocalityWeightedLbConfig.newBuilder()))
                .setOutlierDetection(
                    OutlierDetection.newBuilder()
                        .setConsecutive5Xx(UInt32Value.of(3))
                        .setConsecutiveGatewayFailure(UInt32Value.of(3))
                        .setConsecutiveLocalOriginFailure(UInt32Value.of(3))
                        .setSplitExternalLocalOriginErrors(true)
                        .setInterval(Duration.newBuilder().setSeconds(2))
                        .setBaseEjectionTime(Duration.newBuilder().setSeconds(10))
                        .setMaxEjectionPercent(UInt32Value.of(100))))
        .build();
  }
}
