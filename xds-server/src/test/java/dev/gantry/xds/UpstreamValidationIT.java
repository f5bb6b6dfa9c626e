package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.UpstreamValidation;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Pki;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.publish.XdsPublisher;
import dev.gantry.xds.server.XdsServer;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A service's {@code validation} through a real Envoy: two HTTPS backends on loopback present
 * certificates for the same names, one issued by the CA that an Opaque Secret holds, the other by a
 * CA nobody trusts. With validation Envoy reaches only the first, and only when the name matches;
 * without validation it reaches either, as Contour does. Each backend answers with the server name
 * (SNI) the connection asked for. No apiserver: the Secret reaches the publisher as the hub's
 * Secret informer hands it over.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpstreamValidationIT {
  private static final String VERIFIED = "verified.example.com";
  private static final String WRONG_NAME = "wrong-name.example.com";
  private static final String ROGUE = "rogue.example.com";
  private static final String UNVERIFIED = "unverified.example.com";
  private static final String REWRITTEN = "rewritten.example.com";
  private static final String ANNOTATED = "annotated.example.com";

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<List<ProxyVerdict>> verdicts = new AtomicReference<>(List.of());
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<HttpsServer> backends = new ArrayList<>();
  private Pki trusted;
  private Pki rogue;
  private XdsServer server;
  private XdsPublisher publisher;
  private Envoy envoy;
  private int port;

  @BeforeAll
  void start() throws IOException {
    trusted = Pki.newAuthority("upstream-trusted");
    rogue = Pki.newAuthority("upstream-rogue");
    int good = backend("good", trusted.servingCertificate("good"));
    int bad = backend("rogue", rogue.servingCertificate("rogue"));
    FederationSnapshot snapshot =
        new FederationSnapshot(
            Map.of(
                ServiceName.of("demo", "good"),
                service("demo/good", good),
                ServiceName.of("demo", "rogue"),
                service("demo/rogue", bad),
                // No protocol on the route: the Service's upstream-protocol annotation says tls.
                ServiceName.of("demo", "annotated"),
                Fixtures.service("demo/annotated")
                    .port("https", 443, null, "tls")
                    .cluster("east", 0, 1, "https", "127.0.0.1:" + good)
                    .build()),
            Map.of());
    server = new XdsServer(new InetSocketAddress("127.0.0.1", 0), metrics, null).start();
    port = Ports.freeLoopbackPort();
    publisher =
        Fixtures.publishing(executor, server, metrics, port, verdicts::set, proxies(), snapshot);
    publisher.secretsChanged(Map.of("demo/ca", caSecret(trusted)));
    envoy =
        Envoy.start(
            "envoy-upstream-validation",
            Envoy.adsBootstrap("envoy-upstream-validation", "GRPC", server.port()),
            Testbed.workDirectory().resolve("upstream-validation-" + System.nanoTime()));
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
    backends.forEach(b -> b.stop(0));
  }

  @Test
  void aVerifiedBackendIsReachedWithItsSubjectNameAsSni() {
    awaitAnswer(VERIFIED, 200, "good sni=localhost");
  }

  @Test
  void aCertificateWithoutTheSubjectNameIsRefused() {
    awaitAnswer(VERIFIED, 200, "good sni=localhost");
    assertThat(get(WRONG_NAME).statusCode()).isEqualTo(503);
  }

  @Test
  void aCertificateOfAnotherCaIsRefused() {
    awaitAnswer(VERIFIED, 200, "good sni=localhost");
    assertThat(get(ROGUE).statusCode()).isEqualTo(503);
  }

  @Test
  void withoutValidationAnyCertificateIsAcceptedAndTheHostRewriteIsTheSni() {
    awaitAnswer(UNVERIFIED, 200, "rogue sni=none");
    awaitAnswer(REWRITTEN, 200, "rogue sni=kubernetes");
  }

  @Test
  void aServiceAnnotatedTlsIsVerifiedWithoutAProtocolOnTheRoute() {
    awaitAnswer(ANNOTATED, 200, "good sni=localhost");
  }

  @Test
  void theProxiesAreValid() {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(verdicts.get())
                    .hasSize(6)
                    .allSatisfy(v -> assertThat(v.errors()).isEmpty()));
  }

  /** Last: the CA Secret now holds the rogue CA, so the two backends swap places. */
  @Test
  @Order(Integer.MAX_VALUE)
  void aChangedCaSecretReachesEnvoy() {
    awaitAnswer(VERIFIED, 200, "good sni=localhost");
    publisher.secretsChanged(Map.of("demo/ca", caSecret(rogue)));
    awaitAnswer(ROGUE, 200, "rogue sni=localhost");
    assertThat(get(VERIFIED).statusCode()).isEqualTo(503);
    publisher.secretsChanged(Map.of("demo/ca", caSecret(trusted)));
    awaitAnswer(VERIFIED, 200, "good sni=localhost");
  }

  private void awaitAnswer(String host, int status, String body) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              HttpResponse<String> response = get(host);
              assertThat(response.statusCode()).isEqualTo(status);
              assertThat(response.body()).isEqualTo(body);
            });
  }

  private HttpResponse<String> get(String host) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
              .header("Host", host)
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An HTTPS backend answering "{@code name} sni=<the server name asked for, or none>". */
  private int backend(String name, Pki.Issued certificate) throws IOException {
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(certificate.sslContext()));
    https.createContext(
        "/",
        exchange -> {
          ExtendedSSLSession session =
              (ExtendedSSLSession) ((HttpsExchange) exchange).getSSLSession();
          String sni =
              session.getRequestedServerNames().stream()
                  .map(n -> ((SNIHostName) n).getAsciiName())
                  .collect(Collectors.joining(","));
          byte[] body =
              (name + " sni=" + (sni.isEmpty() ? "none" : sni)).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    https.start();
    backends.add(https);
    return https.getAddress().getPort();
  }

  private static Secret caSecret(Pki authority) {
    return TestCertificates.secret(
        "demo/ca", "Opaque", Map.of("ca.crt", Pki.pem(authority.caCertificate())));
  }

  private static FederatedService service(String key, int backendPort) {
    return Fixtures.service(key)
        .port("https", 443)
        .cluster("east", 0, 1, "https", "127.0.0.1:" + backendPort)
        .build();
  }

  private static List<HTTPProxy> proxies() {
    return List.of(
        proxy(VERIFIED, "good", validation("localhost"), null),
        proxy(WRONG_NAME, "good", validation("other.internal"), null),
        proxy(ROGUE, "rogue", validation("localhost"), null),
        proxy(UNVERIFIED, "rogue", null, null),
        proxy(REWRITTEN, "rogue", null, "kubernetes"),
        proxy(ANNOTATED, "annotated", validation("localhost"), null, null));
  }

  private static HTTPProxy proxy(
      String fqdn, String service, UpstreamValidation validation, String hostRewrite) {
    return proxy(fqdn, service, validation, hostRewrite, "tls");
  }

  private static HTTPProxy proxy(
      String fqdn,
      String service,
      UpstreamValidation validation,
      String hostRewrite,
      String protocol) {
    HTTPProxySpec.Route r = new HTTPProxySpec.Route();
    r.getConditions().add(Fixtures.prefix("/"));
    HTTPProxySpec.RouteService s = Fixtures.routeService(service, 443, null);
    s.setProtocol(protocol);
    s.setValidation(validation);
    if (hostRewrite != null) {
      HTTPProxySpec.HeadersPolicy policy = new HTTPProxySpec.HeadersPolicy();
      policy.getSet().add(new HTTPProxySpec.HeaderValue("Host", hostRewrite));
      s.setRequestHeadersPolicy(policy);
    }
    r.getServices().add(s);
    return Fixtures.proxy("demo/" + fqdn.substring(0, fqdn.indexOf('.')))
        .fqdn(fqdn)
        .rawRoute(r)
        .build();
  }

  private static UpstreamValidation validation(String subjectName) {
    UpstreamValidation v = new UpstreamValidation();
    v.setCaSecret("ca");
    v.setSubjectName(subjectName);
    return v;
  }
}
