package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.HealthCheckPolicy;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A route's {@code healthCheckPolicy} through a real Envoy: two backends of one service, one per
 * source cluster, the west one answering 503 on the health path until told otherwise. Envoy's
 * active checks take it out, so all traffic goes east, and put it back once it answers 200. A
 * second proxy with an invalid policy is reported and left out while the first serves. No apiserver
 * is involved, so the backends are on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthCheckIT {
  private static final String HOST = "checked.example.com";
  private static final String TOLERANT = "tolerant.example.com";
  private static final String SPLIT = "split.example.com";

  private final List<HttpServer> backends = new ArrayList<>();
  private final AtomicBoolean westHealthy = new AtomicBoolean(false);

  /** Host headers of the health checks each backend received. */
  private final Map<String, Set<String>> checkHosts = new ConcurrentHashMap<>();

  private LoopbackGateway gateway;

  @BeforeAll
  void start() throws IOException {
    int east = backend("east", new AtomicBoolean(true));
    int west = backend("west", westHealthy);
    // Service split: each endpoint serves on one port and answers checks on another (healthPort);
    // west's traffic port passes any check, but its health port fails.
    int splitEast = backend("split-east", new AtomicBoolean(true));
    int splitWest = backend("split-west", new AtomicBoolean(true));
    int splitEastHealth = backend("split-east-health", new AtomicBoolean(true));
    int splitWestHealth = backend("split-west-health", new AtomicBoolean(false));
    gateway =
        LoopbackGateway.start(
            "envoy-hc",
            "GRPC",
            List.of(
                proxy("demo/checked", HOST, 1L),
                proxy("demo/broken", "broken.example.com", -1L),
                tolerant(),
                split()),
            new FederationSnapshot(
                Map.of(
                    ServiceName.of("demo", "who"),
                    Fixtures.service("demo/who")
                        .port("http", 80)
                        .cluster("east", 0, 1, "http", "127.0.0.1:" + east)
                        .cluster("west", 0, 1, "http", "127.0.0.1:" + west)
                        .build(),
                    ServiceName.of("demo", "split"),
                    Fixtures.service("demo/split")
                        .port("http", 80)
                        .port("health", 8081)
                        .clusterEndpoints(
                            "east",
                            0,
                            1,
                            Fixtures.endpoint(
                                "127.0.0.1",
                                dev.gantry.api.federation.FederatedEndpoint.State.READY,
                                Map.of("http", splitEast, "health", splitEastHealth)))
                        .clusterEndpoints(
                            "west",
                            0,
                            1,
                            Fixtures.endpoint(
                                "127.0.0.1",
                                dev.gantry.api.federation.FederatedEndpoint.State.READY,
                                Map.of("http", splitWest, "health", splitWestHealth)))
                        .build()),
                Map.of()));
  }

  @AfterAll
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    backends.forEach(b -> b.stop(0));
  }

  /** A backend answering its name on every path but {@code /healthz}: 200 or 503 by {@code up}. */
  private int backend(String name, AtomicBoolean up) throws IOException {
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.createContext(
        "/",
        exchange -> {
          byte[] body = name.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    backend.createContext(
        "/healthz",
        exchange -> {
          checkHosts
              .computeIfAbsent(name, k -> ConcurrentHashMap.newKeySet())
              .add(exchange.getRequestHeaders().getFirst("Host"));
          exchange.sendResponseHeaders(up.get() ? 200 : 503, -1);
          exchange.close();
        });
    backend.setExecutor(Executors.newFixedThreadPool(2));
    backend.start();
    backends.add(backend);
    return backend.getAddress().getPort();
  }

  private static HTTPProxy proxy(String key, String fqdn, long intervalSeconds) {
    HealthCheckPolicy policy = new HealthCheckPolicy();
    policy.setPath("/healthz");
    policy.setIntervalSeconds(intervalSeconds);
    policy.setTimeoutSeconds(1L);
    policy.setUnhealthyThresholdCount(1L);
    policy.setHealthyThresholdCount(1L);
    HTTPProxySpec.Route route = new HTTPProxySpec.Route();
    route.getConditions().add(Fixtures.prefix("/"));
    route.getServices().add(Fixtures.routeService("who", 80, null));
    route.setHealthCheckPolicy(policy);
    return Fixtures.proxy(key).fqdn(fqdn).rawRoute(route).build();
  }

  /** A proxy whose checks go to the service's health port ({@code healthPort}). */
  private static HTTPProxy split() {
    HTTPProxy proxy = proxy("demo/split", SPLIT, 1L);
    HTTPProxySpec.RouteService service = proxy.getSpec().getRoutes().get(0).getServices().get(0);
    service.setName("split");
    service.setHealthPort(8081);
    return proxy;
  }

  /** A proxy whose checks pass on any status below 600: a backend answering 503 stays in. */
  private static HTTPProxy tolerant() {
    HTTPProxy proxy = proxy("demo/tolerant", TOLERANT, 1L);
    proxy
        .getSpec()
        .getRoutes()
        .get(0)
        .getHealthCheckPolicy()
        .setExpectedStatuses(
            new ArrayList<>(List.of(new HealthCheckPolicy.StatusRange(200L, 600L))));
    return proxy;
  }

  private Set<String> answers(int count) throws Exception {
    return answers(HOST, count);
  }

  /** The backends that answered {@code count} requests to {@code host}, all of which succeed. */
  private Set<String> answers(String host, int count) throws Exception {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < count; i++) {
      HttpResponse<String> response = gateway.get(host, "/");
      assertThat(response.statusCode()).isEqualTo(200);
      names.add(response.body());
    }
    return names;
  }

  @Test
  void anEndpointFailingItsChecksGetsNoTrafficUntilItPassesAgain() {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(answers(30)).containsExactly("east"));
    // Both were checked, with Contour's default Host header.
    assertThat(checkHosts).containsKeys("east", "west");
    assertThat(List.of(checkHosts.get("east"), checkHosts.get("west")))
        .allSatisfy(hosts -> assertThat(hosts).containsExactly("contour-envoy-healthcheck"));

    westHealthy.set(true);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(answers(30)).containsExactlyInAnyOrder("east", "west"));

    westHealthy.set(false);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(answers(30)).containsExactly("east"));
    assertThat(gateway.metrics().scrape())
        .doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
  }

  @Test
  void aHealthPortTakesTheChecksAndDecidesWhoGetsTraffic() {
    // West's traffic port would pass, but its health port fails: it gets no request.
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(answers(SPLIT, 30)).containsExactly("split-east"));
    assertThat(checkHosts).containsKeys("split-east-health", "split-west-health");
    assertThat(checkHosts).doesNotContainKeys("split-east", "split-west");
  }

  @Test
  void expectedStatusesDecideWhatPasses() {
    // West answers 503 on its health path: out for the default statuses, in for 200..599.
    westHealthy.set(false);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(answers(TOLERANT, 30)).containsExactlyInAnyOrder("east", "west");
              assertThat(answers(HOST, 30)).containsExactly("east");
            });
  }

  @Test
  void anInvalidPolicyIsReportedAndLeftOutWhileTheOtherProxyServes() {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(answers(5)).contains("east"));
    assertThat(gateway.verdicts())
        .filteredOn(v -> v.name().equals("broken"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.valid()).isFalse();
              assertThat(v.errors())
                  .extracting(e -> e.type() + "/" + e.reason() + ": " + e.message())
                  .containsExactly(
                      "RouteError/HealthCheckPolicyInvalid: spec.routes[0].healthCheckPolicy"
                          + ".intervalSeconds: -1 is outside 1..86400 (0 or unset: 5)");
            });
    assertThat(gateway.verdicts())
        .filteredOn(v -> v.name().equals("checked"))
        .singleElement()
        .satisfies(v -> assertThat(v.valid()).isTrue());
  }
}
