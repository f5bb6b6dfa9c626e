package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.api.crd.contour.DownstreamValidation;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.testbed.Envoy;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * HTTPProxy client certificates ({@code tls.clientValidation}) and {@code maximumProtocolVersion}
 * through a real Envoy with real TLS clients: a certificate signed by the CA is served, none or a
 * stranger's is refused, an optional one may be left out, revocation lists refuse a revoked one
 * (for the whole chain, or the leaf only), skipping verification accepts any (and requires one only
 * with a CA), the backend reads the forwarded details in X-Forwarded-Client-Cert and never one a
 * client wrote, a request for a host other than the SNI one gets 421, and a host capped at TLS 1.2
 * refuses a TLS 1.3-only client. Certificates are made by the test; no apiserver is involved, so
 * the backend is on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientValidationIT {
  private static final String REQUIRED = "required.cv.test";
  private static final String OPTIONAL = "optional.cv.test";
  private static final String CRL = "crl.cv.test";
  private static final String LEAF_CRL = "leaf-crl.cv.test";
  private static final String CHAIN_CRL = "chain-crl.cv.test";
  private static final String SKIP = "skip.cv.test";
  private static final String SKIP_CA = "skip-ca.cv.test";
  private static final String PLAIN = "plain.cv.test";
  private static final String TLS12 = "tls12.cv.test";
  private static final String OPEN = "open.cv.test";
  private static final String WILDCARD = "*.wild.cv.test";

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<List<ProxyVerdict>> verdicts = new AtomicReference<>(List.of());
  private final int httpPort = Ports.freeLoopbackPort();
  private final int httpsPort = Ports.freeLoopbackPort();

  // A root CA signing clients directly, and an intermediate under it signing others.
  private final TestCertificates.Issued root = TestCertificates.authority("client root");
  private final TestCertificates.Issued intermediate =
      TestCertificates.intermediate(root, "client intermediate");
  private final TestCertificates.Issued good =
      TestCertificates.signed(root, "good", "spiffe://cv.test/good", "good.client.test");
  private final TestCertificates.Issued revoked = TestCertificates.signed(root, "revoked");
  private final TestCertificates.Issued leaf = TestCertificates.signed(intermediate, "leaf");
  private final TestCertificates.Issued revokedLeaf =
      TestCertificates.signed(intermediate, "revoked leaf");
  private final TestCertificates.Issued stranger =
      TestCertificates.signed(TestCertificates.authority("another ca"), "stranger");

  private HttpServer backend;
  private XdsServer server;
  private Envoy envoy;

  @BeforeAll
  void start() throws IOException {
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.createContext(
        "/",
        exchange -> {
          String xfcc = exchange.getRequestHeaders().getFirst("X-Forwarded-Client-Cert");
          byte[] body = ("xfcc=" + xfcc).getBytes(StandardCharsets.UTF_8);
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
    TestCertificates.Issued serving =
        TestCertificates.rsa(
            "cv.test", REQUIRED, OPTIONAL, CRL, LEAF_CRL, CHAIN_CRL, SKIP, SKIP_CA, PLAIN, TLS12);
    Map<String, Secret> secrets =
        Map.of(
            "demo/serving", TestCertificates.tlsSecret("demo/serving", serving),
            "demo/client-ca", TestCertificates.caSecret("demo/client-ca", root),
            "demo/root-crl",
                TestCertificates.crlSecret(
                    "demo/root-crl",
                    TestCertificates.crl(root, revoked.certificate().getSerialNumber())),
            // The intermediate's list only: the root's is missing.
            "demo/intermediate-crl",
                TestCertificates.crlSecret(
                    "demo/intermediate-crl",
                    TestCertificates.crl(
                        intermediate, revokedLeaf.certificate().getSerialNumber())));
    DownstreamValidation.ClientCertificateDetails forward =
        new DownstreamValidation.ClientCertificateDetails();
    forward.setSubject(true);
    forward.setUri(true);
    forward.setDns(true);
    List<HTTPProxy> proxies = new ArrayList<>();
    proxies.add(
        validated(
            REQUIRED,
            v -> {
              v.setCaSecret("client-ca");
              v.setForwardClientCertificate(forward);
            }));
    proxies.add(
        validated(
            OPTIONAL,
            v -> {
              v.setCaSecret("client-ca");
              v.setOptionalClientCertificate(true);
              v.setForwardClientCertificate(forward);
            }));
    proxies.add(
        validated(
            CRL,
            v -> {
              v.setCaSecret("client-ca");
              v.setCrlSecret("root-crl");
            }));
    proxies.add(
        validated(
            LEAF_CRL,
            v -> {
              v.setCaSecret("client-ca");
              v.setCrlSecret("intermediate-crl");
              v.setCrlOnlyVerifyLeafCert(true);
            }));
    proxies.add(
        validated(
            CHAIN_CRL,
            v -> {
              v.setCaSecret("client-ca");
              v.setCrlSecret("intermediate-crl");
            }));
    proxies.add(
        validated(
            SKIP,
            v -> {
              v.setSkipClientCertValidation(true);
              DownstreamValidation.ClientCertificateDetails subject =
                  new DownstreamValidation.ClientCertificateDetails();
              subject.setSubject(true);
              v.setForwardClientCertificate(subject);
            }));
    proxies.add(
        validated(
            SKIP_CA,
            v -> {
              v.setCaSecret("client-ca");
              v.setSkipClientCertValidation(true);
            }));
    proxies.add(terminated(PLAIN).build());
    proxies.add(terminated(TLS12).maximumProtocolVersion("1.2").build());
    proxies.add(
        Fixtures.proxy("demo/wild")
            .fqdn(WILDCARD)
            .tls("serving", null, null)
            .route("/", "web", 80, null)
            .build());
    proxies.add(Fixtures.proxy("demo/open").fqdn(OPEN).route("/", "web", 80, null).build());

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
            "envoy-client-validation",
            Envoy.adsBootstrap("envoy-client-validation", "DELTA_GRPC", server.port()),
            Testbed.workDirectory().resolve("client-validation-" + System.nanoTime()));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client(REQUIRED, good).get(REQUIRED, "/").startsWith("HTTP/1.1 200"));
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

  private static Fixtures.ProxyBuilder terminated(String fqdn) {
    return Fixtures.proxy("demo/" + fqdn.substring(0, fqdn.indexOf('.')))
        .fqdn(fqdn)
        .tls("serving", null, null)
        .route("/", "web", 80, null);
  }

  private static HTTPProxy validated(String fqdn, Consumer<DownstreamValidation> how) {
    return terminated(fqdn).clientValidation(how).build();
  }

  /** A client connecting with SNI {@code sni}, presenting {@code certificate} and the chain. */
  private TlsClient client(
      String sni, TestCertificates.Issued certificate, TestCertificates.Issued... chain) {
    return TlsClient.to(httpsPort, sni).presenting(TlsClient.Certificate.of(certificate, chain));
  }

  private TlsClient anonymous(String sni) {
    return TlsClient.to(httpsPort, sni);
  }

  @Test
  void aCertificateSignedByTheCaIsServedAndNoneOrAStrangersIsRefused() throws Exception {
    assertThat(client(REQUIRED, good).get(REQUIRED, "/")).startsWith("HTTP/1.1 200");

    assertThatThrownBy(() -> anonymous(REQUIRED).get(REQUIRED, "/"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> client(REQUIRED, stranger).get(REQUIRED, "/"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void anOptionalCertificateMayBeLeftOutButOnePresentedIsStillVerified() throws Exception {
    // Without a certificate there is nothing to forward, and a client cannot write its own.
    assertThat(anonymous(OPTIONAL).get(OPTIONAL, "/", "X-Forwarded-Client-Cert", "URI=admin"))
        .startsWith("HTTP/1.1 200")
        .endsWith("xfcc=null");
    assertThat(client(OPTIONAL, good).get(OPTIONAL, "/"))
        .startsWith("HTTP/1.1 200")
        .contains("Subject=\"CN=good\"");

    assertThatThrownBy(() -> client(OPTIONAL, stranger).get(OPTIONAL, "/"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aRevokedCertificateIsRefused() throws Exception {
    assertThat(client(CRL, good).get(CRL, "/")).startsWith("HTTP/1.1 200");

    assertThatThrownBy(() -> client(CRL, revoked).get(CRL, "/")).isInstanceOf(IOException.class);
  }

  @Test
  void crlOnlyVerifyLeafCertChecksTheLeafAloneWhereTheIssuersListIsMissing() throws Exception {
    // Only the intermediate's revocation list is there. Checking the leaf alone, that is enough.
    assertThat(client(LEAF_CRL, leaf, intermediate).get(LEAF_CRL, "/")).startsWith("HTTP/1.1 200");
    assertThatThrownBy(() -> client(LEAF_CRL, revokedLeaf, intermediate).get(LEAF_CRL, "/"))
        .isInstanceOf(IOException.class);

    // Checking the whole chain, the root's list is missing too, so even a good leaf is refused.
    assertThatThrownBy(() -> client(CHAIN_CRL, leaf, intermediate).get(CHAIN_CRL, "/"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void skippingVerificationAcceptsAnyCertificateAndRequiresOneOnlyWithACa() throws Exception {
    assertThat(client(SKIP, stranger).get(SKIP, "/"))
        .startsWith("HTTP/1.1 200")
        .containsPattern("xfcc=Hash=[0-9a-f]+;Subject=\"CN=stranger\"$");
    // Without a CA a certificate is asked for, not required (as Contour documents it); without
    // one there is nothing to forward, and what a client wrote is removed.
    assertThat(anonymous(SKIP).get(SKIP, "/", "X-Forwarded-Client-Cert", "Subject=\"CN=admin\""))
        .startsWith("HTTP/1.1 200")
        .endsWith("xfcc=null");

    assertThat(client(SKIP_CA, stranger).get(SKIP_CA, "/")).startsWith("HTTP/1.1 200");
    assertThatThrownBy(() -> anonymous(SKIP_CA).get(SKIP_CA, "/")).isInstanceOf(IOException.class);
  }

  @Test
  void theBackendReadsTheForwardedDetailsAndNeverOnesAClientWrote() throws Exception {
    String forwarded =
        client(REQUIRED, good)
            .get(REQUIRED, "/", "X-Forwarded-Client-Cert", "Subject=\"CN=admin\"");
    assertThat(forwarded)
        .startsWith("HTTP/1.1 200")
        .contains("Subject=\"CN=good\"")
        .contains("URI=spiffe://cv.test/good")
        .contains("DNS=good.client.test")
        .doesNotContain("CN=admin");

    // Hosts that forward nothing, over HTTPS and plain HTTP, remove the header a client wrote.
    assertThat(anonymous(PLAIN).get(PLAIN, "/", "X-Forwarded-Client-Cert", "Subject=\"CN=admin\""))
        .startsWith("HTTP/1.1 200")
        .endsWith("xfcc=null");
    java.net.http.HttpResponse<String> open =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + httpPort + "/"))
                    .header("Host", OPEN)
                    .header("X-Forwarded-Client-Cert", "Subject=\"CN=admin\"")
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(open.body()).isEqualTo("xfcc=null");
  }

  @Test
  void aRequestForAnotherHostThanTheSniOneIsMisdirected() throws Exception {
    // The SNI of a host without client validation cannot reach one with it.
    assertThat(anonymous(PLAIN).get(REQUIRED, "/")).startsWith("HTTP/1.1 421");
    // Nor the other way round, nor to a host of another TLS version.
    assertThat(client(REQUIRED, good).get(PLAIN, "/")).startsWith("HTTP/1.1 421");
    assertThat(anonymous(PLAIN).get(TLS12, "/")).startsWith("HTTP/1.1 421");
    // The authority is compared without its port and case.
    assertThat(anonymous(PLAIN).get("PLAIN.cv.test:" + httpsPort, "/")).startsWith("HTTP/1.1 200");
    // On a wildcard host, with the SNI the client sent.
    assertThat(anonymous("a.wild.cv.test").get("a.wild.cv.test", "/")).startsWith("HTTP/1.1 200");
    assertThat(anonymous("a.wild.cv.test").get("b.wild.cv.test", "/")).startsWith("HTTP/1.1 421");
  }

  @Test
  void aHostCappedAtTls12RefusesATls13OnlyClient() throws Exception {
    assertThat(anonymous(TLS12).offering("TLSv1.2").handshake()).isEqualTo("TLSv1.2");
    assertThat(anonymous(TLS12).get(TLS12, "/")).startsWith("HTTP/1.1 200");
    assertThat(anonymous(TLS12).handshake()).isEqualTo("TLSv1.2");

    assertThatThrownBy(() -> anonymous(TLS12).offering("TLSv1.3").handshake())
        .isInstanceOf(IOException.class);
    // Other hosts still speak 1.3.
    assertThat(anonymous(PLAIN).handshake()).isEqualTo("TLSv1.3");
  }
}
