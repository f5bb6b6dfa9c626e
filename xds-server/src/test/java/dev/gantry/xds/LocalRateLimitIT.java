package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.RateLimitPolicy;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Local rate limits through a real Envoy: the virtual host's bucket lets its requests through and
 * refuses the next with 429; a route's own bucket replaces it, with its own status and headers.
 * Buckets per hour, so that no refill happens during the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalRateLimitIT {
  private static final String HOST = "limited.example.com";
  private final Backends backends = new Backends();
  private LoopbackGateway gateway;

  @BeforeAll
  void start() throws Exception {
    gateway = LoopbackGateway.serving("envoy-ratelimit", proxy(), backends);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> gateway.get(HOST, "/ready").statusCode() == 200);
  }

  private static RateLimitPolicy perHour(long requests, Integer status, String header) {
    RateLimitPolicy.Local local = new RateLimitPolicy.Local();
    local.setRequests(requests);
    local.setUnit("hour");
    local.setResponseStatusCode(status);
    if (header != null) {
      local.setResponseHeadersToAdd(
          new ArrayList<>(List.of(new HTTPProxySpec.HeaderValue(header, "yes"))));
    }
    RateLimitPolicy policy = new RateLimitPolicy();
    policy.setLocal(local);
    return policy;
  }

  private static HTTPProxy proxy() {
    return Fixtures.proxy("demo/limited")
        .fqdn(HOST)
        .spec(s -> s.getVirtualhost().setRateLimitPolicy(perHour(3, null, null)))
        .route("/ready", "web", 80, null)
        .lastRoute(r -> r.setRateLimitPolicy(perHour(1_000_000, null, null)))
        .route("/strict", "web", 80, null)
        .lastRoute(r -> r.setRateLimitPolicy(perHour(1, 503, "x-limited")))
        .route("/", "web", 80, null)
        .build();
  }

  @AfterAll
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    backends.close();
  }

  @Test
  void theVirtualHostsBucketRefusesWhatExceedsIt() throws Exception {
    assertThat(gateway.verdicts()).singleElement().satisfies(v -> assertThat(v.valid()).isTrue());
    for (int i = 0; i < 3; i++) {
      assertThat(gateway.get(HOST, "/a").statusCode()).as("request %d", i + 1).isEqualTo(200);
    }
    HttpResponse<String> refused = gateway.get(HOST, "/b");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.body()).doesNotContain("backend");
  }

  @Test
  void aRoutesOwnBucketReplacesTheHostsWithItsStatusAndHeaders() throws Exception {
    assertThat(gateway.get(HOST, "/strict").statusCode()).isEqualTo(200);
    HttpResponse<String> refused = gateway.get(HOST, "/strict");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("x-limited")).hasValue("yes");
  }
}
