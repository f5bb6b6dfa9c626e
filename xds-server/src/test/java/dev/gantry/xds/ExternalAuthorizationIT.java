package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.contour.ExtensionService;
import dev.gantry.api.crd.contour.ExtensionServiceSpec;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.UpstreamValidation;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.NetworkNamespace;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.publish.XdsPublisher;
import dev.gantry.xds.server.XdsServer;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
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
 * External authorization through a real Envoy: a real gRPC authorization server on loopback ({@link
 * AuthorizationBackend}) named by ExtensionServices, HTTPS virtual hosts that use it, and a backend
 * behind them. An allowed request reaches the backend, a denied one gets the server's 403, a route
 * with {@code authPolicy.disabled} is not checked, the host's and route's contexts reach the server
 * merged, a server that does not answer refuses requests unless {@code failOpen}, and {@code
 * responseTimeout} bounds the wait. An ExtensionService naming two Services (servers in two network
 * namespaces) spreads the checks over both, or by their weights. No apiserver: the
 * ExtensionServices reach the publisher as the hub's informer hands them over.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalAuthorizationIT {
  private static final String CHECKED = "checked.authz.test";
  private static final String FAIL_OPEN = "failopen.authz.test";
  private static final String FAIL_CLOSED = "failclosed.authz.test";
  private static final String TIMEOUT = "timeout.authz.test";
  private static final String VERIFIED = "verified.authz.test";
  private static final String WRONG_NAME = "wrongname.authz.test";
  private static final String SERVER_NAME = "authz.auth.test";
  private static final String SPREAD = "spread.authz.test";
  private static final String WEIGHTED = "weighted.authz.test";

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<List<ProxyVerdict>> verdicts = new AtomicReference<>(List.of());
  private final int httpPort = Ports.freeLoopbackPort();
  private final int httpsPort = Ports.freeLoopbackPort();
  private final Backends backends = new Backends();
  private AuthorizationBackend authorization;
  private AuthorizationBackend tlsAuthorization;
  private NetworkNamespace oneNamespace;
  private NetworkNamespace twoNamespace;
  private AuthorizationBackend one;
  private AuthorizationBackend two;
  private XdsServer server;
  private Envoy envoy;

  @BeforeAll
  void start() throws IOException {
    authorization = AuthorizationBackend.start();
    // Two servers of one ExtensionService, each at the root end of its own network namespace.
    oneNamespace = NetworkNamespace.create();
    twoNamespace = NetworkNamespace.create();
    one = AuthorizationBackend.start(oneNamespace.hostAddress());
    two = AuthorizationBackend.start(twoNamespace.hostAddress());
    FederatedService oneService =
        Fixtures.service("auth/authz-one")
            .port("grpc", 9000)
            .cluster("east", 0, 1, "grpc", oneNamespace.hostAddress() + ":" + one.port())
            .build();
    FederatedService twoService =
        Fixtures.service("auth/authz-two")
            .port("grpc", 9000)
            .cluster("east", 0, 1, "grpc", twoNamespace.hostAddress() + ":" + two.port())
            .build();
    TestCertificates.Issued ca = TestCertificates.authority("authz ca");
    tlsAuthorization =
        AuthorizationBackend.startTls(TestCertificates.signed(ca, SERVER_NAME, SERVER_NAME));
    FederatedService tlsService =
        Fixtures.service("auth/tls-authz")
            .port("grpc", 9000)
            .cluster("east", 0, 1, "grpc", "127.0.0.1:" + tlsAuthorization.port())
            .build();
    int web = backends.start("web");
    FederatedService webService =
        Fixtures.service("demo/web")
            .port("http", 80)
            .cluster("east", 0, 1, "http", "127.0.0.1:" + web)
            .build();
    FederatedService authService =
        Fixtures.service("auth/authz")
            .port("grpc", 9000)
            .cluster("east", 0, 1, "grpc", "127.0.0.1:" + authorization.port())
            .build();
    // Nothing listens there: a server that never answers.
    FederatedService deadService =
        Fixtures.service("auth/dead")
            .port("grpc", 9000)
            .cluster("east", 0, 1, "grpc", "127.0.0.1:" + Ports.freeLoopbackPort())
            .build();
    Map<String, Secret> secrets =
        Map.of(
            "demo/serving",
            TestCertificates.tlsSecret(
                "demo/serving",
                TestCertificates.rsa(
                    "authz.test",
                    CHECKED,
                    FAIL_OPEN,
                    FAIL_CLOSED,
                    TIMEOUT,
                    VERIFIED,
                    WRONG_NAME,
                    SPREAD,
                    WEIGHTED)),
            "auth/ca",
            TestCertificates.caSecret("auth/ca", ca));
    List<HTTPProxy> proxies =
        List.of(
            terminated(CHECKED)
                .authorization("auth/authz", Map.of("host", CHECKED, "tier", "vhost"), a -> {})
                .route("/open", "web", 80, null)
                .authPolicy(true, Map.of())
                .route("/context", "web", 80, null)
                .authPolicy(null, Map.of("tier", "route", "route", "context"))
                .build(),
            terminated(FAIL_OPEN)
                .authorization("auth/dead", Map.of(), a -> a.setFailOpen(true))
                .build(),
            terminated(FAIL_CLOSED).authorization("auth/dead", Map.of(), a -> {}).build(),
            terminated(TIMEOUT)
                .authorization("auth/authz", Map.of(), a -> a.setResponseTimeout("300ms"))
                .build(),
            terminated(VERIFIED).authorization("auth/verified", Map.of(), a -> {}).build(),
            terminated(WRONG_NAME).authorization("auth/wrong-name", Map.of(), a -> {}).build(),
            terminated(SPREAD).authorization("auth/spread", Map.of(), a -> {}).build(),
            terminated(WEIGHTED).authorization("auth/weighted", Map.of(), a -> {}).build());
    server = new XdsServer(new InetSocketAddress("127.0.0.1", 0), metrics, null).start();
    XdsPublisher publisher =
        Fixtures.publishing(
            executor,
            server,
            metrics,
            httpPort,
            httpsPort,
            verdicts::set,
            proxies,
            new FederationSnapshot(
                Map.of(
                    webService.name(), webService,
                    authService.name(), authService,
                    deadService.name(), deadService,
                    tlsService.name(), tlsService,
                    oneService.name(), oneService,
                    twoService.name(), twoService),
                Map.of()),
            secrets);
    publisher.extensionServicesChanged(
        List.of(
            Fixtures.extension("auth/authz", "authz", 9000, "h2c"),
            Fixtures.extension("auth/dead", "dead", 9000, "h2c"),
            verified("auth/verified", SERVER_NAME),
            verified("auth/wrong-name", "other.auth.test"),
            twoServices("auth/spread", null, null),
            twoServices("auth/weighted", 100L, 0L)));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(verdicts.get())
                    .hasSize(proxies.size())
                    .allSatisfy(v -> assertThat(v.currentStatus()).as(v.key()).isEqualTo("valid")));
    envoy =
        Envoy.start(
            "envoy-ext-authz",
            Envoy.adsBootstrap("envoy-ext-authz", "DELTA_GRPC", server.port()),
            Testbed.workDirectory().resolve("ext-authz-" + System.nanoTime()));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get(CHECKED, "/", "x-auth", "allow").startsWith("HTTP/1.1 200"));
    // The first TLS handshake with the verified server can outlast Envoy's default 200 ms check
    // timeout on a busy machine: made here, so that the test's requests find the connection.
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get(VERIFIED, "/", "x-auth", "allow").startsWith("HTTP/1.1 200"));
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
    backends.close();
    if (authorization != null) {
      authorization.close();
    }
    if (tlsAuthorization != null) {
      tlsAuthorization.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {one, two, oneNamespace, twoNamespace}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing the rest matters more
      }
    }
  }

  /** An ExtensionService of the TLS server, h2 (the default), verified for {@code subjectName}. */
  private static ExtensionService verified(String key, String subjectName) {
    ExtensionService e = Fixtures.extension(key, "tls-authz", 9000, null);
    UpstreamValidation validation = new UpstreamValidation();
    validation.setCaSecret("ca");
    validation.setSubjectName(subjectName);
    e.getSpec().setUpstreamValidation(validation);
    return e;
  }

  /** An ExtensionService of both namespaced servers, with their weights (null: none). */
  private static ExtensionService twoServices(String key, Long oneWeight, Long twoWeight) {
    ExtensionService e = Fixtures.extension(key, "authz-one", 9000, "h2c");
    e.getSpec().getServices().get(0).setWeight(oneWeight);
    ExtensionServiceSpec.Target second = new ExtensionServiceSpec.Target("authz-two", 9000);
    second.setWeight(twoWeight);
    e.getSpec().getServices().add(second);
    return e;
  }

  private static Fixtures.ProxyBuilder terminated(String fqdn) {
    return Fixtures.proxy("demo/" + fqdn.substring(0, fqdn.indexOf('.')))
        .fqdn(fqdn)
        .tls("serving", null, null)
        .route("/", "web", 80, null);
  }

  private String get(String host, String path, String... headers) throws IOException {
    return TlsClient.to(httpsPort, host).get(host, path, headers);
  }

  @Test
  void anAllowedRequestReachesTheBackendAndADeniedOneGetsTheServersAnswer() throws IOException {
    String allowed = get(CHECKED, "/", "x-auth", "allow");
    assertThat(allowed).startsWith("HTTP/1.1 200").endsWith("web");

    String denied = get(CHECKED, "/", "x-auth", "deny");
    assertThat(denied).startsWith("HTTP/1.1 403").endsWith("denied");
    assertThat(get(CHECKED, "/")).startsWith("HTTP/1.1 403");
  }

  @Test
  void aRouteWithAuthorizationDisabledIsNotChecked() throws IOException {
    int before = authorization.checks();
    assertThat(get(CHECKED, "/open", "x-auth", "deny")).startsWith("HTTP/1.1 200").endsWith("web");
    assertThat(get(CHECKED, "/open")).startsWith("HTTP/1.1 200");
    assertThat(authorization.checks()).isEqualTo(before);
  }

  @Test
  void theServerGetsTheHostsContextWithTheRoutesOverIt() throws IOException {
    assertThat(get(CHECKED, "/", "x-auth", "allow"))
        .contains(AuthorizationBackend.CONTEXT + ": host=" + CHECKED + ",tier=vhost\r\n");
    assertThat(get(CHECKED, "/context", "x-auth", "allow"))
        .contains(
            AuthorizationBackend.CONTEXT + ": host=" + CHECKED + ",route=context,tier=route\r\n");
    // A denial carries the server's headers to the client too.
    assertThat(get(CHECKED, "/context", "x-auth", "deny"))
        .startsWith("HTTP/1.1 403")
        .contains(AuthorizationBackend.CONTEXT + ": host=" + CHECKED + ",route=context,tier=route");
  }

  @Test
  void aServerThatDoesNotAnswerRefusesUnlessFailOpen() throws IOException {
    assertThat(get(FAIL_OPEN, "/")).startsWith("HTTP/1.1 200").endsWith("web");
    assertThat(get(FAIL_CLOSED, "/", "x-auth", "allow")).startsWith("HTTP/1.1 403");
  }

  @Test
  void anAnswerLaterThanTheResponseTimeoutRefuses() throws IOException {
    assertThat(get(TIMEOUT, "/", "x-auth", "allow")).startsWith("HTTP/1.1 200");
    assertThat(get(TIMEOUT, "/", "x-auth", "allow", AuthorizationBackend.DELAY, "3000"))
        .startsWith("HTTP/1.1 403");
  }

  @Test
  void aServerOverTlsIsReachedWhenItsCertificateIsVerifiedAndRefusedOtherwise() throws IOException {
    int before = tlsAuthorization.checks();
    assertThat(get(VERIFIED, "/", "x-auth", "allow")).startsWith("HTTP/1.1 200").endsWith("web");
    assertThat(get(VERIFIED, "/", "x-auth", "deny")).startsWith("HTTP/1.1 403").endsWith("denied");
    assertThat(tlsAuthorization.checks()).isEqualTo(before + 2);

    // Its certificate does not name other.auth.test: Envoy cannot reach it, and refuses.
    assertThat(get(WRONG_NAME, "/", "x-auth", "allow")).startsWith("HTTP/1.1 403");
    assertThat(tlsAuthorization.checks()).isEqualTo(before + 2);
  }

  @Test
  void anExtensionServiceOfTwoServicesSpreadsChecksOverBothAndByWeight() throws IOException {
    int oneBefore = one.checks();
    int twoBefore = two.checks();
    for (int i = 0; i < 20; i++) {
      assertThat(get(SPREAD, "/", "x-auth", "allow")).startsWith("HTTP/1.1 200").endsWith("web");
    }
    assertThat(get(SPREAD, "/", "x-auth", "deny")).startsWith("HTTP/1.1 403");
    int oneSpread = one.checks() - oneBefore;
    int twoSpread = two.checks() - twoBefore;
    assertThat(oneSpread + twoSpread).isEqualTo(21);
    // No weights: even shares (Envoy's weighted round robin over the two localities).
    assertThat(oneSpread).as("checks at the first server").isBetween(5, 16);
    assertThat(twoSpread).as("checks at the second server").isBetween(5, 16);

    // Weights 100 and 0: the second server gets nothing.
    oneBefore = one.checks();
    twoBefore = two.checks();
    for (int i = 0; i < 10; i++) {
      assertThat(get(WEIGHTED, "/", "x-auth", "allow")).startsWith("HTTP/1.1 200");
    }
    assertThat(get(WEIGHTED, "/", "x-auth", "deny")).startsWith("HTTP/1.1 403");
    assertThat(one.checks() - oneBefore).isEqualTo(11);
    assertThat(two.checks() - twoBefore).isZero();
  }

  /** Plain HTTP has no authorization filter: every route of the host answers with a redirect. */
  @Test
  void plainHttpIsRedirectedToHttps() throws IOException {
    java.net.http.HttpResponse<String> response;
    try {
      response =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://127.0.0.1:" + httpPort + "/"))
                      .header("Host", CHECKED)
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    assertThat(response.statusCode()).isEqualTo(301);
  }
}
