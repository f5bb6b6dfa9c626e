package dev.gantry.deploy;

import static dev.gantry.deploy.Charts.CHART;
import static dev.gantry.deploy.Charts.helm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code helm install}, {@code upgrade} and {@code uninstall} for real against a hub apiserver, for
 * what only a live install shows: the {@code lookup} that leaves someone else's HTTPProxy or
 * ServiceImport CRD (or any of Gateway API's) alone but keeps rendering this release's own, CRDs
 * (with everyone's objects) kept on uninstall, and a release record within a Secret's size.
 */
@WithClusters({"hub"})
class HelmInstallIT {
  private static final String NS = "gantry-system";
  private static final String HTTPPROXY = "httpproxies.projectcontour.io";
  private static final String REMOTECLUSTER = "remoteclusters.gantry.dev";
  private static final String SERVICEIMPORT = "serviceimports.multicluster.x-k8s.io";
  private static final String HTTPROUTE = "httproutes.gateway.networking.k8s.io";
  private static final String GATEWAY = "gateways.gateway.networking.k8s.io";
  // What a Secret (and so Helm's release record) may hold.
  private static final int SECRET_LIMIT = 1024 * 1024;

  @Test
  void httpProxyCrdIsTakenOnlyWhenAbsentOrOwnAndCrdsOutliveTheRelease(Testbed testbed)
      throws Exception {
    KubeCluster cluster = testbed.cluster("hub");
    KubernetesClient hub = cluster.client();
    Path dir = Files.createDirectories(testbed.directory().resolve("helm-install"));
    Path values =
        Files.writeString(
            dir.resolve("values.yaml"),
            "remoteClusters:\n- {name: east, kubeconfigSecret: gantry-remote-east}\n");
    String kubeconfig = cluster.adminKubeconfigFile().toString();

    // No HTTPProxy CRD yet: the release installs it, and an upgrade keeps it (its lookup sees
    // the release's own).
    run(
        "install",
        "gantry",
        CHART.toString(),
        "-n",
        NS,
        "--create-namespace",
        "-f",
        values.toString(),
        // No controller manager runs the certgen hook Job here (ChartIdentitiesIT runs its
        // command); helm would wait for it.
        "--no-hooks",
        "--kubeconfig",
        kubeconfig);
    assertThat(owner(hub, HTTPPROXY)).isEqualTo("gantry");
    // The MCS API's ServiceImport CRD: both versions served, v1beta1 stored.
    assertThat(owner(hub, SERVICEIMPORT)).isEqualTo("gantry");
    assertThat(crd(hub, SERVICEIMPORT).getSpec().getVersions())
        .extracting(
            v -> v.getName() + (v.getServed() ? " served" : "") + (v.getStorage() ? " stored" : ""))
        .containsExactly("v1alpha1 served", "v1beta1 served stored");
    assertThat(crd(hub, SERVICEIMPORT).getMetadata().getLabels())
        .containsEntry("multicluster.x-k8s.io/release-version", "v0.5.2");
    assertThat(owner(hub, HTTPROUTE)).isEqualTo("gantry");
    assertThat(owner(hub, GATEWAY)).isEqualTo("gantry");
    // Gateway API's CRDs (HTTPRoute's alone is 442 KB) are rendered and kept in the release record
    // with the chart's files: the record, compressed, must stay within a Secret's limit.
    int record = releaseRecordBytes(hub);
    System.out.printf("[HelmInstallIT] release record: %d bytes of %d%n", record, SECRET_LIMIT);
    assertThat(record).isPositive().isLessThan(SECRET_LIMIT);
    run(
        "upgrade",
        "gantry",
        CHART.toString(),
        "-n",
        NS,
        "-f",
        values.toString(),
        // No controller manager runs the certgen hook Job here (ChartIdentitiesIT runs its
        // command); helm would wait for it.
        "--no-hooks",
        "--kubeconfig",
        kubeconfig);
    assertThat(manifest(kubeconfig))
        .contains("name: \"" + HTTPPROXY + "\"")
        .contains("name: " + SERVICEIMPORT + "\n")
        .contains("name: " + HTTPROUTE);

    // Uninstalled: the CRDs stay, and with them every RemoteCluster, ServiceImport, HTTPProxy.
    run("uninstall", "gantry", "-n", NS, "--kubeconfig", kubeconfig);
    assertThat(crd(hub, HTTPPROXY)).isNotNull();
    assertThat(crd(hub, REMOTECLUSTER)).isNotNull();
    assertThat(crd(hub, SERVICEIMPORT)).isNotNull();
    assertThat(crd(hub, HTTPROUTE)).isNotNull();

    // The HTTPProxy CRD now belongs to Contour's release and the ServiceImport CRD to an MCS
    // implementation's: a new install leaves both alone, and adopts its own kept CRDs.
    handOver(hub, HTTPPROXY, "contour", "projectcontour");
    handOver(hub, SERVICEIMPORT, "mcs", "mcs-system");
    // And the Gateway CRD is someone else's (a cloud provider's, installed without Helm).
    hub.apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(GATEWAY)
        .edit(
            c -> {
              c.getMetadata().getAnnotations().remove("meta.helm.sh/release-name");
              c.getMetadata().getAnnotations().remove("meta.helm.sh/release-namespace");
              c.getMetadata().getLabels().remove("app.kubernetes.io/managed-by");
              return c;
            });
    run(
        "install",
        "gantry",
        CHART.toString(),
        "-n",
        NS,
        "-f",
        values.toString(),
        // No controller manager runs the certgen hook Job here (ChartIdentitiesIT runs its
        // command); helm would wait for it.
        "--no-hooks",
        "--kubeconfig",
        kubeconfig);
    assertThat(manifest(kubeconfig))
        .contains("name: \"" + REMOTECLUSTER + "\"")
        .contains("name: " + HTTPROUTE)
        .doesNotContain(HTTPPROXY)
        .doesNotContain(SERVICEIMPORT)
        .doesNotContain(GATEWAY);
    assertThat(owner(hub, HTTPPROXY)).isEqualTo("contour");
    assertThat(owner(hub, SERVICEIMPORT)).isEqualTo("mcs");
    assertThat(owner(hub, GATEWAY)).isNull();
    assertThat(owner(hub, HTTPROUTE)).isEqualTo("gantry");
    assertThat(owner(hub, REMOTECLUSTER)).isEqualTo("gantry");
  }

  /** Makes {@code crd} another Helm release's, as if that release had installed it. */
  private static void handOver(KubernetesClient hub, String crd, String release, String ns) {
    hub.apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crd)
        .edit(
            c -> {
              c.getMetadata()
                  .getAnnotations()
                  .putAll(
                      Map.of(
                          "meta.helm.sh/release-name", release,
                          "meta.helm.sh/release-namespace", ns));
              return c;
            });
  }

  private static void run(String... args) throws Exception {
    Charts.Helm h = helm(args);
    assertThat(h.exitCode()).as("helm %s: %s", String.join(" ", args), h.output()).isZero();
  }

  private static String manifest(String kubeconfig) throws Exception {
    Charts.Helm h = helm("get", "manifest", "gantry", "-n", NS, "--kubeconfig", kubeconfig);
    assertThat(h.exitCode()).as(h.output()).isZero();
    return h.output();
  }

  /** The size of the largest release record Helm keeps (a Secret per revision). */
  private static int releaseRecordBytes(KubernetesClient hub) {
    return hub.secrets().inNamespace(NS).withLabel("owner", "helm").list().getItems().stream()
        .mapToInt(s -> Base64.getDecoder().decode(s.getData().get("release")).length)
        .max()
        .orElse(0);
  }

  private static CustomResourceDefinition crd(KubernetesClient hub, String name) {
    return hub.apiextensions().v1().customResourceDefinitions().withName(name).get();
  }

  private static String owner(KubernetesClient hub, String crd) {
    Map<String, String> annotations = crd(hub, crd).getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get("meta.helm.sh/release-name");
  }
}
