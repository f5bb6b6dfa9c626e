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
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code helm install}, {@code upgrade} and {@code uninstall} for real against a hub apiserver, for
 * what only a live install shows: the {@code lookup} that leaves someone else's HTTPProxy CRD alone
 * but keeps rendering this release's own, and CRDs (with everyone's objects) kept on uninstall.
 */
@WithClusters({"hub"})
class HelmInstallIT {
  private static final String NS = "gantry-system";
  private static final String HTTPPROXY = "httpproxies.projectcontour.io";
  private static final String REMOTECLUSTER = "remoteclusters.gantry.dev";

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
    assertThat(manifest(kubeconfig)).contains("name: \"" + HTTPPROXY + "\"");

    // Uninstalled: the CRDs stay, and with them every RemoteCluster, ServiceImport, HTTPProxy.
    run("uninstall", "gantry", "-n", NS, "--kubeconfig", kubeconfig);
    assertThat(crd(hub, HTTPPROXY)).isNotNull();
    assertThat(crd(hub, REMOTECLUSTER)).isNotNull();

    // The HTTPProxy CRD now belongs to Contour's release: a new install leaves it alone, and
    // adopts its own kept CRDs.
    hub.apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(HTTPPROXY)
        .edit(
            c -> {
              c.getMetadata()
                  .getAnnotations()
                  .putAll(
                      Map.of(
                          "meta.helm.sh/release-name", "contour",
                          "meta.helm.sh/release-namespace", "projectcontour"));
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
        .doesNotContain(HTTPPROXY);
    assertThat(owner(hub, HTTPPROXY)).isEqualTo("contour");
    assertThat(owner(hub, REMOTECLUSTER)).isEqualTo("gantry");
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

  private static CustomResourceDefinition crd(KubernetesClient hub, String name) {
    return hub.apiextensions().v1().customResourceDefinitions().withName(name).get();
  }

  private static String owner(KubernetesClient hub, String crd) {
    Map<String, String> annotations = crd(hub, crd).getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get("meta.helm.sh/release-name");
  }
}
