package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.UpstreamValidation;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Pki;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.server.XdsServer;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
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
 * JWT verification through a real Envoy: key sets served by real HTTP and HTTPS servers on loopback
 * ({@link JwksBackend}), tokens signed in the test with their keys, HTTPS virtual hosts whose
 * providers use them, and a backend that answers with the Authorization header it got. A valid
 * token reaches the backend (forwarded with {@code forwardJWT}), a missing, expired, wrongly signed
 * token, or one of another issuer gets 401, one of another audience Envoy's 403; a route with
 * verification disabled needs none; a route requires a provider other than the default, whose key
 * set comes over HTTPS from a host name Envoy resolves; a key set is fetched only from a server
 * whose certificate the validation accepts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JwtVerificationIT {
  private static final String HOST = "jwt.test";
  private static final String WRONG_NAME = "wrongname.jwt.test";
  private static final String MAIN_ISSUER = "https://issuer.jwt.test";
  private static final String OTHER_ISSUER = "https://other.jwt.test";
  private static final String AUDIENCE = "gantry";

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<List<ProxyVerdict>> verdicts = new AtomicReference<>(List.of());
  private final int httpPort = Ports.freeLoopbackPort();
  private final int httpsPort = Ports.freeLoopbackPort();
  private JwksBackend main;
  private JwksBackend other;
  private JwksBackend stranger;
  private HttpServer web;
  private XdsServer server;
  private Envoy envoy;

  @BeforeAll
  void start() throws IOException {
    main = JwksBackend.start("main");
    Pki authority = Pki.newAuthority("jwks");
    other = JwksBackend.startTls("other", authority.servingCertificate("jwks").sslContext());
    // Never served: its key signs tokens that no key set knows.
    stranger = JwksBackend.start("main");
    web = echoAuthorization();
    FederatedService webService =
        Fixtures.service("demo/web")
            .port("http", 80)
            .cluster("east", 0, 1, "http", "127.0.0.1:" + web.getAddress().getPort())
            .build();
    Map<String, Secret> secrets =
        Map.of(
            "demo/serving",
            TestCertificates.tlsSecret(
                "demo/serving", TestCertificates.rsa(HOST, HOST, WRONG_NAME)),
            "demo/jwks-ca",
            TestCertificates.secret(
                "demo/jwks-ca", "Opaque", Map.of("ca.crt", Pki.pem(authority.caCertificate()))));
    List<HTTPProxy> proxies =
        List.of(
            terminated(HOST)
                .jwtProvider(
                    "main",
                    main.uri(),
                    p -> {
                      p.setDefault(true);
                      p.setIssuer(MAIN_ISSUER);
                      p.setAudiences(List.of(AUDIENCE, "other-audience"));
                      p.setForwardJWT(true);
                    })
                .jwtProvider(
                    "other",
                    // A host name: Envoy resolves it (IPv4 only, where the server listens) and
                    // sends it as the server name.
                    "https://localhost:" + other.port() + JwksBackend.PATH,
                    p -> {
                      p.setIssuer(OTHER_ISSUER);
                      p.getRemoteJWKS().setTimeout("2s");
                      p.getRemoteJWKS().setDnsLookupFamily("v4");
                      p.getRemoteJWKS().setValidation(validation("localhost"));
                    })
                .route("/open", "web", 80, null)
                .jwtPolicy(null, true)
                .route("/other", "web", 80, null)
                .jwtPolicy("other", null)
                .build(),
            terminated(WRONG_NAME)
                .jwtProvider(
                    "other",
                    other.uri(),
                    p -> {
                      p.setDefault(true);
                      p.setIssuer(OTHER_ISSUER);
                      p.getRemoteJWKS().setValidation(validation("not-the-server.test"));
                    })
                .build());
    server = new XdsServer(new InetSocketAddress("127.0.0.1", 0), metrics, null).start();
    Fixtures.publishing(
        executor,
        server,
        metrics,
        httpPort,
        httpsPort,
        verdicts::set,
        proxies,
        new FederationSnapshot(Map.of(webService.name(), webService), Map.of()),
        secrets);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(verdicts.get())
                    .hasSize(proxies.size())
                    .allSatisfy(v -> assertThat(v.currentStatus()).as(v.key()).isEqualTo("valid")));
    envoy =
        Envoy.start(
            "envoy-jwt",
            Envoy.adsBootstrap("envoy-jwt", "DELTA_GRPC", server.port()),
            Testbed.workDirectory().resolve("jwt-" + System.nanoTime()));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get(HOST, "/open").startsWith("HTTP/1.1 200"));
  }

  @AfterAll
  void stop() {
    if (envoy != null) {
      envoy.close();
    }
    if (server != null) {
      server.close();
    }
    executor.shutdownNow();
    for (JwksBackend b : new JwksBackend[] {main, other, stranger}) {
      if (b != null) {
        b.close();
      }
    }
    if (web != null) {
      web.stop(0);
    }
  }

  /** A backend answering "web authorization=<the Authorization header it got, or none>". */
  private static HttpServer echoAuthorization() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String got = exchange.getRequestHeaders().getFirst("Authorization");
          byte[] body =
              ("web authorization=" + (got == null ? "none" : got))
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    return server;
  }

  private static UpstreamValidation validation(String subjectName) {
    UpstreamValidation v = new UpstreamValidation();
    v.setCaSecret("jwks-ca");
    v.setSubjectName(subjectName);
    return v;
  }

  private static Fixtures.ProxyBuilder terminated(String fqdn) {
    return Fixtures.proxy("demo/" + fqdn.substring(0, fqdn.indexOf('.')))
        .fqdn(fqdn)
        .tls("serving", null, null)
        .route("/", "web", 80, null);
  }

  /** Claims of a token valid for an hour from {@code issuer} to {@code audience}. */
  private static Map<String, Object> claims(String issuer, Object audience) {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", "alice");
    claims.put("aud", audience);
    claims.put("iat", now);
    claims.put("exp", now + 3600);
    return claims;
  }

  private String get(String host, String path, String... headers) throws IOException {
    return TlsClient.to(httpsPort, host).get(host, path, headers);
  }

  private String bearer(String host, String path, String token) throws IOException {
    return get(host, path, "Authorization", "Bearer " + token);
  }

  @Test
  void aValidTokenReachesTheBackendWhichSeesItWithForwardJwt() throws IOException {
    String token = main.token(claims(MAIN_ISSUER, AUDIENCE));

    assertThat(bearer(HOST, "/", token))
        .startsWith("HTTP/1.1 200")
        .endsWith("web authorization=Bearer " + token);
    // One of the token's audiences is enough.
    assertThat(bearer(HOST, "/", main.token(claims(MAIN_ISSUER, List.of("x", "other-audience")))))
        .startsWith("HTTP/1.1 200");
  }

  @Test
  void aMissingExpiredForgedOrMisaddressedTokenIsRefused() throws IOException {
    assertThat(get(HOST, "/")).startsWith("HTTP/1.1 401");

    Map<String, Object> expired = claims(MAIN_ISSUER, AUDIENCE);
    expired.put("exp", Instant.now().minusSeconds(3600).getEpochSecond());
    assertThat(bearer(HOST, "/", main.token(expired))).startsWith("HTTP/1.1 401");

    // Envoy answers a verified token of another audience with 403, not 401.
    assertThat(bearer(HOST, "/", main.token(claims(MAIN_ISSUER, "someone-else"))))
        .startsWith("HTTP/1.1 403")
        .endsWith("Audiences in Jwt are not allowed");
    assertThat(bearer(HOST, "/", main.token(claims("https://evil.test", AUDIENCE))))
        .startsWith("HTTP/1.1 401");
    // Same kid and claims, another key: the signature does not verify.
    assertThat(bearer(HOST, "/", stranger.token(claims(MAIN_ISSUER, AUDIENCE))))
        .startsWith("HTTP/1.1 401");
    assertThat(bearer(HOST, "/", "not-a-token")).startsWith("HTTP/1.1 401");
  }

  @Test
  void aRouteWithVerificationDisabledNeedsNoToken() throws IOException {
    assertThat(get(HOST, "/open")).startsWith("HTTP/1.1 200").endsWith("web authorization=none");
  }

  @Test
  void aRouteRequiresItsOwnProviderWhoseKeySetIsFetchedOverVerifiedHttps() throws IOException {
    String token = other.token(claims(OTHER_ISSUER, "anyone"));

    // No audiences: any; no forwardJWT: the backend does not see the token.
    assertThat(bearer(HOST, "/other", token))
        .startsWith("HTTP/1.1 200")
        .endsWith("web authorization=none");
    assertThat(other.fetches()).isPositive();
    // The default provider's token is not this route's.
    assertThat(bearer(HOST, "/other", main.token(claims(MAIN_ISSUER, AUDIENCE))))
        .startsWith("HTTP/1.1 401");
    assertThat(get(HOST, "/other")).startsWith("HTTP/1.1 401");
    // Nor is this provider's token the default's.
    assertThat(bearer(HOST, "/", token)).startsWith("HTTP/1.1 401");
  }

  @Test
  void aKeySetServerWhoseCertificateDoesNotMatchTheValidationIsNotTrusted() throws IOException {
    int before = other.fetches();
    String token = other.token(claims(OTHER_ISSUER, "anyone"));

    assertThat(bearer(WRONG_NAME, "/", token)).startsWith("HTTP/1.1 401");
    // The handshake fails before any request reaches the server.
    assertThat(other.fetches()).isEqualTo(before);
  }

  /** Plain HTTP has no JWT filter: every route of the host answers with a redirect. */
  @Test
  void plainHttpIsRedirectedToHttps() throws Exception {
    java.net.http.HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + httpPort + "/"))
                    .header("Host", HOST)
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(301);
  }
}
