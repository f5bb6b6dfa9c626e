package dev.gantry.discoverer;

import static dev.gantry.discoverer.Fixtures.create;
import static dev.gantry.discoverer.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Two replicas for one remote cluster: one writes, the other takes over when it goes. */
@WithClusters({"east", "hub"})
class LeaderElectionIT {

  @Test
  void twoReplicasNeverBothWriteAndTheStandbyTakesOver(Testbed testbed) throws Exception {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    DiscovererHarness.installCrd(hub.client());
    String ns = Fixtures.uniqueNamespace("ha");
    Fixtures.namespace(east.client(), ns);
    Path kubeconfig =
        DiscovererHarness.kubeconfigFile(
            testbed.directory().resolve(ns), "east", east.adminKubeconfig());
    for (int i = 0; i < 5; i++) {
      create(east.client(), service(ns, "svc-" + i).build());
    }
    DiscovererConfig.Builder base =
        DiscovererHarness.config("east", kubeconfig, hub, ns)
            .leaderElection(true, "default")
            .leaseTimings(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500));
    Discoverer a = new Discoverer(base.identity("replica-a").build()).start();
    Discoverer b = new Discoverer(base.identity("replica-b").build()).start();
    AtomicInteger bothMirroring = new AtomicInteger();
    ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
    watcher.scheduleAtFixedRate(
        () -> {
          if (a.isMirroring() && b.isMirroring()) {
            bothMirroring.incrementAndGet();
          }
        },
        0,
        20,
        TimeUnit.MILLISECONDS);
    try {
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(30))
          .until(() -> a.initialSyncDone() || b.initialSyncDone());
      Discoverer leader = a.isMirroring() ? a : b;
      Discoverer standby = leader == a ? b : a;
      assertThat(
              hub.client()
                  .services()
                  .inNamespace(ns)
                  .withLabel("gantry.dev/cluster", "east")
                  .list()
                  .getItems())
          .hasSize(5);
      assertThat(leader.metrics().hubWritesDone("service")).isEqualTo(5.0);
      assertThat(standby.isMirroring()).isFalse();
      assertThat(standby.metrics().hubWrites("service")).isZero();
      assertThat(
              hub.client()
                  .leases()
                  .inNamespace("default")
                  .withName("gantry-discoverer-east")
                  .get()
                  .getSpec()
                  .getHolderIdentity())
          .isEqualTo(leader == a ? "replica-a" : "replica-b");

      leader.close();
      create(east.client(), service(ns, "after-failover").build());
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  hub.client().services().inNamespace(ns).withName("east-after-failover").get()
                      != null);
      assertThat(standby.isMirroring()).isTrue();
      // The mirror is visible in the hub a moment before the writer counts its write.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(standby.metrics().hubWritesDone("service")).isEqualTo(1.0));
      assertThat(bothMirroring.get()).as("samples where both replicas were mirroring").isZero();
    } finally {
      watcher.shutdownNow();
      a.close();
      b.close();
    }
  }
}
