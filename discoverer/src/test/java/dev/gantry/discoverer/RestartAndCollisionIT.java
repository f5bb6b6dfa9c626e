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
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Garbage collection after downtime, quiet restarts, and ownership of hub names. */
@WithClusters({"east", "hub"})
class RestartAndCollisionIT {

  @Test
  void serviceDeletedWhileDiscovererWasDownIsGoneAfterRestartAndUnchangedRestartWritesNothing(
      Testbed testbed) {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    DiscovererHarness.installCrd(hub.client());
    String ns = Fixtures.uniqueNamespace("gc");
    Fixtures.namespace(east.client(), ns);
    for (String name : new String[] {"keep", "drop", "also-keep"}) {
      create(east.client(), service(ns, name).build());
      create(east.client(), slice(ns, name, name + "-x1", 7, 2).build());
    }
    Path kubeconfig =
        DiscovererHarness.kubeconfigFile(
            testbed.directory().resolve(ns), "east", east.adminKubeconfig());
    DiscovererConfig config = DiscovererHarness.config("east", kubeconfig, hub, ns).build();

    try (Discoverer first = new Discoverer(config).start()) {
      await().ignoreExceptions().atMost(Duration.ofSeconds(30)).until(first::initialSyncDone);
      assertThat(mirrorNames(hub.client(), ns))
          .containsExactlyInAnyOrder("east-keep", "east-drop", "east-also-keep");
    }

    // Down: nothing watches while the remote loses a Service.
    east.client().services().inNamespace(ns).withName("drop").delete();
    east.client().discovery().v1().endpointSlices().inNamespace(ns).withName("drop-x1").delete();

    try (Discoverer second = new Discoverer(config).start()) {
      await().ignoreExceptions().atMost(Duration.ofSeconds(30)).until(second::initialSyncDone);
      assertThat(mirrorNames(hub.client(), ns))
          .containsExactlyInAnyOrder("east-keep", "east-also-keep");
      assertThat(
              hub.client()
                  .discovery()
                  .v1()
                  .endpointSlices()
                  .inNamespace(ns)
                  .withLabel("gantry.dev/service", "drop")
                  .list()
                  .getItems())
          .isEmpty();
      assertThat(second.metrics().hubWritesDone("service")).isEqualTo(1.0); // the one delete
    }

    // Nothing changed since: a restart writes no mirror at all.
    try (Discoverer third = new Discoverer(config).start()) {
      await().ignoreExceptions().atMost(Duration.ofSeconds(30)).until(third::initialSyncDone);
      assertThat(third.metrics().hubWrites("service")).isZero();
      assertThat(third.metrics().hubWrites("endpointslice")).isZero();
      assertThat(third.metrics().hubWrites("namespace")).isZero();
    }
  }

