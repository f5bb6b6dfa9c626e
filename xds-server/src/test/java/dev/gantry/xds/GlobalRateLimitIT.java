package dev.gantry.xds;

import static dev.gantry.xds.GlobalRateLimitFixtures.descriptor;
import static dev.gantry.xds.GlobalRateLimitFixtures.disabled;
import static dev.gantry.xds.GlobalRateLimitFixtures.genericKey;
import static dev.gantry.xds.GlobalRateLimitFixtures.global;
import static dev.gantry.xds.GlobalRateLimitFixtures.headerValueMatch;
import static dev.gantry.xds.GlobalRateLimitFixtures.remoteAddress;
import static dev.gantry.xds.GlobalRateLimitFixtures.requestHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.contour.ExtensionService;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.testbed.Ports;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.compile.httpproxy.RateLimitService;
import dev.gantry.xds.translate.ListenerSettings;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Global rate limits through a real Envoy and a real rate limit service ({@link RateLimitBackend},
 * gRPC on loopback, allowing 3 requests per descriptor), named by the hub's rate limit service
 * setting: a virtual host's descriptor refuses the 4th request with 429 over HTTP and over TLS, a
 * route that disables its host's descriptors is not counted, a requestHeader descriptor counts per
 * header value, a requestHeaderValueMatch descriptor counts only matching requests, the client's
 * address is sent as remote_address, the domain and the X-RateLimit headers are the hub's, the
 * hub's default policy limits a host without its own; when the service is down a request is refused
 * with 500, or served with {@code --rate-limit-fail-open}. No apiserver: the ExtensionServices
 * reach the publisher as the hub's informer hands them over.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GlobalRateLimitIT {
  private static final String LIMITED = "limited.rl.test";
  private static final String SECURE = "secure.rl.test";
  private static final String OPEN = "open.rl.test";
  private static final String PLAIN = "plain.rl.test";
  private static final String DOMAIN = "gantry-it";
  private static final int LIMIT = 3;

  private final Backends backends = new Backends();
  private RateLimitBackend limits;
  private LoopbackGateway gateway;
  private LoopbackGateway failOpen;

  @BeforeAll
  void start() {
    limits = RateLimitBackend.start(LIMIT);
    int web = backends.start("web");
    FederatedService webService =
        Fixtures.service("demo/web")
            .port("http", 80)
            .cluster("east", 0, 1, "http", "127.0.0.1:" + web)
            .build();
    FederatedService limitService =
        Fixtures.service("limits/ratelimit")
            .port("grpc", 8081)
            .cluster("east", 0, 1, "grpc", "127.0.0.1:" + limits.port())
            .build();
    // Nothing listens there: a service that is down.
    FederatedService deadService =
        Fixtures.service("limits/dead")
            .port("grpc", 8081)
            .cluster("east", 0, 1, "grpc", "127.0.0.1:" + Ports.freeLoopbackPort())
            .build();
    FederationSnapshot federation =
        new FederationSnapshot(
            Map.of(
                webService.name(), webService,
                limitService.name(), limitService,
                deadService.name(), deadService),
            Map.of());
    gateway =
        LoopbackGateway.start(
            "envoy-global-ratelimit",
            "DELTA_GRPC",
            List.of(
                limited(),
                secure(),
                Fixtures.proxy("demo/plain").fqdn(PLAIN).route("/", "web", 80, null).build()),
            federation,
            Map.of(
                "demo/serving",
                TestCertificates.tlsSecret(
                    "demo/serving", TestCertificates.rsa("rl.test", SECURE))),
            ListenerSettings.contour(),
            new ProxyCompiler(
                "gantry",
                RateLimitService.parse("limits/ratelimit", DOMAIN, false, true, false)
                    .withDefaultPolicy(
                        global(descriptor(genericKey("default", "all"))).getGlobal())),
            List.of(extension("limits/ratelimit", "ratelimit")));
    failOpen =
        LoopbackGateway.start(
            "envoy-global-ratelimit-open",
            "DELTA_GRPC",
            List.of(
                Fixtures.proxy("demo/open")
                    .fqdn(OPEN)
                    .spec(
                        s ->
                            s.getVirtualhost()
                                .setRateLimitPolicy(
                                    global(descriptor(genericKey("vhost", "open")))))
                    .route("/", "web", 80, null)
                    .build()),
            federation,
            Map.of(),
            ListenerSettings.contour(),
            new ProxyCompiler(
                "gantry", RateLimitService.parse("limits/dead", DOMAIN, true, false, false)),
            List.of(extension("limits/dead", "dead")));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                gateway.get(LIMITED, "/ready").statusCode() == 200
                    && failOpen.get(OPEN, "/ready").statusCode() != 404);
  }

  @AfterAll
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (failOpen != null) {
      failOpen.close();
    }
    if (limits != null) {
      limits.close();
    }
    backends.close();
  }

  /** An ExtensionService over clear-text gRPC that waits up to 2 s for an answer. */
  private static ExtensionService extension(String key, String service) {
    ExtensionService e = Fixtures.extension(key, service, 8081, "h2c");
    HTTPProxySpec.TimeoutPolicy timeouts = new HTTPProxySpec.TimeoutPolicy();
    timeouts.setResponse("2s");
    e.getSpec().setTimeoutPolicy(timeouts);
    return e;
  }

  private static HTTPProxy limited() {
    return Fixtures.proxy("demo/limited")
        .fqdn(LIMITED)
        .spec(
            s ->
                s.getVirtualhost()
                    .setRateLimitPolicy(global(descriptor(genericKey("vhost", "limited")))))
        .route("/ready", "web", 80, null)
        .lastRoute(r -> r.setRateLimitPolicy(disabled()))
        .route("/free", "web", 80, null)
        .lastRoute(r -> r.setRateLimitPolicy(disabled()))
        .route("/user", "web", 80, null)
        .lastRoute(r -> r.setRateLimitPolicy(global(descriptor(requestHeader("x-user", "user")))))
        .route("/tier", "web", 80, null)
        .lastRoute(
            r ->
                r.setRateLimitPolicy(
                    global(descriptor(headerValueMatch("gold", null, "x-tier", "gold")))))
        .route("/address", "web", 80, null)
        .lastRoute(r -> r.setRateLimitPolicy(global(descriptor(remoteAddress()))))
        .route("/down", "web", 80, null)
        .lastRoute(r -> r.setRateLimitPolicy(global(descriptor(genericKey(null, "down")))))
        .route("/", "web", 80, null)
        .build();
  }

  private static HTTPProxy secure() {
    return Fixtures.proxy("demo/secure")
        .fqdn(SECURE)
        .tls("serving", null, null)
        .spec(
            s ->
                s.getVirtualhost()
                    .setRateLimitPolicy(global(descriptor(genericKey("vhost", "secure")))))
        .route("/", "web", 80, null)
        .build();
  }

  @Test
  void theVirtualHostsDescriptorRefusesTheRequestOverTheLimit() throws Exception {
    assertThat(gateway.verdicts()).allSatisfy(v -> assertThat(v.valid()).as(v.key()).isTrue());
    for (int i = 0; i < LIMIT; i++) {
      HttpResponse<String> served = gateway.get(LIMITED, "/a");
      assertThat(served.statusCode()).as("request %d", i + 1).isEqualTo(200);
      assertThat(served.body()).isEqualTo("web");
      // --rate-limit-enable-x-ratelimit-headers: the service's limit reaches the client.
      assertThat(served.headers().firstValue("x-ratelimit-limit"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("3"));
    }
    HttpResponse<String> refused = gateway.get(LIMITED, "/b");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.body()).doesNotContain("web");
    assertThat(limits.count("vhost=limited")).isEqualTo(LIMIT + 1);
    assertThat(limits.domains()).containsOnly(DOMAIN);
  }

  @Test
  void theHubsDefaultPolicyLimitsAHostWithoutItsOwn() throws Exception {
    for (int i = 0; i < LIMIT; i++) {
      assertThat(gateway.get(PLAIN, "/").statusCode()).as("request %d", i + 1).isEqualTo(200);
    }
    assertThat(gateway.get(PLAIN, "/").statusCode()).isEqualTo(429);
    assertThat(limits.count("default=all")).isEqualTo(LIMIT + 1);
  }

  @Test
  void overTlsTheVirtualHostsDescriptorRefusesTheRequestOverTheLimit() throws Exception {
    TlsClient client = TlsClient.to(gateway.httpsPort(), SECURE);
    for (int i = 0; i < LIMIT; i++) {
      assertThat(client.get(SECURE, "/")).as("request %d", i + 1).startsWith("HTTP/1.1 200");
    }
    assertThat(client.get(SECURE, "/")).startsWith("HTTP/1.1 429");
    assertThat(limits.count("vhost=secure")).isEqualTo(LIMIT + 1);
  }

  @Test
  void aRouteThatDisablesTheHostsDescriptorsIsNotCounted() throws Exception {
    int before = limits.descriptors().size();
    for (int i = 0; i < LIMIT + 2; i++) {
      assertThat(gateway.get(LIMITED, "/free").statusCode()).as("request %d", i + 1).isEqualTo(200);
    }
    assertThat(limits.descriptors()).hasSize(before);
  }

  @Test
  void aRequestHeaderDescriptorCountsEachValueApart() throws Exception {
    int host = limits.count("vhost=limited");
    for (int i = 0; i < LIMIT; i++) {
      assertThat(gateway.get(LIMITED, "/user", "x-user", "alice").statusCode()).isEqualTo(200);
    }
    assertThat(gateway.get(LIMITED, "/user", "x-user", "alice").statusCode()).isEqualTo(429);
    assertThat(gateway.get(LIMITED, "/user", "x-user", "bob").statusCode()).isEqualTo(200);
    // The route's own descriptors replace its host's, as Envoy and Contour have it.
    assertThat(limits.descriptors()).contains("user=alice", "user=bob");
    assertThat(limits.count("vhost=limited")).isEqualTo(host);
    assertThat(limits.count("user=alice")).isEqualTo(LIMIT + 1);
  }

  @Test
  void aHeaderValueMatchDescriptorCountsOnlyMatchingRequests() throws Exception {
    for (int i = 0; i < LIMIT; i++) {
      assertThat(gateway.get(LIMITED, "/tier", "x-tier", "gold").statusCode()).isEqualTo(200);
    }
    assertThat(gateway.get(LIMITED, "/tier", "x-tier", "gold").statusCode()).isEqualTo(429);
    for (int i = 0; i < LIMIT + 1; i++) {
      assertThat(gateway.get(LIMITED, "/tier", "x-tier", "silver").statusCode()).isEqualTo(200);
    }
    assertThat(limits.count("header_match=gold")).isEqualTo(LIMIT + 1);
  }

  @Test
  void theClientsAddressIsSentAsRemoteAddress() throws Exception {
    assertThat(gateway.get(LIMITED, "/address").statusCode()).isEqualTo(200);
    assertThat(limits.descriptors()).contains("remote_address=127.0.0.1");
  }

  @Test
  void whenTheServiceIsDownRequestsAreServedOnlyWithFailOpen() throws Exception {
    for (int i = 0; i < LIMIT + 1; i++) {
      HttpResponse<String> served = failOpen.get(OPEN, "/");
      assertThat(served.statusCode()).as("request %d", i + 1).isEqualTo(200);
      assertThat(served.body()).isEqualTo("web");
    }
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void whenTheServiceIsDownRequestsAreRefusedByDefault() throws Exception {
    assertThat(gateway.get(LIMITED, "/down").statusCode()).isEqualTo(200);
    limits.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(gateway.get(LIMITED, "/down").statusCode()).isEqualTo(500));
    // A route that is not counted is still served.
    assertThat(gateway.get(LIMITED, "/free").statusCode()).isEqualTo(200);
  }
}
