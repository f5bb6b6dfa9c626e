package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.contour.CORSPolicy;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
  private Backends backends;
  private LoopbackGateway gateway;

  @BeforeAll
  void start() throws Exception {
    backends = new Backends();
    int backend = backends.start("app");
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
    gateway =
        LoopbackGateway.start(
            "envoy-cors",
            "GRPC",
            List.of(withCors, without),
            new FederationSnapshot(
                Map.of(
                    ServiceName.of("demo", "app"),
                    Fixtures.service("demo/app")
                        .port("http", 80)
                        .cluster("east", 0, 1, "http", "127.0.0.1:" + backend)
                        .build()),
                Map.of()));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> send(HOST, "GET", null).statusCode() == 200);
  }

  @AfterAll
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    backends.close();
  }

  private HttpResponse<String> send(String host, String method, String origin, String... headers)
      throws Exception {
    String[] all = headers;
    if (origin != null) {
      all =
          java.util.stream.Stream.concat(Stream.of("Origin", origin), Stream.of(headers))
              .toArray(String[]::new);
    }
    return gateway.send(method, host, "/items", all);
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
    assertThat(gateway.verdicts()).allSatisfy(v -> assertThat(v.valid()).isTrue());
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
