package dev.gantry.xds.translate;

import static dev.gantry.api.federation.FederatedEndpoint.State.NOT_READY;
import static dev.gantry.api.federation.FederatedEndpoint.State.READY;
import static dev.gantry.api.federation.FederatedEndpoint.State.SERVING_TERMINATING;
import static dev.gantry.xds.Fixtures.endpoint;
import static dev.gantry.xds.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UInt32Value;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.ServicePortSpec;
import dev.gantry.xds.ir.Upstream;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EndpointTranslatorTest {
  static final String NAME = "demo/kuard/80/486e3713fa";
  static final Map<String, Integer> HTTP_8080 = Map.of("http", 8080);

  record Case(String name, Upstream upstream, ClusterLoadAssignment expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void translates(Case c) {
    assertThat(EndpointTranslator.translate(c.upstream())).isEqualTo(c.expected());
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "one locality per cluster, region is the cluster, with its priority and weight",
            upstream(
                service("demo/kuard")
                    .port("http", 80)
                    .cluster("west", 1, 1, "http", "10.1.0.1:8080")
                    .cluster("east", 0, 3, "http", "10.0.0.2:8080", "10.0.0.1:8080")
                    .build(),
                "http"),
            cla(
                locality("east", 0, 3, healthy("10.0.0.1", 8080), healthy("10.0.0.2", 8080)),
                locality("west", 1, 1, healthy("10.1.0.1", 8080)))),
        new Case(
            "priorities are made dense: a cluster without endpoints leaves no gap",
            upstream(
                service("demo/kuard")
                    .port("http", 80)
                    .cluster("east", 0, 1, "http")
                    .cluster("west", 1, 1, "http", "10.1.0.1:8080")
                    .cluster("north", 5, 2, "http", "10.2.0.1:8080")
                    .build(),
                "http"),
            cla(
                locality("north", 1, 2, healthy("10.2.0.1", 8080)),
                locality("west", 0, 1, healthy("10.1.0.1", 8080)))),
        new Case(
            "regression, 3 of 4 endpoints not ready: only the ready one is sent, so Envoy's panic"
                + " mode has no unready endpoint to spread traffic to",
            upstream(
                service("demo/kuard")
                    .port("http", 80)
                    .clusterEndpoints(
                        "east",
                        0,
                        1,
                        endpoint("10.0.0.1", READY, HTTP_8080),
                        endpoint("10.0.0.2", NOT_READY, HTTP_8080))
                    .clusterEndpoints(
                        "west",
                        0,
                        1,
                        endpoint("10.1.0.1", NOT_READY, HTTP_8080),
                        endpoint("10.1.0.2", NOT_READY, HTTP_8080))
                    .build(),
                "http"),
            cla(locality("east", 0, 1, healthy("10.0.0.1", 8080)))),
        new Case(
            "serving terminating endpoints are left out while a ready peer is in the same cluster",
            upstream(
                service("demo/kuard")
                    .port("http", 80)
                    .clusterEndpoints(
                        "east",
                        0,
                        1,
                        endpoint("10.0.0.1", SERVING_TERMINATING, HTTP_8080),
                        endpoint("10.0.0.2", READY, HTTP_8080),
                        endpoint("10.0.0.3", NOT_READY, HTTP_8080))
                    .build(),
                "http"),
            cla(locality("east", 0, 1, healthy("10.0.0.2", 8080)))),
        new Case(
            "serving terminating endpoints are left out while a ready peer is in another cluster,"
                + " even one of a lower priority: their cluster gets no locality",
            upstream(
                service("demo/kuard")
                    .port("http", 80)
                    .clusterEndpoints(
                        "east",
                        0,
                        1,
                        endpoint("10.0.0.1", SERVING_TERMINATING, HTTP_8080),
                        endpoint("10.0.0.2", NOT_READY, HTTP_8080))
                    .clusterEndpoints("west", 1, 1, endpoint("10.1.0.1", READY, HTTP_8080))
                    .build(),
                "http"),
            cla(locality("west", 0, 1, healthy("10.1.0.1", 8080)))),
        new Case(
            "with no ready endpoint in any cluster, the serving terminating ones of every cluster"
                + " are sent HEALTHY; not-ready ones still are not",
            upstream(
                service("demo/kuard")
                    .port("http", 80)
                    .clusterEndpoints(
                        "east",
                        0,
                        3,
                        endpoint("10.0.0.1", NOT_READY, HTTP_8080),
                        endpoint("10.0.0.2", SERVING_TERMINATING, HTTP_8080))
                    .clusterEndpoints(
                        "west",
                        1,
                        1,
                        endpoint("10.1.0.1", SERVING_TERMINATING, HTTP_8080),
                        endpoint("10.1.0.2", NOT_READY, HTTP_8080))
                    .build(),
                "http"),
            cla(
                locality("east", 0, 3, healthy("10.0.0.2", 8080)),
                locality("west", 1, 1, healthy("10.1.0.1", 8080)))),
        new Case(
            "a ready endpoint Envoy cannot dial (FQDN, or no port of that name) does not hold the"
                + " serving terminating ones back",
            upstream(
                service("demo/kuard")
                    .port("http", 80)
                    .port("admin", 9000)
                    .clusterEndpoints(
                        "east",
                        0,
                        1,
                        endpoint("kuard.east.example.com", READY, Map.of("http", 8080)),
                        endpoint("10.0.0.1", READY, Map.of("admin", 9090)),
                        endpoint("10.0.0.2", SERVING_TERMINATING, Map.of("http", 8080)))
                    .build(),
                "http"),
            cla(locality("east", 0, 1, healthy("10.0.0.2", 8080)))),
        new Case(
            "only not-ready endpoints: none is sent",
            upstream(
                service("demo/kuard")
                    .port("http", 80)
                    .clusterEndpoints(
                        "east",
                        0,
                        1,
                        endpoint("10.0.0.1", NOT_READY, HTTP_8080),
                        endpoint("10.0.0.2", NOT_READY, HTTP_8080))
                    .clusterEndpoints("west", 0, 1, endpoint("10.1.0.1", NOT_READY, HTTP_8080))
                    .build(),
                "http"),
            cla()),
        new Case(
            "target port is the endpoint's port named like the service port",
            upstream(
                service("demo/kuard")
                    .port("http", 80)
                    .port("admin", 9000)
                    .clusterEndpoints(
                        "east",
                        0,
                        1,
                        endpoint("10.0.0.1", READY, Map.of("http", 8080, "admin", 9090)))
                    .build(),
                "admin"),
            cla(locality("east", 0, 1, healthy("10.0.0.1", 9090)))),
        new Case(
            "a single unnamed endpoint port serves a single-port service",
            upstream(
                service("demo/kuard")
                    .port("http", 80)
                    .clusterEndpoints("east", 0, 1, endpoint("10.0.0.1", READY, Map.of("", 8080)))
                    .build(),
                "http"),
            cla(locality("east", 0, 1, healthy("10.0.0.1", 8080)))),
        new Case(
            "an endpoint without the port's name is skipped when the service has several ports",
            upstream(
                service("demo/kuard")
                    .port("http", 80)
                    .port("admin", 9000)
                    .clusterEndpoints(
                        "east",
                        0,
                        1,
                        endpoint("10.0.0.1", READY, Map.of("", 8080)),
                        endpoint("10.0.0.2", READY, Map.of("admin", 9090)))
                    .build(),
                "admin"),
            cla(locality("east", 0, 1, healthy("10.0.0.2", 9090)))),
        new Case(
            "FQDN endpoints are skipped, even one spelled with hex digits only",
            upstream(
                service("demo/kuard")
                    .port("http", 80)
                    .clusterEndpoints(
                        "east",
                        0,
                        1,
                        endpoint("kuard.east.example.com", READY, Map.of("http", 8080)),
                        endpoint("cafe.be", READY, Map.of("http", 8080)),
                        endpoint("10.0.0.1", READY, Map.of("http", 8080)))
                    .build(),
                "http"),
            cla(locality("east", 0, 1, healthy("10.0.0.1", 8080)))),
        new Case(
            "a dotted quad out of range is not an address and is skipped",
            upstream(
                service("demo/kuard")
                    .port("http", 80)
                    .clusterEndpoints(
                        "east",
                        0,
                        1,
                        endpoint("10.0.0.256", READY, Map.of("http", 8080)),
                        endpoint("10.0.0.255", READY, Map.of("http", 8080)))
                    .build(),
                "http"),
            cla(locality("east", 0, 1, healthy("10.0.0.255", 8080)))),
        new Case(
            "IPv6 endpoints are kept",
            upstream(
                service("demo/kuard")
                    .port("http", 80)
                    .clusterEndpoints(
                        "east", 0, 1, endpoint("fd00::1", READY, Map.of("http", 8080)))
                    .build(),
                "http"),
            cla(locality("east", 0, 1, healthy("fd00::1", 8080)))),
        new Case(
            "a cluster without usable endpoints gets no locality",
            upstream(
                service("demo/kuard")
                    .port("http", 80)
                    .cluster("east", 0, 1, "http")
                    .clusterEndpoints(
                        "north", 0, 1, endpoint("north.example.com", READY, Map.of("http", 8080)))
                    .cluster("west", 0, 1, "http", "10.1.0.1:8080")
                    .build(),
                "http"),
            cla(locality("west", 0, 1, healthy("10.1.0.1", 8080)))),
        new Case(
            "a health port: checks go to its target port (by name), traffic to the port's; an"
                + " endpoint without it is checked where it serves",
            withHealthPort(
                service("demo/kuard")
                    .port("http", 80)
                    .port("health", 8081)
                    .clusterEndpoints(
                        "east",
                        0,
                        1,
                        endpoint("10.0.0.1", READY, Map.of("http", 8080, "health", 9901)),
                        endpoint("10.0.0.2", READY, Map.of("http", 8080)))
                    .build(),
                "http",
                "health"),
            cla(
                locality(
                    "east",
                    0,
                    1,
                    checkedAt(healthy("10.0.0.1", 8080), 9901),
                    healthy("10.0.0.2", 8080)))),
        new Case(
            "no endpoints anywhere: the cluster name alone",
            upstream(
                service("demo/kuard").port("http", 80).cluster("east", 0, 1, "http").build(),
                "http"),
            cla()),
        new Case(
            "several services without weights: each service's localities get an even part",
            shared(
                share(
                    service("auth/a")
                        .port("grpc", 9000)
                        .cluster("east", 0, 1, "grpc", "10.0.0.1:9000")
                        .cluster("west", 0, 3, "grpc", "10.1.0.1:9000")
                        .build(),
                    0),
                share(
                    service("auth/b")
                        .port("grpc", 9001)
                        .cluster("east", 0, 1, "grpc", "10.2.0.1:9001")
                        .build(),
                    0)),
            cla(
                locality("east", 0, 125_000, healthy("10.0.0.1", 9000)),
                locality("west", 0, 375_000, healthy("10.1.0.1", 9000)),
                locality("east", 0, 500_000, healthy("10.2.0.1", 9001)))),
        new Case(
            "several services by weight; a weight of 0 beside others gets nothing, as Contour",
            shared(
                share(
                    service("auth/a")
                        .port("grpc", 9000)
                        .cluster("east", 0, 1, "grpc", "10.0.0.1:9000")
                        .build(),
                    3),
                share(
                    service("auth/b")
                        .port("grpc", 9000)
                        .cluster("east", 0, 1, "grpc", "10.2.0.1:9000")
                        .build(),
                    1),
                share(
                    service("auth/c")
                        .port("grpc", 9000)
                        .cluster("east", 0, 1, "grpc", "10.3.0.1:9000")
                        .build(),
                    0)),
            cla(
                locality("east", 0, 750_000, healthy("10.0.0.1", 9000)),
                locality("east", 0, 250_000, healthy("10.2.0.1", 9000)))),
        new Case(
            "several services: a tiny share keeps a weight of 1, priorities stay dense across them",
            shared(
                share(
                    service("auth/a")
                        .port("grpc", 9000)
                        .cluster("east", 2, 1, "grpc", "10.0.0.1:9000")
                        .build(),
                    1_000_000),
                share(
                    service("auth/b")
                        .port("grpc", 9000)
                        .cluster("east", 4, 1, "grpc", "10.2.0.1:9000")
                        .build(),
                    1)),
            cla(
                locality("east", 0, 999_999, healthy("10.0.0.1", 9000)),
                locality("east", 1, 1, healthy("10.2.0.1", 9000)))));
  }

  private static Upstream.Share share(FederatedService service, long weight) {
    return new Upstream.Share(service, service.ports().get(0), true, weight);
  }

  private static Upstream shared(Upstream.Share... shares) {
    return Upstream.of(NAME, List.of(shares))
        .protocol(dev.gantry.xds.ir.UpstreamProtocol.H2C)
        .build();
  }

  private static Upstream upstream(FederatedService service, String portName) {
    ServicePortSpec port =
        service.ports().stream().filter(p -> p.name().equals(portName)).findFirst().orElseThrow();
    return Upstream.of(NAME, service, port, true).build();
  }

  private static Upstream withHealthPort(
      FederatedService service, String portName, String healthPortName) {
    Upstream plain = upstream(service, portName);
    ServicePortSpec healthPort =
        service.ports().stream()
            .filter(p -> p.name().equals(healthPortName))
            .findFirst()
            .orElseThrow();
    return Upstream.of(NAME, service, plain.port(), true)
        .healthCheck(
            dev.gantry.xds.ir.HealthCheck.tcp(
                java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(2), 3, 2))
        .healthPort(healthPort)
        .build();
  }

  private static LbEndpoint checkedAt(LbEndpoint endpoint, int healthPort) {
    return endpoint.toBuilder()
        .setEndpoint(
            endpoint.getEndpoint().toBuilder()
                .setHealthCheckConfig(
                    Endpoint.HealthCheckConfig.newBuilder().setPortValue(healthPort)))
        .build();
  }

  private static ClusterLoadAssignment cla(LocalityLbEndpoints... localities) {
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(NAME)
        .addAllEndpoints(List.of(localities))
        .build();
  }

  private static LocalityLbEndpoints locality(
      String region, int priority, int weight, LbEndpoint... endpoints) {
    return LocalityLbEndpoints.newBuilder()
        .setLocality(Locality.newBuilder().setRegion(region))
        .setPriority(priority)
        .setLoadBalancingWeight(UInt32Value.of(weight))
        .addAllLbEndpoints(List.of(endpoints))
        .build();
  }

  private static LbEndpoint healthy(String address, int port) {
    return LbEndpoint.newBuilder()
        .setHealthStatus(HealthStatus.HEALTHY)
        .setEndpoint(
            Endpoint.newBuilder()
                .setAddress(
                    Address.newBuilder()
                        .setSocketAddress(
                            SocketAddress.newBuilder().setAddress(address).setPortValue(port))))
        .build();
  }
}
