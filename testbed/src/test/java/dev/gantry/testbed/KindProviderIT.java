package dev.gantry.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The kind provider, through Testcontainers. Skipped, with the reason, where no Docker engine is
 * reachable (our CI machines); it is not counted as coverage of anything.
 */
@WithClusters(
    value = {"kind-a"},
    provider = "kind")
class KindProviderIT {

  @Test
  void kindClusterServesTheApiAndSurvivesAPause(Testbed testbed) {
    KubeCluster cluster = testbed.cluster("kind-a");
    assertThat(cluster.provider()).isEqualTo("kind");
    ThreeClustersIT.createNamespace(cluster.client(), "kind-smoke");
    cluster.stopApiServer();
    cluster.startApiServer();
    assertThat(cluster.client().namespaces().withName("kind-smoke").get()).isNotNull();
  }
}
