package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Pki;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.publish.XdsPublisher;
import dev.gantry.xds.server.XdsServer;
import dev.gantry.xds.server.XdsTls;
import dev.gantry.xds.translate.XdsAssembler;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The xDS port over mutual TLS, with a real Envoy and grpc-java clients: an Envoy with a client
 * certificate of the xDS CA gets its configuration; a client without a certificate, or with one of
 * another CA, is refused; a serving certificate renewed in its file is used for new connections
 * while Envoy's stream goes on. Backends on loopback (no apiserver here).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class XdsTlsIT {
  private final Backends backends = new Backends();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<List<ProxyVerdict>> verdicts = new AtomicReference<>(List.of());
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Pki ca = Pki.newAuthority("gantry-xds");
  private final Pki otherCa = Pki.newAuthority("someone-else");
  private Path dir;
  private XdsServer server;
  private XdsPublisher publisher;
  private Envoy envoy;
  private int listenerPort;
  private String backend;

  @BeforeAll
  void start() throws Exception {
    dir = Testbed.workDirectory().resolve("xds-tls-" + System.nanoTime());
    Files.createDirectories(dir);
    write("hub", ca.servingCertificate("gantry-hub"));
    write("envoy", ca.clientCertificate("envoy", List.of()));
    write("stranger", otherCa.clientCertificate("envoy", List.of()));
    Files.writeString(dir.resolve("ca.crt"), Pki.pem(ca.caCertificate()));
    backend = "127.0.0.1:" + backends.start("kuard");
    server =
        new XdsServer(
                new InetSocketAddress("127.0.0.1", 0),
                metrics,
                new XdsTls(
                    dir.resolve("hub.crt"),
                    dir.resolve("hub.key"),
                    dir.resolve("ca.crt"),
                    Duration.ofMillis(200)))
            .start();
    listenerPort = Ports.freeLoopbackPort();
    publisher =
        new XdsPublisher(
            executor,
            Duration.ofMillis(10),
            new ProxyCompiler("gantry"),
            new XdsAssembler("127.0.0.1", listenerPort, 8443),
            server,
            metrics,
            verdicts::set);
    Feeds.proxies(publisher, List.of(proxy("kuard", "kuard.example.com")));
    Feeds.federation(publisher, federation());
    await().atMost(Duration.ofSeconds(10)).until(() -> publisher.builds() > 0);
    envoy =
        Envoy.start(
            "envoy-mtls",
            Envoy.adsBootstrapTls(
                "envoy-mtls",
                "GRPC",
                server.port(),
                dir.resolve("envoy.crt"),
                dir.resolve("envoy.key"),
                dir.resolve("ca.crt")),
            dir);
  }

  @AfterAll
  void stop() {
    if (envoy != null) {
      envoy.close();
    }
    server.close();
    executor.shutdownNow();
    backends.close();
  }

  private void write(String name, Pki.Issued issued) throws Exception {
    Files.writeString(dir.resolve(name + ".crt"), issued.certificatePem());
    Files.writeString(dir.resolve(name + ".key"), issued.privateKeyPem());
  }

  private FederationSnapshot federation() {
    return new FederationSnapshot(
        Map.of(
            ServiceName.of("demo", "kuard"),
            Fixtures.service("demo/kuard")
                .port("http", 80)
                .cluster("east", 0, 1, "http", backend)
                .build()),
        Map.of());
  }

  private static dev.gantry.api.crd.contour.HTTPProxy proxy(String name, String fqdn) {
    return Fixtures.proxy("demo/" + name).fqdn(fqdn).route("/", "kuard", 80, null).build();
  }

  private HttpResponse<String> get(String host) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listenerPort + "/"))
            .header("Host", host)
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void envoyWithTheClientPairIsServedAndKeepsBeingServedThroughARenewal() throws Exception {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "kuard".equals(get("kuard.example.com").body()));
    BigInteger before = servingSerial();

    // A renewed serving pair, written as a Secret update lands: new connections present it.
    Pki.Issued renewed = ca.servingCertificate("gantry-hub");
    replace("hub.key", renewed.privateKeyPem());
    replace("hub.crt", renewed.certificatePem());
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(servingSerial())
                    .isNotEqualTo(before)
                    .isEqualTo(renewed.certificate().getSerialNumber()));

    // Envoy's stream went on: a change made after the renewal reaches it.
    Feeds.proxies(
        publisher,
        List.of(proxy("kuard", "kuard.example.com"), proxy("after", "after.example.com")));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "kuard".equals(get("after.example.com").body()));
    assertThat(metrics.scrape())
        .contains("gantry_xds_streams{mode=\"sotw\"} 1.0")
        .doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
  }

  @Test
  void aClientWithoutACertificateIsRefused() throws Exception {
    Status status =
        adsCall(TlsChannelCredentials.newBuilder().trustManager(dir.resolve("ca.crt").toFile()));

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void aClientWithACertificateOfAnotherCaIsRefused() throws Exception {
    Status status =
        adsCall(
            TlsChannelCredentials.newBuilder()
                .keyManager(
                    dir.resolve("stranger.crt").toFile(), pkcs8(dir.resolve("stranger.key")))
                .trustManager(dir.resolve("ca.crt").toFile()));

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void aClientWithTheClientPairGetsAnAnswer() throws Exception {
    Status status =
        adsCall(
            TlsChannelCredentials.newBuilder()
                .keyManager(dir.resolve("envoy.crt").toFile(), pkcs8(dir.resolve("envoy.key")))
                .trustManager(dir.resolve("ca.crt").toFile()));

    assertThat(status.getCode()).isEqualTo(Status.Code.OK);
  }

  @Test
  void envoyWithoutAClientCertificateGetsNothing() throws Exception {
    try (Envoy stranger =
        Envoy.start(
            "envoy-no-cert",
            Envoy.adsBootstrapTls(
                    "envoy-no-cert", "GRPC", server.port(), null, null, dir.resolve("ca.crt"))
                // It never gets a first answer: do not wait 15 s per type to call itself live.
                .replace(
                    "resource_api_version: V3}",
                    "resource_api_version: V3, initial_fetch_timeout: 1s}"),
            dir)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  stranger
                      .admin("/stats?filter=cluster.xds.ssl.connection_error")
                      .matches("(?s).*connection_error: [1-9].*"));
      assertThat(stranger.admin("/config_dump?resource=dynamic_listeners"))
          .doesNotContain("ingress_http");
    }
  }

  /**
   * Opens an ADS stream with {@code credentials}, asks for clusters and returns how the call went:
   * OK once a response arrived, else the error.
   */
  private Status adsCall(TlsChannelCredentials.Builder credentials) throws Exception {
    ChannelCredentials built = credentials.build();
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), built)
            .overrideAuthority("localhost")
            .build();
    try {
      CompletableFuture<Status> outcome = new CompletableFuture<>();
      StreamObserver<DiscoveryRequest> requests =
          AggregatedDiscoveryServiceGrpc.newStub(channel)
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .streamAggregatedResources(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(DiscoveryResponse value) {
                      outcome.complete(Status.OK);
                    }

                    @Override
                    public void onError(Throwable t) {
                      outcome.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                      outcome.complete(Status.OK);
                    }
                  });
      requests.onNext(
          DiscoveryRequest.newBuilder()
              .setNode(io.envoyproxy.envoy.config.core.v3.Node.newBuilder().setId("probe"))
              .setTypeUrl("type.googleapis.com/envoy.config.cluster.v3.Cluster")
              .build());
      return outcome.get(15, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow();
    }
  }

  /** grpc-java's key manager takes PKCS#8 keys only: the key file as PKCS#8 PEM. */
  private java.io.File pkcs8(Path key) throws Exception {
    java.security.PrivateKey parsed =
        dev.gantry.xds.tls.TlsSecrets.privateKey(Files.readString(key));
    Path out = Files.createTempFile(dir, "pkcs8-", ".key");
    Files.writeString(
        out,
        "-----BEGIN PRIVATE KEY-----\n"
            + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(parsed.getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    return out.toFile();
  }

  /** Replaces a file at once, as a Secret volume update does. */
  private void replace(String name, String content) throws Exception {
    Path tmp = dir.resolve(name + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  /** The serial of the certificate a new TLS connection to the xDS port is shown. */
  private BigInteger servingSerial() throws Exception {
    Pki.Issued client = issuedEnvoy();
    try (SSLSocket socket =
        (SSLSocket)
            client.sslContext().getSocketFactory().createSocket("127.0.0.1", server.port())) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  private Pki.Issued envoyIssued;

  private synchronized Pki.Issued issuedEnvoy() {
    if (envoyIssued == null) {
      envoyIssued = ca.clientCertificate("probe", List.of());
    }
    return envoyIssued;
  }
}
