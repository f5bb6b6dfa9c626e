package dev.gantry.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test bed's fault tools on a real apiserver: a cuttable proxy, etcd compaction, flags. */
@WithClusters({"solo"})
class FaultToolsIT {

  @Test
  void aCutProxyRefusesOneClientWhileTheApiserverServesOthers(Testbed testbed) {
    KubeCluster cluster = testbed.cluster("solo");
    int apiPort = Integer.parseInt(cluster.apiServerUrl().replaceAll(".*:", ""));
    try (TcpProxy proxy = TcpProxy.start("solo-api", "127.0.0.1", apiPort)) {
      Config config = Config.fromKubeconfig(cluster.adminKubeconfig());
      config.setMasterUrl("https://127.0.0.1:" + proxy.port());
      config.setRequestRetryBackoffLimit(0);
      try (KubernetesClient viaProxy = new KubernetesClientBuilder().withConfig(config).build()) {
        assertThat(viaProxy.namespaces().withName("default").get()).isNotNull();

        proxy.cut();
        assertThatThrownBy(() -> viaProxy.namespaces().withName("default").get())
            .isInstanceOf(KubernetesClientException.class);
        assertThat(cluster.client().namespaces().withName("default").get())
            .as("the apiserver itself still answers")
            .isNotNull();

        proxy.restore();
        assertThat(viaProxy.namespaces().withName("default").get()).isNotNull();
      }
    }
  }

  @Test
  void aReadAtARevisionBeforeACompactionGetsGone(Testbed testbed) throws Exception {
    KubernetesClient client = testbed.cluster("solo").client();
    ConfigMap first =
        client
            .configMaps()
            .inNamespace("default")
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("compacted")
                    .endMetadata()
                    .withData(Map.of("n", "0"))
                    .build())
            .create();
    String oldVersion = first.getMetadata().getResourceVersion();
    for (int i = 1; i <= 5; i++) {
      ConfigMap next = client.configMaps().inNamespace("default").withName("compacted").get();
      next.setData(Map.of("n", Integer.toString(i)));
      client.configMaps().inNamespace("default").resource(next).update();
    }
    ListOptions atOldVersion =
        new ListOptionsBuilder()
            .withResourceVersion(oldVersion)
            .withResourceVersionMatch("Exact")
            .build();
    // The apiserver serves recent revisions from its watch cache; a restart empties it, so these
    // reads go to etcd.
    testbed.cluster("solo").stopApiServer();
    testbed.cluster("solo").startApiServer();
    assertThat(client.configMaps().inNamespace("default").list(atOldVersion).getItems())
        .as("etcd still has the old revision")
        .isNotEmpty();

    long revision = testbed.cluster("solo").compactEtcd();

    assertThat(revision).isGreaterThan(Long.parseLong(oldVersion));
    testbed.cluster("solo").stopApiServer();
    testbed.cluster("solo").startApiServer();
    assertThatThrownBy(() -> client.configMaps().inNamespace("default").list(atOldVersion))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(410));
  }

  @Test
  void extraApiserverFlagsLastUntilTheNextPlainStart(Testbed testbed) throws Exception {
    KubeCluster cluster = testbed.cluster("solo");
    cluster.stopApiServer();
    cluster.startApiServer(List.of("--max-mutating-requests-inflight=1"));
    assertThat(processCommandLine(cluster)).contains("--max-mutating-requests-inflight=1");
    cluster.stopApiServer();
    cluster.startApiServer();
    assertThat(processCommandLine(cluster)).doesNotContain("--max-mutating-requests-inflight=1");
  }

  private static String processCommandLine(KubeCluster cluster) throws Exception {
    ManagedProcess apiServer =
        cluster.processes().stream()
            .filter(p -> p.name().endsWith("kube-apiserver"))
            .findFirst()
            .orElseThrow();
    return String.join(
        " ",
        java.nio.file.Files.readString(
                java.nio.file.Path.of("/proc/" + apiServer.pid() + "/cmdline"))
            .split("\0"));
  }
}
