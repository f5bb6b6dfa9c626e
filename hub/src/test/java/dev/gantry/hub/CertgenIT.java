package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import dev.gantry.xds.server.XdsTls;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code gantry-hub certgen} against a real apiserver: the Secrets the chart mounts, made once and
 * kept, replaced on {@code --overwrite}; files; and a real Envoy that reaches the hub's xDS port
 * with the pairs certgen made.
 */
@WithClusters({"hub"})
class CertgenIT {
  private static final CertificateFactory X509 = certificateFactory();

  @Test
  void makesTheSecretsOnceKeepsThemAndReplacesThemOnOverwrite(Testbed testbed) throws Exception {
    KubeCluster hub = testbed.cluster("hub");
    hub.client()
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("certgen").endMetadata().build())
        .create();
    String[] args = {
      "certgen",
      "--secrets",
      "--namespace=certgen",
      "--name=g",
      "--hub-kubeconfig=" + hub.adminKubeconfigFile()
    };

    assertThat(HubCommand.run(args)).isZero();
    Map<String, String> hubPair = data(hub, "g-xds-hub");
    Map<String, String> envoyPair = data(hub, "g-xds-envoy");
    X509Certificate ca = certificate(hubPair.get("ca.crt"));
    X509Certificate serving = certificate(hubPair.get("tls.crt"));
    X509Certificate client = certificate(envoyPair.get("tls.crt"));
    serving.verify(ca.getPublicKey());
    client.verify(ca.getPublicKey());
    assertThat(certificate(envoyPair.get("ca.crt"))).isEqualTo(ca);
    assertThat(ca.getBasicConstraints()).as("the CA is a CA").isGreaterThanOrEqualTo(0);
    assertThat(serving.getBasicConstraints()).as("the hub's is no CA").isEqualTo(-1);
    assertThat(
            serving.getSubjectAlternativeNames().stream()
                .map(n -> String.valueOf(n.get(1)))
                .toList())
        .containsExactly(
            "g-hub", "g-hub.certgen", "g-hub.certgen.svc", "g-hub.certgen.svc.cluster.local");
    assertThat(serving.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
    assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2"); // clientAuth
    assertThat(hubPair.get("tls.key")).startsWith("-----BEGIN PRIVATE KEY-----");

    // Every install or upgrade runs it again: what exists is kept.
    assertThat(HubCommand.run(args)).isZero();
    assertThat(data(hub, "g-xds-hub")).isEqualTo(hubPair);
    assertThat(data(hub, "g-xds-envoy")).isEqualTo(envoyPair);

    String[] overwrite = List.of(args).toArray(new String[args.length + 1]);
    overwrite[args.length] = "--overwrite";
    assertThat(HubCommand.run(overwrite)).isZero();
    assertThat(data(hub, "g-xds-hub").get("ca.crt")).isNotEqualTo(hubPair.get("ca.crt"));
    assertThat(data(hub, "g-xds-hub").get("ca.crt"))
        .isEqualTo(data(hub, "g-xds-envoy").get("ca.crt"));
  }

  @Test
  void anEnvoyWithCertgensClientPairGetsConfigFromTheHubServingCertgensPair(Testbed testbed)
      throws Exception {
    KubeCluster hub = testbed.cluster("hub");
    Crds.install(hub.client(), HTTPProxy.CRD_NAME, RemoteCluster.CRD_NAME, ServiceImport.CRD_NAME);
    Path dir = testbed.directory().resolve("certgen-files");
    assertThat(
            HubCommand.run(
                "certgen", "--output-dir=" + dir, "--dns-name=localhost", "--validity-days=2"))
        .isZero();
    assertThat(Files.getPosixFilePermissions(dir.resolve("hub.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    X509Certificate serving = certificate(Files.readString(dir.resolve("hub.crt")));
    assertThat(
            Duration.between(serving.getNotBefore().toInstant(), serving.getNotAfter().toInstant()))
        .isBetween(Duration.ofDays(2), Duration.ofDays(2).plusMinutes(6));

    HubConfig config =
        new HubConfig(
            new InetSocketAddress("127.0.0.1", 0),
            null,
            Duration.ofMillis(10),
            null,
            "gantry",
            "127.0.0.1",
            Ports.freeLoopbackPort(),
            Ports.freeLoopbackPort(),
            new XdsTls(
                dir.resolve("hub.crt"),
                dir.resolve("hub.key"),
                dir.resolve("ca.crt"),
                Duration.ofSeconds(30)),
            null);
    try (Hub running = new Hub(config, hub.client()).start();
        Envoy envoy =
            Envoy.start(
                "envoy-certgen",
                Envoy.adsBootstrapTls(
                    "envoy-certgen",
                    "DELTA_GRPC",
                    running.xdsPort(),
                    dir.resolve("envoy.crt"),
                    dir.resolve("envoy.key"),
                    dir.resolve("ca.crt")),
                dir)) {
      await().atMost(Duration.ofSeconds(30)).until(running::ready);
      // The listeners come over ADS only once the TLS handshake both ways succeeded.
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> envoy.admin("/listeners").contains("ingress_http"));
    }
  }

  private static Map<String, String> data(KubeCluster hub, String name) {
    Secret secret = hub.client().secrets().inNamespace("certgen").withName(name).get();
    assertThat(secret).as("Secret %s", name).isNotNull();
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    return secret.getData().entrySet().stream()
        .collect(
            java.util.stream.Collectors.toMap(
                Map.Entry::getKey,
                e ->
                    new String(
                        Base64.getDecoder().decode(e.getValue()), StandardCharsets.US_ASCII)));
  }

  private static X509Certificate certificate(String pem) throws Exception {
    return (X509Certificate)
        X509.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  private static CertificateFactory certificateFactory() {
    try {
      return CertificateFactory.getInstance("X.509");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
