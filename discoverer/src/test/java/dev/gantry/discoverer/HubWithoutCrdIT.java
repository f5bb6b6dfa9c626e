package dev.gantry.discoverer;

import static dev.gantry.discoverer.Fixtures.create;
import static dev.gantry.discoverer.Fixtures.service;
import static dev.gantry.discoverer.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A hub without the RemoteCluster CRD (installed later, or never): the discoverer cannot report
 * status, says so, and goes on mirroring. Finding no RemoteCluster there is not an unlink.
 */
@WithClusters({"east", "bare"})
class HubWithoutCrdIT {
  @Test
  void mirroringGoesOnAcrossStatusReportsWhenTheCrdIsMissing(Testbed testbed) {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("bare");
    KubernetesClient remote = east.client();
    KubernetesClient hubClient = hub.client();
    assertThat(
            hubClient
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(RemoteCluster.CRD_NAME)
                .get())
        .isNull();
    String ns = Fixtures.uniqueNamespace("nocrd");
    Fixtures.namespace(remote, ns);
    Path kubeconfig =
        DiscovererHarness.kubeconfigFile(
            testbed.directory().resolve(ns), "east.kubeconfig", east.adminKubeconfig());
    try (Discoverer discoverer =
        new Discoverer(DiscovererHarness.config("east", kubeconfig, hub, ns).build()).start()) {
      create(remote, service(ns, "web").build());
      create(remote, slice(ns, "web", "web-1", 1, 2).build());
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(20))
          .until(() -> hubClient.services().inNamespace(ns).withName("east-web").get() != null);

      // Several status reports (every 300 ms here) find no RemoteCluster: the mirror stays.
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(5))
          .until(() -> hubClient.services().inNamespace(ns).withName("east-web").get() != null);
      // And what appears later is still mirrored.
      create(remote, service(ns, "api").build());
      create(remote, slice(ns, "api", "api-1", 3, 1).build());
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(20))
          .until(() -> hubClient.services().inNamespace(ns).withName("east-api").get() != null);
      assertThat(discoverer.initialSyncDone()).isTrue();
    }
  }
}
