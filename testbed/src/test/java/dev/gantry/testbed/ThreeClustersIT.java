package dev.gantry.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Smoke tests of the test bed itself: several real clusters at once, isolated, restartable. */
@WithClusters({"east", "west", "hub"})
class ThreeClustersIT {

  @Test
  void threeClustersRunAtOnceEachWithItsOwnApiServer(Testbed testbed) {
    assertThat(testbed.clusters()).hasSize(3);
    Set<String> urls =
        testbed.clusters().stream().map(KubeCluster::apiServerUrl).collect(Collectors.toSet());
    assertThat(urls).hasSize(3).allMatch(u -> u.startsWith("https://127.0.0.1:"));
    for (KubeCluster cluster : testbed.clusters()) {
      assertThat(cluster.client().getKubernetesVersion().getGitVersion()).isEqualTo("v1.34.4");
      assertThat(cluster.client().namespaces().withName("default").get()).isNotNull();
    }
  }

  @Test
  void objectsCreatedInOneClusterAreAbsentFromTheOthers(Testbed testbed) {
    String ns = "iso-" + shortId();
    KubernetesClient east = testbed.cluster("east").client();
    createNamespace(east, ns);
    east.services().inNamespace(ns).resource(service(ns, "kuard")).create();
    east.discovery()
        .v1()
        .endpointSlices()
        .inNamespace(ns)
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName("kuard-abc")
                .withNamespace(ns)
                .addToLabels("kubernetes.io/service-name", "kuard")
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint()
                .withAddresses("198.18.0.10")
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .addNewPort()
                .withName("http")
                .withPort(8080)
                .withProtocol("TCP")
                .endPort()
                .build())
        .create();

    assertThat(east.services().inNamespace(ns).withName("kuard").get()).isNotNull();
    assertThat(east.discovery().v1().endpointSlices().inNamespace(ns).withName("kuard-abc").get())
        .isNotNull();
    for (String other : List.of("west", "hub")) {
      KubernetesClient client = testbed.cluster(other).client();
      assertThat(client.namespaces().withName(ns).get()).as(other).isNull();
      assertThat(
              client
                  .services()
                  .inAnyNamespace()
                  .withField("metadata.name", "kuard")
                  .list()
                  .getItems())
          .as(other)
          .isEmpty();
      assertThat(client.discovery().v1().endpointSlices().inAnyNamespace().list().getItems())
          .as(other)
          .noneMatch(s -> s.getMetadata().getName().equals("kuard-abc"));
    }
  }

  @Test
  void stoppedApiServerKeepsItsDataWhenRestarted(Testbed testbed) {
    KubeCluster west = testbed.cluster("west");
    String ns = "restart-" + shortId();
    createNamespace(west.client(), ns);
    west.client().services().inNamespace(ns).resource(service(ns, "before")).create();

    west.stopApiServer();
    assertThat(west.isApiServerRunning()).isFalse();
    assertThatThrownBy(() -> west.client().services().inNamespace(ns).list())
        .isInstanceOf(KubernetesClientException.class);
    // The other clusters are unaffected.
    assertThat(testbed.cluster("east").client().namespaces().withName("default").get()).isNotNull();

    west.startApiServer();
    assertThat(west.isApiServerRunning()).isTrue();
    assertThat(west.client().services().inNamespace(ns).withName("before").get())
        .as("a Service written before the restart is still in etcd")
        .isNotNull();
    west.client().services().inNamespace(ns).resource(service(ns, "after")).create();
    assertThat(west.client().services().inNamespace(ns).list().getItems())
        .extracting(s -> s.getMetadata().getName())
        .containsExactlyInAnyOrder("before", "after");
  }

  static void createNamespace(KubernetesClient client, String ns) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
  }

  static io.fabric8.kubernetes.api.model.Service service(String ns, String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
