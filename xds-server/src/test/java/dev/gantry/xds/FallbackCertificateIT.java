package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.server.XdsServer;
import dev.gantry.xds.translate.ListenerSettings;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
 * HTTPProxy {@code tls.enableFallbackCertificate} through a real Envoy with real TLS clients: a
 * client that sends no SNI, or an SNI naming no host, is served the hub's fallback certificate and
 * reaches the routes of the hosts that enabled it by the Host header; a host that did not enable it
 * is not reachable that way (404), nor one refused for combining it with client validation; a
 * client with a host's SNI still gets that host's own certificate. No apiserver is involved, so the
 * backend is on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FallbackCertificateIT {
  private static final String FALLBACK = "fb.fallback.test";
  private static final String OTHER_FALLBACK = "fb2.fallback.test";
  private static final String SNI_ONLY = "sni.fallback.test";
  private static final String VALIDATING = "validating.fallback.test";

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<List<ProxyVerdict>> verdicts = new AtomicReference<>(List.of());
  private final int httpPort = Ports.freeLoopbackPort();
  private final int httpsPort = Ports.freeLoopbackPort();
  private final TestCertificates.Issued serving =
      TestCertificates.rsa("hosts", FALLBACK, OTHER_FALLBACK, SNI_ONLY, VALIDATING);
  private final TestCertificates.Issued fallback = TestCertificates.rsa("fallback certificate");
  private final TestCertificates.Issued ca = TestCertificates.authority("client ca");

  private HttpServer backend;
  private XdsServer server;
  private Envoy envoy;

  @BeforeAll
  void start() throws IOException {
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.createContext(
        "/",
        exchange -> {
          byte[] body =
              ("host=" + exchange.getRequestHeaders().getFirst("Host"))
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    backend.start();
    FederatedService web =
        Fixtures.service("demo/web")
            .port("http", 80)
            .cluster("east", 0, 1, "http", "127.0.0.1:" + backend.getAddress().getPort())
            .build();
    Map<String, Secret> secrets =
        Map.of(
            "demo/serving", TestCertificates.tlsSecret("demo/serving", serving),
            "demo/fallback", TestCertificates.tlsSecret("demo/fallback", fallback),
            "demo/client-ca", TestCertificates.caSecret("demo/client-ca", ca));
    List<HTTPProxy> proxies =
        List.of(
            host(FALLBACK).fallbackCertificate().route("/", "web", 80, null).build(),
            host(OTHER_FALLBACK).fallbackCertificate().route("/", "web", 80, null).build(),
            host(SNI_ONLY).route("/", "web", 80, null).build(),
            host(VALIDATING)
                .fallbackCertificate()
                .clientValidation(v -> v.setCaSecret("client-ca"))
                .route("/", "web", 80, null)
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
        new FederationSnapshot(Map.of(web.name(), web), Map.of()),
        secrets,
        ListenerSettings.contour(),
        new ProxyCompiler("gantry", "demo/fallback"));
    await().atMost(Duration.ofSeconds(10)).until(() -> verdicts.get().size() == proxies.size());
    envoy =
        Envoy.start(
            "envoy-fallback",
            Envoy.adsBootstrap("envoy-fallback", "DELTA_GRPC", server.port()),
            Testbed.workDirectory().resolve("fallback-" + System.nanoTime()));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> TlsClient.withoutSni(httpsPort).get(FALLBACK, "/").startsWith("HTTP/1.1 200"));
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
    if (backend != null) {
      backend.stop(0);
    }
  }

  private static Fixtures.ProxyBuilder host(String fqdn) {
    return Fixtures.proxy("demo/" + fqdn.substring(0, fqdn.indexOf('.')))
        .fqdn(fqdn)
        .tls("serving", null, null);
  }

  private static String commonName(java.security.cert.X509Certificate c) {
    return c.getSubjectX500Principal().getName();
  }

  @Test
  void aClientWithoutSniGetsTheFallbackCertificateAndReachesTheHostsThatEnabledIt()
      throws Exception {
    TlsClient client = TlsClient.withoutSni(httpsPort);

    assertThat(commonName(client.presented())).isEqualTo("CN=fallback certificate");
    assertThat(client.get(FALLBACK, "/")).startsWith("HTTP/1.1 200").endsWith("host=" + FALLBACK);
    assertThat(client.get(OTHER_FALLBACK, "/"))
        .startsWith("HTTP/1.1 200")
        .endsWith("host=" + OTHER_FALLBACK);
  }

  @Test
  void anSniNamingNoHostIsServedAsNoSniIs() throws Exception {
    TlsClient client = TlsClient.to(httpsPort, "unknown.fallback.test");

    assertThat(commonName(client.presented())).isEqualTo("CN=fallback certificate");
    assertThat(client.get(FALLBACK, "/")).startsWith("HTTP/1.1 200").endsWith("host=" + FALLBACK);
  }

  @Test
  void aHostThatDidNotEnableItIsNotReachableWithoutItsSni() throws Exception {
    assertThat(TlsClient.withoutSni(httpsPort).get(SNI_ONLY, "/")).startsWith("HTTP/1.1 404");
    // By its SNI it is served as always, with its own certificate.
    TlsClient own = TlsClient.to(httpsPort, SNI_ONLY);
    assertThat(commonName(own.presented())).isEqualTo("CN=hosts");
    assertThat(own.get(SNI_ONLY, "/")).startsWith("HTTP/1.1 200").endsWith("host=" + SNI_ONLY);
  }

  @Test
  void aHostThatEnabledItIsServedWithItsOwnCertificateByItsSni() throws Exception {
    TlsClient own = TlsClient.to(httpsPort, FALLBACK);

    assertThat(commonName(own.presented())).isEqualTo("CN=hosts");
    assertThat(own.get(FALLBACK, "/")).startsWith("HTTP/1.1 200");
    // Its own chain still refuses a request for another host.
    assertThat(own.get(OTHER_FALLBACK, "/")).startsWith("HTTP/1.1 421");
  }

  @Test
  void fallbackWithClientValidationIsRefusedAndNotReachableWithoutACertificate() throws Exception {
    assertThat(verdicts.get())
        .filteredOn(v -> v.key().equals("demo/validating"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.currentStatus()).isEqualTo(ProxyVerdict.INVALID);
              assertThat(v.errors())
                  .extracting(ProxyVerdict.Error::reason)
                  .containsExactly("TLSIncompatibleFeatures");
            });
    assertThat(verdicts.get())
        .filteredOn(v -> !v.key().equals("demo/validating"))
        .allSatisfy(v -> assertThat(v.currentStatus()).as(v.key()).isEqualTo("valid"));
    assertThat(TlsClient.withoutSni(httpsPort).get(VALIDATING, "/")).startsWith("HTTP/1.1 404");
  }
}
