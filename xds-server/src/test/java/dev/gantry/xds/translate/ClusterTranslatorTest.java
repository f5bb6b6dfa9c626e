package dev.gantry.xds.translate;

import static dev.gantry.xds.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.xds.ir.Upstream;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterTranslatorTest {
  static final FederatedService KUARD =
      service("demo/kuard").port("http", 80).cluster("east", 0, 1, "http", "10.0.0.1:8080").build();
  static final FederatedService EAST_KUARD =
      service("demo/east-kuard")
          .port("http", 80)
          .cluster("east", 0, 1, "http", "10.0.0.1:8080")
          .build();

  record Case(String name, List<Upstream> upstreams, List<Cluster> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void translates(Case c) {
    assertThat(ClusterTranslator.translate(c.upstreams())).isEqualTo(c.expected());
  }

  static Stream<Case> cases() {
    Upstream kuard =
        Upstream.of("demo/kuard/80/486e3713fa", KUARD, KUARD.ports().get(0), true).build();
    Upstream eastKuard =
        Upstream.of("demo/east-kuard/80/d18b3d96ed", EAST_KUARD, EAST_KUARD.ports().get(0), false)
            .build();
    Upstream kuard8080 =
        Upstream.of("demo/kuard/8080/53d67814e7", KUARD, KUARD.ports().get(0), true).build();
    return Stream.of(
        new Case("no upstreams, no clusters", List.of(), List.of()),
        new Case(
            "EDS over ADS, round robin weighted by locality, outlier detection ejecting up to all",
            List.of(kuard),
            List.of(expected("demo/kuard/80/486e3713fa", "demo_kuard_80_486e3713fa"))),
        new Case(
            "a mirror's cluster has the same shape",
            List.of(eastKuard),
            List.of(expected("demo/east-kuard/80/d18b3d96ed", "demo_east-kuard_80_d18b3d96ed"))),
        new Case(
            "sorted by name whatever the input order",
            List.of(kuard8080, kuard, eastKuard),
            List.of(
                expected("demo/east-kuard/80/d18b3d96ed", "demo_east-kuard_80_d18b3d96ed"),
                expected("demo/kuard/80/486e3713fa", "demo_kuard_80_486e3713fa"),
                expected("demo/kuard/8080/53d67814e7", "demo_kuard_8080_53d67814e7"))),
        new Case(
            "an idle connection timeout goes in the HTTP protocol options, HTTP/1.1 kept",
            List.of(
                Upstream.of("demo/kuard/80/0123456789", KUARD, KUARD.ports().get(0), true)
                    .idleConnectionTimeout(java.time.Duration.ofMillis(1500))
                    .build()),
            List.of(
                expected("demo/kuard/80/0123456789", "demo_kuard_80_0123456789").toBuilder()
                    .putTypedExtensionProtocolOptions(
                        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                        Any.pack(
                            HttpProtocolOptions.newBuilder()
                                .setCommonHttpProtocolOptions(
                                    io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions
                                        .newBuilder()
                                        .setIdleTimeout(
                                            Duration.newBuilder()
                                                .setSeconds(1)
                                                .setNanos(500_000_000)))
                                .setExplicitHttpConfig(
                                    HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                                        .setHttpProtocolOptions(Http1ProtocolOptions.newBuilder()))
                                .build()))
                    .build())),
        new Case(
            "WeightedLeastRequest is least request",
            List.of(strategy(Upstream.Strategy.WEIGHTED_LEAST_REQUEST)),
            List.of(expected(Cluster.LbPolicy.LEAST_REQUEST))),
        new Case(
            "Random is random",
            List.of(strategy(Upstream.Strategy.RANDOM)),
            List.of(expected(Cluster.LbPolicy.RANDOM))),
        new Case(
            "Cookie is a ring hash (the route carries the hash policy)",
            List.of(strategy(Upstream.Strategy.COOKIE)),
            List.of(expected(Cluster.LbPolicy.RING_HASH))),
        new Case(
            "RequestHash is a ring hash",
            List.of(strategy(Upstream.Strategy.REQUEST_HASH)),
            List.of(expected(Cluster.LbPolicy.RING_HASH))),
        new Case(
            "idleConnection infinity is a zero idle timeout (Envoy: none)",
            List.of(
                Upstream.of("demo/kuard/80/0123456789", KUARD, KUARD.ports().get(0), true)
                    .idleConnectionTimeout(java.time.Duration.ZERO)
                    .build()),
            List.of(
                expected("demo/kuard/80/0123456789", "demo_kuard_80_0123456789").toBuilder()
                    .putTypedExtensionProtocolOptions(
                        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                        Any.pack(
                            HttpProtocolOptions.newBuilder()
                                .setCommonHttpProtocolOptions(
                                    io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions
                                        .newBuilder()
                                        .setIdleTimeout(Duration.getDefaultInstance()))
                                .setExplicitHttpConfig(
                                    HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                                        .setHttpProtocolOptions(Http1ProtocolOptions.newBuilder()))
                                .build()))
                    .build())));
  }

  @Test
  void anExternalNameServiceIsAStrictDnsClusterHoldingEachClustersNameAtTheServicePort() {
    FederatedService ext =
        service("demo/ext")
            .port("http", 80)
            .externalName("east", 0, 3, "a.example.com")
            .externalName("west", 2, 1, "b.example.com")
            .build();
    Upstream upstream =
        Upstream.of("demo/ext/80/0123456789", ext, ext.ports().get(0), true)
            .dns(
                List.of(
                    new Upstream.DnsTarget("east", 0, 3, "a.example.com"),
                    new Upstream.DnsTarget("west", 2, 1, "b.example.com")))
            .build();

    assertThat(ClusterTranslator.translate(List.of(upstream)))
        .containsExactly(
            expected("demo/ext/80/0123456789", "demo_ext_80_0123456789").toBuilder()
                .clearEdsClusterConfig()
                .setType(Cluster.DiscoveryType.STRICT_DNS)
                .setLoadAssignment(
                    ClusterLoadAssignment.newBuilder()
                        .setClusterName("demo/ext/80/0123456789")
                        .addEndpoints(dnsLocality("east", 0, 3, "a.example.com"))
                        // Priorities stay dense, as in an assignment of endpoints.
                        .addEndpoints(dnsLocality("west", 1, 1, "b.example.com")))
                .build());
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(dev.gantry.xds.ir.DnsLookupFamily.class)
  void aDnsClusterAsksForTheHubsLookupFamilyAsContourMapsIt(
      dev.gantry.xds.ir.DnsLookupFamily family) {
    FederatedService ext =
        service("demo/ext").port("http", 80).externalName("east", 0, 1, "a.example.com").build();
    Upstream upstream =
        Upstream.of("demo/ext/80/0123456789", ext, ext.ports().get(0), true)
            .dns(List.of(new Upstream.DnsTarget("east", 0, 1, "a.example.com")))
            .build();
    Cluster.DnsLookupFamily expected =
        switch (family) {
          case AUTO -> Cluster.DnsLookupFamily.AUTO;
          case V4 -> Cluster.DnsLookupFamily.V4_ONLY;
          case V6 -> Cluster.DnsLookupFamily.V6_ONLY;
          case ALL -> Cluster.DnsLookupFamily.ALL;
        };

    assertThat(ClusterTranslator.cluster(upstream, family).getDnsLookupFamily())
        .isEqualTo(expected);
    // A cluster of endpoints has no lookups: the field stays unset.
    Upstream eds = Upstream.of("demo/kuard/80/0123456789", ext, ext.ports().get(0), true).build();
    assertThat(
            ClusterTranslator.cluster(eds, family)
                .hasField(Cluster.getDescriptor().findFieldByName("dns_lookup_family")))
        .isFalse();
  }

  @Test
  void proxylessClientsGetNoDnsCluster() {
    Cluster dns =
        Cluster.newBuilder().setName("dns").setType(Cluster.DiscoveryType.STRICT_DNS).build();
    Cluster eds = Cluster.newBuilder().setName("eds").setType(Cluster.DiscoveryType.EDS).build();

    assertThat(ClusterTranslator.forProxyless(List.of(dns, eds))).containsExactly(eds);
  }

  private static LocalityLbEndpoints.Builder dnsLocality(
      String cluster, int priority, int weight, String host) {
    return LocalityLbEndpoints.newBuilder()
        .setLocality(Locality.newBuilder().setRegion(cluster))
        .setPriority(priority)
        .setLoadBalancingWeight(UInt32Value.of(weight))
        .addLbEndpoints(
            LbEndpoint.newBuilder()
                .setEndpoint(
                    Endpoint.newBuilder()
                        .setAddress(
                            Address.newBuilder()
                                .setSocketAddress(
                                    SocketAddress.newBuilder()
                                        .setAddress(host)
                                        .setPortValue(80)))));
  }

  private static Upstream strategy(Upstream.Strategy strategy) {
    return Upstream.of("demo/kuard/80/0123456789", KUARD, KUARD.ports().get(0), true)
        .strategy(strategy)
        .build();
  }

  private static Cluster expected(Cluster.LbPolicy policy) {
    return expected("demo/kuard/80/0123456789", "demo_kuard_80_0123456789").toBuilder()
        .setLbPolicy(policy)
        .build();
  }

  private static Cluster expected(String name, String altStatName) {
    return Cluster.newBuilder()
        .setName(name)
        .setAltStatName(altStatName)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(
            Cluster.EdsClusterConfig.newBuilder()
                .setServiceName(name)
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
                .setMaxEjectionPercent(UInt32Value.of(100)))
        .build();
  }

  @org.junit.jupiter.api.Test
  void proxylessClientsGetRoundRobinWhereGrpcHasNoSuchBalancer() {
    List<Cluster> clusters =
        Stream.of(
                Cluster.LbPolicy.ROUND_ROBIN,
                Cluster.LbPolicy.RANDOM,
                Cluster.LbPolicy.LEAST_REQUEST,
                Cluster.LbPolicy.RING_HASH)
            .map(p -> Cluster.newBuilder().setName(p.name()).setLbPolicy(p).build())
            .toList();

    assertThat(ClusterTranslator.forProxyless(clusters))
        .extracting(c -> c.getName() + "=" + c.getLbPolicy())
        .containsExactly(
            "ROUND_ROBIN=ROUND_ROBIN",
            "RANDOM=ROUND_ROBIN",
            "LEAST_REQUEST=LEAST_REQUEST",
            "RING_HASH=RING_HASH");
    List<Cluster> supported = List.of(clusters.get(0), clusters.get(2), clusters.get(3));
    assertThat(ClusterTranslator.forProxyless(supported)).isSameAs(supported);
    Cluster tls =
        clusters.get(0).toBuilder()
            .setTransportSocket(
                io.envoyproxy.envoy.config.core.v3.TransportSocket.newBuilder()
                    .setName("envoy.transport_sockets.tls"))
            .build();
    assertThat(ClusterTranslator.forProxyless(List.of(tls)))
        .singleElement()
        .satisfies(c -> assertThat(c.hasTransportSocket()).isFalse());
  }

  @Test
  void aClusterThatVerifiesItsBackendsIsLeftOutForProxylessClients() {
    Cluster plain =
        ClusterTranslator.cluster(
            Upstream.of("demo/kuard/80/a", KUARD, KUARD.ports().get(0), true).build());
    Cluster verified =
        ClusterTranslator.cluster(
            Upstream.of("demo/kuard/80/b", KUARD, KUARD.ports().get(0), true)
                .protocol(dev.gantry.xds.ir.UpstreamProtocol.TLS)
                .tls(
                    new dev.gantry.xds.ir.UpstreamTls(
                        "kuard.internal",
                        new dev.gantry.xds.ir.UpstreamTls.Validation(
                            "demo/ca", "PEM", List.of("kuard.internal"))))
                .build());

    assertThat(ClusterTranslator.forProxyless(List.of(plain, verified)))
        .extracting(Cluster::getName)
        .containsExactly("demo/kuard/80/a");
  }
}
