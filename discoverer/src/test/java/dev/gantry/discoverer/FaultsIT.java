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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Outages of either side: mirrors are kept, status says stale, everything converges after. */
@WithClusters({"east", "hub"})
class FaultsIT {

  @Test
  void remoteOutageKeepsMirrorsMarksStaleAndChangesArriveAfterwards(Testbed testbed) {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    KubernetesClient hubClient = hub.client();
    DiscovererHarness.installCrd(hubClient);
    String ns = Fixtures.uniqueNamespace("remote-down");
    Fixtures.namespace(east.client(), ns);
    create(east.client(), service(ns, "kuard").build());
    create(east.client(), slice(ns, "kuard", "kuard-1", 9, 2).build());
    Path kubeconfig =
        DiscovererHarness.kubeconfigFile(
            testbed.directory().resolve(ns), "east", east.adminKubeconfig());

    try (Discoverer discoverer =
        new Discoverer(DiscovererHarness.config("east", kubeconfig, hub, ns).build()).start()) {
      await().ignoreExceptions().atMost(Duration.ofSeconds(30)).until(discoverer::initialSyncDone);

      east.stopApiServer();
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                RemoteCluster rc = hubClient.resources(RemoteCluster.class).withName("east").get();
                assertThat(rc.getStatus().condition("Stale").getStatus()).isEqualTo("True");
                assertThat(rc.getStatus().condition("Ready").getReason())
                    .isEqualTo("RemoteUnreachable");
                assertThat(rc.getStatus().getStaleSince()).isNotNull();
              });
      assertThat(discoverer.metrics().scrape())
          .contains("gantry_discoverer_remote_reachable{cluster=\"east\"} 0.0");
      assertThat(hubClient.services().inNamespace(ns).withName("east-kuard").get())
          .as("mirror kept")
          .isNotNull();
      assertThat(
              hubClient
                  .discovery()
                  .v1()
                  .endpointSlices()
                  .inNamespace(ns)
                  .withName("east-kuard-1")
                  .get()
                  .getEndpoints())
          .hasSize(2);

