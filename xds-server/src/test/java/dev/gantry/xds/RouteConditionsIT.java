package dev.gantry.xds;

import static dev.gantry.xds.Fixtures.exact;
import static dev.gantry.xds.Fixtures.header;
import static dev.gantry.xds.Fixtures.prefix;
import static dev.gantry.xds.Fixtures.query;
import static dev.gantry.xds.Fixtures.regex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.server.XdsServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Path, header and query conditions of HTTPProxy routes through a real Envoy: each backend answers
 * with its name, so a response shows which route a request took. No apiserver is involved, so the
 * backends are on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteConditionsIT {
  private static final String HOST = "match.example.com";
  private final Backends backends = new Backends();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<List<ProxyVerdict>> verdicts = new AtomicReference<>(List.of());
  private final HttpClient http = HttpClient.newHttpClient();
  private XdsServer server;
  private Envoy envoy;
  private int port;

  @BeforeAll
  void start() {
    Map<ServiceName, FederatedService> services = new HashMap<>();
    for (String name :
        List.of("root", "healthz", "versioned", "canary", "firefox", "not-prod", "debug", "rc")) {
      int backend = backends.start(name);
      services.put(
          ServiceName.of("demo", name),
          Fixtures.service("demo/" + name)
              .port("http", 80)
              .cluster("east", 0, 1, "http", "127.0.0.1:" + backend)
              .build());
    }
    server = new XdsServer(new InetSocketAddress("127.0.0.1", 0), metrics, null).start();
    port = Ports.freeLoopbackPort();
    Fixtures.publishing(
        executor,
        server,
        metrics,
        port,
        verdicts::set,
        List.of(
            Fixtures.proxy("demo/match")
                .fqdn(HOST)
                .routeWhen(List.of(prefix("/")), "root", 80, null)
                .routeWhen(List.of(exact("/healthz")), "healthz", 80, null)
                .routeWhen(List.of(regex("/v[0-9]+/.*")), "versioned", 80, null)
                .routeWhen(
                    List.of(prefix("/app"), header("x-canary", h -> h.setPresent(true))),
                    "canary",
                    80,
                    null)
                .routeWhen(
                    List.of(
                        prefix("/app"),
                        header(
                            "user-agent",
                            h -> {
                              h.setExact("firefox");
                              h.setIgnoreCase(true);
                            })),
                    "firefox",
                    80,
                    null)
                .routeWhen(
                    List.of(prefix("/env"), header("x-env", h -> h.setNotexact("prod"))),
                    "not-prod",
                    80,
                    null)
                .routeWhen(
                    List.of(prefix("/q"), query("debug", q -> q.setPresent(true))),
                    "debug",
                    80,
                    null)
                .routeWhen(
                    List.of(prefix("/q"), query("version", q -> q.setSuffix("-rc"))),
                    "rc",
                    80,
                    null)
                .build()),
        new FederationSnapshot(services, Map.of()));
    envoy =
        Envoy.start(
            "envoy-conditions",
            Envoy.adsBootstrap("envoy-conditions", "GRPC", server.port()),
            Testbed.workDirectory().resolve("conditions-" + System.nanoTime()));
  }

  @AfterAll
  void stop() {
    envoy.close();
    server.close();
    executor.shutdownNow();
    backends.close();
  }

  private String get(String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .header("Host", HOST)
            .timeout(Duration.ofSeconds(5));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? r.body() : "status-" + r.statusCode();
  }

  @Test
  void requestsTakeTheRouteTheirPathHeadersAndQueryMatch() throws Exception {
    await().ignoreExceptions().atMost(Duration.ofSeconds(30)).until(() -> get("/").equals("root"));
    assertThat(verdicts.get()).singleElement().satisfies(v -> assertThat(v.valid()).isTrue());

    assertThat(get("/healthz")).isEqualTo("healthz");
    assertThat(get("/healthz/more")).as("exact is exact").isEqualTo("root");
    assertThat(get("/v2/users")).isEqualTo("versioned");
    assertThat(get("/vx/users")).isEqualTo("root");
    assertThat(get("/app", "X-Canary", "1")).isEqualTo("canary");
    assertThat(get("/app", "User-Agent", "FireFox")).as("ignoreCase").isEqualTo("firefox");
    assertThat(get("/app", "User-Agent", "curl")).isEqualTo("root");
    assertThat(get("/env", "X-Env", "staging")).isEqualTo("not-prod");
    assertThat(get("/env", "X-Env", "prod")).isEqualTo("root");
    // As in Contour (treatMissingAsEmpty false): notexact needs the header, with another value.
    assertThat(get("/env")).as("notexact does not match a missing header").isEqualTo("root");
    assertThat(get("/q?debug")).isEqualTo("debug");
    assertThat(get("/q?version=2.0-rc")).isEqualTo("rc");
    assertThat(get("/q?version=2.0")).isEqualTo("root");
    assertThat(metrics.scrape()).doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
  }
}
