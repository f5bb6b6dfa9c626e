package dev.gantry.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolsTest {

  @Test
  void parsesProvisionPrintOutput() {
    String printed =
        """
        KUBE_APISERVER=/c/kubernetes/v1.34.4/bin/kube-apiserver
        KUBECTL=/c/kubernetes/v1.34.4/bin/kubectl
        ETCD=/c/etcd/v3.6.6/bin/etcd

        noise without equals
        """;
    assertThat(Tools.parse(printed))
        .containsEntry("KUBE_APISERVER", "/c/kubernetes/v1.34.4/bin/kube-apiserver")
        .containsEntry("ETCD", "/c/etcd/v3.6.6/bin/etcd")
        .hasSize(3);
  }

  @Test
  void missingToolNamesTheProvisionCommand(@TempDir Path dir) {
    assertThatThrownBy(() -> Tools.require(dir.resolve("kube-apiserver")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scripts/provision");
  }

  @Test
  void resolvesToolsFromTheProvisionScript() {
    Tools tools = Tools.resolve();
    assertThat(tools.kubeApiServer().toString()).endsWith("/bin/kube-apiserver");
    assertThat(tools.envoy().toString()).endsWith("/bin/envoy");
    assertThat(Tools.repositoryRoot().resolve("pom.xml")).exists();
  }

  @Test
  void mcsServiceImportCrdIsTheModulesFile() {
    assertThat(Tools.mcsServiceImportCrd())
        .hasFileName("multicluster.x-k8s.io_serviceimports.yaml")
        .content()
        .contains("name: serviceimports.multicluster.x-k8s.io");
  }
}