      east.startApiServer();
      // Changes made as soon as the remote is back, before the discoverer's watch has resumed.
      east.client()
          .discovery()
          .v1()
          .endpointSlices()
          .inNamespace(ns)
          .withName("kuard-1")
          .edit(
              s -> {
                s.getEndpoints().remove(0);
                return s;
              });
      create(east.client(), service(ns, "added-meanwhile").build());

      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(40))
          .untilAsserted(
              () -> {
                assertThat(
                        hubClient.services().inNamespace(ns).withName("east-added-meanwhile").get())
                    .isNotNull();
                assertThat(
                        hubClient
                            .discovery()
                            .v1()
                            .endpointSlices()
                            .inNamespace(ns)
                            .withName("east-kuard-1")
                            .get()
                            .getEndpoints())
                    .hasSize(1);
                RemoteCluster rc = hubClient.resources(RemoteCluster.class).withName("east").get();
                assertThat(rc.getStatus().condition("Stale").getStatus()).isEqualTo("False");
                assertThat(rc.getStatus().getStaleSince()).isNull();
              });
    }
  }

  /**
   * Regression: a discoverer started while its apiservers were unreachable gave up on their
   * informers for good: never ready, yet live, so never restarted and never mirroring.
   */
  @Test
  void discovererStartedBeforeBothApiserversWaitsForThemThenMirrors(Testbed testbed)
      throws Exception {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    DiscovererHarness.installCrd(hub.client());
    String ns = Fixtures.uniqueNamespace("both-late");
    Fixtures.namespace(east.client(), ns);
    create(east.client(), service(ns, "kuard").build());
    create(east.client(), slice(ns, "kuard", "kuard-1", 11, 1).build());
    Path dir = testbed.directory().resolve(ns);

    east.stopApiServer();
    hub.stopApiServer();
    try (DiscovererProcess discoverer =
        DiscovererProcess.start(
            dir,
            "discoverer-east",
            List.of(),
            List.of(
                "--cluster-name=east",
                "--remote-kubeconfig=" + east.adminKubeconfigFile(),
                "--hub-kubeconfig=" + hub.adminKubeconfigFile(),
                "--namespaces=" + ns))) {
      Path log = discoverer.process().logFile();
      await().atMost(Duration.ofSeconds(60)).until(() -> discoverer.status("/healthz") == 200);
      // Both first lists have failed: before the fix those informers stopped here for good.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                String text = Files.readString(log);
                return text.contains(" in the hub failed, retrying with backoff")
                    && text.contains(" in remote cluster east failed, retrying with backoff");
              });
      assertThat(discoverer.status("/readyz")).isEqualTo(503);
      assertThat(discoverer.status("/healthz")).isEqualTo(200);

      east.startApiServer();
      hub.startApiServer();

      await().atMost(Duration.ofSeconds(120)).until(() -> discoverer.status("/readyz") == 200);
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> hub.client().services().inNamespace(ns).withName("east-kuard").get() != null);
      assertThat(discoverer.status("/healthz")).isEqualTo(200);
    } finally {
      for (KubeCluster cluster : List.of(east, hub)) {
        if (!cluster.isApiServerRunning()) {
          cluster.startApiServer();
        }
      }
    }
  }

  @Test
  void hubOutageMidSyncConvergesOnceTheHubIsBack(Testbed testbed) {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    DiscovererHarness.installCrd(hub.client());
    String ns = Fixtures.uniqueNamespace("hub-down");
    Fixtures.namespace(east.client(), ns);
    Path kubeconfig =
        DiscovererHarness.kubeconfigFile(
            testbed.directory().resolve(ns), "east", east.adminKubeconfig());
    int count = 60;

    // A slow hub rate keeps the sync in progress when the hub goes away.
    try (Discoverer discoverer =
        new Discoverer(DiscovererHarness.config("east", kubeconfig, hub, ns).hubRate(20, 5).build())
            .start()) {
      await().ignoreExceptions().atMost(Duration.ofSeconds(30)).until(discoverer::initialSyncDone);
      for (int i = 0; i < count; i++) {
        create(east.client(), service(ns, "svc-" + i).build());
        create(east.client(), slice(ns, "svc-" + i, "svc-" + i + "-a", 10, 1).build());
      }
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(20))
          .until(() -> discoverer.metrics().hubWrites("service") >= 5);
      hub.stopApiServer();
      // Meanwhile the remote keeps changing.
      east.client().services().inNamespace(ns).withName("svc-0").delete();
      create(east.client(), service(ns, "late").build());
      hub.startApiServer();

      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                var mirrors =
                    hub.client()
                        .services()
                        .inNamespace(ns)
                        .withLabel("gantry.dev/cluster", "east")
                        .list()
                        .getItems();
                assertThat(mirrors).hasSize(count); // svc-1..59 + late
                assertThat(mirrors).noneMatch(s -> s.getMetadata().getName().equals("east-svc-0"));
                assertThat(
                        hub.client()
                            .discovery()
                            .v1()
                            .endpointSlices()
                            .inNamespace(ns)
                            .withLabel("gantry.dev/cluster", "east")
                            .list()
                            .getItems())
                    .hasSize(count - 1);
              });
    }
  }

  @Test
  void missingHubNamespaceWithoutCreateNamespacesIsReportedThenConverges(Testbed testbed) {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    KubernetesClient hubClient = hub.client();
    DiscovererHarness.installCrd(hubClient);
    String ns = Fixtures.uniqueNamespace("no-ns");
    Fixtures.namespace(east.client(), ns);
    create(east.client(), service(ns, "kuard").build());
    Path kubeconfig =
        DiscovererHarness.kubeconfigFile(
            testbed.directory().resolve(ns), "east", east.adminKubeconfig());
    // Another discoverer name keeps this test's RemoteCluster apart from the other tests'.
    try (Discoverer discoverer =
        new Discoverer(
                DiscovererHarness.config("nons", kubeconfig, hub, ns)
                    .createNamespaces(false)
                    .build())
            .start()) {
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                RemoteCluster rc = hubClient.resources(RemoteCluster.class).withName("nons").get();
                assertThat(rc.getStatus().condition("Synced").getStatus()).isEqualTo("False");
                assertThat(rc.getStatus().condition("Synced").getReason())
                    .isEqualTo("ReconcileErrors");
                assertThat(rc.getStatus().condition("Synced").getMessage())
                    .contains(ns + "/kuard")
                    .contains("does not exist in the hub");
              });
      assertThat(hubClient.namespaces().withName(ns).get()).as("not created").isNull();

      Fixtures.namespace(hubClient, ns);
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(hubClient.services().inNamespace(ns).withName("nons-kuard").get())
                    .isNotNull();
                RemoteCluster rc = hubClient.resources(RemoteCluster.class).withName("nons").get();
                assertThat(rc.getStatus().condition("Synced").getStatus()).isEqualTo("True");
              });
    }
  }

  @Test
  void watchesRestartedOnBothSidesRelistWithoutRewritingAnything(Testbed testbed) {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    DiscovererHarness.installCrd(hub.client());
    String ns = Fixtures.uniqueNamespace("relist");
    Fixtures.namespace(east.client(), ns);
    for (int i = 0; i < 10; i++) {
      create(east.client(), service(ns, "svc-" + i).build());
      create(east.client(), slice(ns, "svc-" + i, "svc-" + i + "-a", 13, 2).build());
    }
    Path kubeconfig =
        DiscovererHarness.kubeconfigFile(
            testbed.directory().resolve(ns), "east", east.adminKubeconfig());
    try (Discoverer discoverer =
        new Discoverer(DiscovererHarness.config("relist", kubeconfig, hub, ns).build()).start()) {
      await().ignoreExceptions().atMost(Duration.ofSeconds(30)).until(discoverer::initialSyncDone);
      double before =
          discoverer.metrics().hubWrites("service")
              + discoverer.metrics().hubWrites("endpointslice");

      // Both apiservers restart: every watch breaks, resumes or relists (410 Gone when its
      // resource version fell out of the new watch cache).
      east.stopApiServer();
      hub.stopApiServer();
      east.startApiServer();
      hub.startApiServer();
      create(east.client(), service(ns, "after-restart").build());
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  hub.client().services().inNamespace(ns).withName("relist-after-restart").get()
                      != null);

      // The mirror is visible in the hub a moment before the writer counts its write.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(discoverer.metrics().hubWritesDone("service")).isEqualTo(11.0));
      double after =
          discoverer.metrics().hubWrites("service")
              + discoverer.metrics().hubWrites("endpointslice");
      assertThat(after - before).as("only the new Service was written").isEqualTo(1.0);
    }
  }
}