  @Test
  void unmanagedServiceOrAnotherClustersMirrorWithTheMirrorsNameIsLeftUntouchedAndReported(
      Testbed testbed) {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    KubernetesClient hubClient = hub.client();
    DiscovererHarness.installCrd(hubClient);
    String ns = Fixtures.uniqueNamespace("own");
    Fixtures.namespace(east.client(), ns);
    Fixtures.namespace(hubClient, ns);
    // Someone's own Service in the hub that happens to have the mirror's name.
    Service unmanaged =
        create(
            hubClient,
            service(ns, "east-api")
                .editMetadata()
                .addToLabels("team", "payments")
                .endMetadata()
                .build());
    // A mirror written by the discoverer of another cluster.
    Service foreign =
        create(
            hubClient,
            service(ns, "east-cache")
                .editMetadata()
                .addToLabels("gantry.dev/cluster", "other")
                .endMetadata()
                .build());
    create(
        east.client(),
        service(ns, "api").editSpec().editFirstPort().withPort(8443).endPort().endSpec().build());
    create(east.client(), slice(ns, "api", "api-1", 8, 1).build());
    create(east.client(), service(ns, "cache").build());
    create(east.client(), service(ns, "fine").build());
    Path kubeconfig =
        DiscovererHarness.kubeconfigFile(
            testbed.directory().resolve(ns), "east", east.adminKubeconfig());

    try (Discoverer discoverer =
        new Discoverer(DiscovererHarness.config("east", kubeconfig, hub, ns).build()).start()) {
      await().ignoreExceptions().atMost(Duration.ofSeconds(30)).until(discoverer::initialSyncDone);
      assertThat(hubClient.services().inNamespace(ns).withName("east-fine").get()).isNotNull();

      Service api = hubClient.services().inNamespace(ns).withName("east-api").get();
      assertThat(api.getMetadata().getResourceVersion())
          .isEqualTo(unmanaged.getMetadata().getResourceVersion());
      assertThat(api.getSpec().getPorts().get(0).getPort()).isEqualTo(80);
      assertThat(
              hubClient
                  .discovery()
                  .v1()
                  .endpointSlices()
                  .inNamespace(ns)
                  .withLabel("kubernetes.io/service-name", "east-api")
                  .list()
                  .getItems())
          .as("no slices are attached to a Service we do not own")
          .isEmpty();
      assertThat(
              hubClient
                  .services()
                  .inNamespace(ns)
                  .withName("east-cache")
                  .get()
                  .getMetadata()
                  .getResourceVersion())
          .isEqualTo(foreign.getMetadata().getResourceVersion());

      assertThat(discoverer.metrics().scrape())
          .containsPattern("gantry_discoverer_collisions\\{cluster=\"east\"} 2\\.0");
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                RemoteCluster rc = hubClient.resources(RemoteCluster.class).withName("east").get();
                assertThat(rc.getStatus().getCollisions())
                    .anySatisfy(
                        c -> assertThat(c).contains("east-api").contains("not managed by Gantry"))
                    .anySatisfy(
                        c ->
                            assertThat(c)
                                .contains("east-cache")
                                .contains("belongs to cluster other"));
                assertThat(rc.getStatus().condition("Ready").getStatus()).isEqualTo("True");
              });
      // And an Event on the RemoteCluster for each (cluster-scoped: in namespace default).
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          hubClient
                              .events()
                              .v1()
                              .events()
                              .inNamespace("default")
                              .list()
                              .getItems()
                              .stream()
                              .filter(e -> "RemoteCluster".equals(e.getRegarding().getKind()))
                              .filter(e -> "east".equals(e.getRegarding().getName()))
                              .filter(e -> e.getNote().contains(ns + "/"))
                              .toList())
                      .allSatisfy(
                          e -> {
                            assertThat(e.getType()).isEqualTo("Warning");
                            assertThat(e.getReason()).isEqualTo("NameCollision");
                            assertThat(e.getRegarding().getApiVersion())
                                .isEqualTo(HasMetadata.getApiVersion(RemoteCluster.class));
                            assertThat(e.getReportingController())
                                .isEqualTo("gantry.dev/discoverer");
                          })
                      .anySatisfy(e -> assertThat(e.getNote()).contains("east-api"))
                      .anySatisfy(e -> assertThat(e.getNote()).contains("east-cache"))
                      .hasSize(2));
      assertThat(discoverer.metrics().scrape())
          .contains("gantry_events_total{result=\"failed\"} 0.0");
    }
  }

  static String kubectl(KubeCluster cluster, String... args) throws Exception {
    java.util.List<String> command =
        new java.util.ArrayList<>(
            java.util.List.of(
                dev.gantry.testbed.Tools.resolve().kubectl().toString(),
                "--kubeconfig",
                cluster.adminKubeconfigFile().toString()));
    command.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  private static java.util.List<String> mirrorNames(KubernetesClient hub, String ns) {
    return hub
        .services()
        .inNamespace(ns)
        .withLabel("gantry.dev/cluster", "east")
        .list()
        .getItems()
        .stream()
        .map(s -> s.getMetadata().getName())
        .toList();
  }
}
