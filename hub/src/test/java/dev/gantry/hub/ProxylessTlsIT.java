package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.hub.certgen.XdsCertificates;
import dev.gantry.testbed.GrpcWho;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.Tools;
import dev.gantry.xds.Feeds;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.publish.XdsPublisher;
import dev.gantry.xds.server.XdsServer;
import dev.gantry.xds.server.XdsTls;
import dev.gantry.xds.translate.XdsAssembler;
import io.grpc.Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A proxyless gRPC client (gRPC-Go, built by {@code scripts/provision}) reaches the hub's xDS port
 * over mutual TLS from its bootstrap file alone, with the Envoys' client pair that certgen makes:
 * the bootstrap the README documents. Without a client certificate the hub refuses it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxylessTlsIT {
  private static final String FQDN = "greeter.example.com";

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private Path dir;
  private Server backend;
  private XdsServer server;

  @BeforeAll
  void start() throws Exception {
    dir =
        Files.createDirectories(Testbed.workDirectory().resolve("proxyless-" + System.nanoTime()));
    XdsCertificates.Bundle bundle =
        XdsCertificates.issue("proxyless", List.of("localhost"), Duration.ofDays(1));
    write("ca.crt", bundle.hub().caPem());
    write("hub.crt", bundle.hub().certificatePem());
    write("hub.key", bundle.hub().keyPem());
    write("tls.crt", bundle.envoy().certificatePem());
    write("tls.key", bundle.envoy().keyPem());
    backend = GrpcWho.serve("127.0.0.1", 0, "east");
    server =
        new XdsServer(
                new InetSocketAddress("127.0.0.1", 0),
                metrics,
                new XdsTls(
                    dir.resolve("hub.crt"),
                    dir.resolve("hub.key"),
                    dir.resolve("ca.crt"),
                    Duration.ofSeconds(30)))
            .start();
    XdsPublisher publisher =
        new XdsPublisher(
            executor,
            Duration.ofMillis(10),
            new ProxyCompiler("gantry"),
            // The Envoy listener is never bound: no Envoy connects here.
            new XdsAssembler("127.0.0.1", 8080, 8443),
            server,
            metrics,
            verdicts -> {});
    Feeds.proxies(
        publisher,
        List.of(
            Fixtures.proxy("demo/greeter").fqdn(FQDN).route("/", "greeter", 50051, null).build()));
    FederatedService greeter =
        Fixtures.service("demo/greeter")
            .port("grpc", 50051)
            .cluster("east", 0, 1, "grpc", "127.0.0.1:" + backend.getPort())
            .build();
    Feeds.federation(
        publisher,
        new FederationSnapshot(Map.of(ServiceName.of("demo", "greeter"), greeter), Map.of()));
    await().atMost(Duration.ofSeconds(10)).until(() -> publisher.builds() > 0);
  }

  @AfterAll
  void stop() throws InterruptedException {
    server.close();
    executor.shutdownNow();
    backend.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void withTheClientPairInItsBootstrapAProxylessClientIsServedAndRoutes() throws Exception {
    Path bootstrap =
        write(
            "bootstrap.json",
            bootstrap(
                """
                "ca_certificate_file": "%s",
                "certificate_file": "%s",
                "private_key_file": "%s"
                """
                    .formatted(
                        dir.resolve("ca.crt"), dir.resolve("tls.crt"), dir.resolve("tls.key"))));
    Run run = client(bootstrap, Duration.ofSeconds(30));
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output().strip()).isEqualTo("east");
  }

  @Test
  void withoutAClientCertificateTheHubRefusesIt() throws Exception {
    Path bootstrap =
        write(
            "bootstrap-no-cert.json",
            bootstrap("\"ca_certificate_file\": \"%s\"".formatted(dir.resolve("ca.crt"))));
    Run run = client(bootstrap, Duration.ofSeconds(5));
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).doesNotContain("east");
  }

  /** The bootstrap the README shows, with the hub on loopback and {@code tlsConfig} as given. */
  private String bootstrap(String tlsConfig) {
    return """
        {
          "xds_servers": [{
            "server_uri": "localhost:%d",
            "channel_creds": [{"type": "tls", "config": {%s}}],
            "server_features": ["xds_v3"]
          }],
          "node": {"id": "proxyless-it", "cluster": "demo"}
        }
        """
        .formatted(server.port(), tlsConfig);
  }

  private record Run(int exitCode, String output) {}

  private Run client(Path bootstrap, Duration timeout) throws Exception {
    Path log = dir.resolve("client-" + System.nanoTime() + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Tools.xdsWhoClient().toString(),
                "-target=xds:///" + FQDN,
                "-timeout=" + timeout.toSeconds() + "s")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("GRPC_XDS_BOOTSTRAP", bootstrap.toString());
    Process process = builder.start();
    if (!process.waitFor(timeout.toSeconds() + 20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the client did not end: " + Files.readString(log));
    }
    return new Run(process.exitValue(), Files.readString(log));
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
  }
}
