package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.contour.CORSPolicy;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.xds.model.ProxyVerdict;
import dev.gantry.xds.server.XdsMetrics;
import dev.gantry.xds.server.XdsServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
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
 * A virtual host's CORS policy through a real Envoy: preflights are answered by Envoy for allowed
 * origins only, and responses to allowed origins carry the CORS headers. Backend on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorsIT {
  private static final String HOST = "cors.example.com";
  private static final String PLAIN = "plain.example.com";
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<List<ProxyVerdict>> verdicts = new AtomicReference<>(List.of());
  private final HttpClient http = HttpClient.newHttpClient();
  private Backends backends;
  private XdsServer server;
  private Envoy envoy;
  private int port;

  @BeforeAll
  void start() throws Exception {
    backends = new Backends();
    int backend = backends.start("app");
    server = new XdsServer(new InetSocketAddress("127.0.0.1", 0), metrics).start();
    port = Ports.freeLoopbackPort();
    CORSPolicy cors = new CORSPolicy();
    cors.setAllowOrigin(
        new ArrayList<>(List.of("https://app.example.com", "https://.*\\.trusted\\.test")));
    cors.setAllowMethods(new ArrayList<>(List.of("GET", "PUT")));
    cors.setAllowHeaders(new ArrayList<>(List.of("x-token")));
    cors.setExposeHeaders(new ArrayList<>(List.of("x-total")));
    cors.setMaxAge("10m");
    cors.setAllowCredentials(true);
    HTTPProxy withCors =
        Fixtures.proxy("demo/cors")
            .fqdn(HOST)
            .spec(s -> s.getVirtualhost().setCorsPolicy(cors))
            .route("/", "app", 80, null)
            .build();
    HTTPProxy without =
        Fixtures.proxy("demo/plain").fqdn(PLAIN).route("/", "app", 80, null).build();
    Fixtures.publishing(
        executor,
        server,
        metrics,
        port,
        verdicts::set,
        List.of(withCors, without),
        new FederationSnapshot(
            Map.of(
                ServiceName.of("demo", "app"),
                Fixtures.service("demo/app")
                    .port("http", 80)
                    .cluster("east", 0, 1, "http", "127.0.0.1:" + backend)
                    .build()),
            Map.of()));
    envoy =
        Envoy.start(
            "envoy-cors",
            Envoy.adsBootstrap("envoy-cors", "GRPC", server.port()),
            Testbed.workDirectory().resolve("cors-" + System.nanoTime()));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> send(HOST, "GET", null).statusCode() == 200);
  }

  @AfterAll
  void stop() {
    envoy.close();
    server.close();
    executor.shutdownNow();
    backends.close();
  }

  private HttpResponse<String> send(String host, String method, String origin, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/items"))
            .header("Host", host)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5));
    if (origin != null) {
      request.header("Origin", origin);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> preflight(String host, String origin) throws Exception {
    return send(
        host,
        "OPTIONS",
        origin,
        "Access-Control-Request-Method",
        "PUT",
        "Access-Control-Request-Headers",
        "x-token");
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredByEnvoy() throws Exception {
    assertThat(verdicts.get()).allSatisfy(v -> assertThat(v.valid()).isTrue());
    for (String origin : List.of("https://app.example.com", "https://eu.trusted.test")) {
      HttpResponse<String> response = preflight(HOST, origin);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue(origin);
      assertThat(response.headers().firstValue("access-control-allow-methods")).hasValue("GET,PUT");
      assertThat(response.headers().firstValue("access-control-allow-headers")).hasValue("x-token");
      assertThat(response.headers().firstValue("access-control-max-age")).hasValue("600");
      assertThat(response.headers().firstValue("access-control-allow-credentials"))
          .hasValue("true");
      assertThat(response.body()).as("Envoy answers, not the backend").isEmpty();
    }
  }

  @Test
  void otherOriginsAndHostsWithoutAPolicyGetNoCorsHeaders() throws Exception {
    HttpResponse<String> foreign = preflight(HOST, "https://evil.example.org");
    assertThat(foreign.headers().firstValue("access-control-allow-origin")).isEmpty();
    HttpResponse<String> plain = preflight(PLAIN, "https://app.example.com");
    assertThat(plain.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void aResponseToAnAllowedOriginExposesHeaders() throws Exception {
    HttpResponse<String> response = send(HOST, "GET", "https://app.example.com");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("app");
    assertThat(response.headers().firstValue("access-control-allow-origin"))
        .hasValue("https://app.example.com");
    assertThat(response.headers().firstValue("access-control-expose-headers")).hasValue("x-total");
  }
}
