package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.SlowStartPolicy;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A service's {@code slowStartPolicy} through a real Envoy: two services share an old endpoint; a
 * new one joins both. Within the (long) window the service with slow start sends the newcomer about
 * its minimum share (10 %), the other half of its requests, as round robin does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowStartIT {
  private static final String RAMP = "ramp.example.com";
  private static final String PLAIN = "plain.example.com";
  private static final int REQUESTS = 200;
  private static final Duration WINDOW = Duration.ofSeconds(20);

  private final Backends backends = new Backends();
  private LoopbackGateway gateway;
  private int oldPort;
  private int newPort;

  @BeforeAll
  void start() throws Exception {
    oldPort = backends.start("old");
    newPort = backends.start("new");
    SlowStartPolicy slowStart = new SlowStartPolicy();
    slowStart.setWindow(WINDOW.toSeconds() + "s");
    // A slow ramp from 1 %: the newcomer stays under 10 % for four fifths of the window.
    slowStart.setAggression("0.1");
    slowStart.setMinimumWeightPercent(1);
    HTTPProxy ramp =
        Fixtures.proxy("demo/ramp")
            .fqdn(RAMP)
            .route("/", "ramp", 80, null)
            .lastRoute(r -> r.getServices().get(0).setSlowStartPolicy(slowStart))
            .build();
    HTTPProxy plain =
        Fixtures.proxy("demo/plain").fqdn(PLAIN).route("/", "plain", 80, null).build();
    gateway =
        LoopbackGateway.start("envoy-slow-start", "DELTA_GRPC", List.of(ramp, plain), federation());
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                gateway.get(RAMP, "/").body().equals("old")
                    && gateway.get(PLAIN, "/").body().equals("old"));
    assertThat(gateway.verdicts()).allSatisfy(v -> assertThat(v.valid()).isTrue());
  }

  @AfterAll
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    backends.close();
  }

  private FederationSnapshot federation(String... endpoints) {
    FederatedService ramp = service("demo/ramp", endpoints);
    FederatedService plain = service("demo/plain", endpoints);
    return new FederationSnapshot(Map.of(ramp.name(), ramp, plain.name(), plain), Map.of());
  }

  private FederationSnapshot federation() {
    return federation("127.0.0.1:" + oldPort);
  }

  private static FederatedService service(String key, String... endpoints) {
    return Fixtures.service(key).port("http", 80).cluster("east", 0, 1, "http", endpoints).build();
  }

  private int answeredByNew(String host) throws Exception {
    int fresh = 0;
    for (int i = 0; i < REQUESTS; i++) {
      if (gateway.get(host, "/").body().equals("new")) {
        fresh++;
      }
    }
    return fresh;
  }

  @Test
  void aNewEndpointOfASlowStartServiceGetsASmallShareWhereRoundRobinGivesItHalf() throws Exception {
    // The old endpoint's own window, from the cluster's start, passes first.
    await().pollDelay(WINDOW.plusSeconds(1)).atMost(WINDOW.plusSeconds(5)).until(() -> true);
    gateway.federation(federation("127.0.0.1:" + oldPort, "127.0.0.1:" + newPort));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> gateway.get(PLAIN, "/").body().equals("new"));
    // The newcomer is in the slow start cluster too (asking it would take many requests).
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                gateway
                    .envoy()
                    .admin("/clusters")
                    .lines()
                    .anyMatch(
                        l ->
                            l.startsWith("demo/ramp/")
                                && l.contains("127.0.0.1:" + newPort + "::health_flags::healthy")));

    // The slow start cluster first, while its newcomer is young.
    int ramp = answeredByNew(RAMP);
    int plain = answeredByNew(PLAIN);

    // Round robin over two endpoints: half each. Slow start: the newcomer's weight is a few
    // percent of the old one's for the first seconds; a quarter leaves room for a slow machine.
    assertThat(plain).isBetween(REQUESTS * 2 / 5, REQUESTS * 3 / 5);
    assertThat(ramp).isLessThan(REQUESTS / 4);
  }
}
