package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.RemoteClusterStatus;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A remote cluster's life as the hub sees it, with the discoverers and the hub as processes and
 * traffic through Envoy to backends in both clusters:
 *
 * <ol>
 *   <li>A discoverer killed with SIGKILL stops its heartbeat; the hub marks its RemoteCluster
 *       {@code Stale} (reason {@code HeartbeatExpired}, {@code staleSince} = the last heartbeat),
 *       and once the stale-endpoint TTL has run from there the cluster's endpoints leave Envoy
 *       while the other cluster serves every request. A discoverer started again while its remote
 *       apiserver is down keeps that {@code staleSince} (the TTL does not start again); when the
 *       remote returns the cluster is fresh and serves again. No request fails.
 *   <li>Deleting a RemoteCluster unlinks the cluster: with its discoverer running, the discoverer
 *       stops and its mirrors leave the hub (the hub's finalizer waits for that), the other cluster
 *       takes all traffic without a failed request, and the discoverer does not bring the object
 *       back; with its discoverer dead, the hub removes the mirrors itself.
 * </ol>
 */
@WithClusters({"east", "west", "hub"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteClusterLifecycleIT {
  private static final String HOST = "web.gantry.test";
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  private Testbed testbed;
  private GantryProcesses gantry;
  private Traffic traffic;
  private KubernetesClient hub;

  @BeforeAll
  void start(Testbed testbed) {
    this.testbed = testbed;
    GantryProcesses.Options options =
        new GantryProcesses.Options(
            List.of("-Xmx256m", "-XX:+UseSerialGC"),
            List.of("-Xmx160m", "-XX:+UseSerialGC"),
            Duration.ofMillis(10),
            List.of(LocalGantry.NAMESPACE),
            List.of("--cluster-heartbeat-timeout=3s", "--stale-endpoint-ttl=4s"),
            List.of("--heartbeat-interval=500ms"));
    gantry = GantryProcesses.start(testbed, "hub", List.of("east", "west"), options);
    gantry.backends().startHttp("east-1");
    gantry.backends().startHttp("west-1");
    gantry.objects().publishService("east", "web", List.of("east-1"));
    gantry.objects().publishService("west", "web", List.of("west-1"));
    gantry.objects().applyProxy("web", HOST, "web");
    gantry.startEnvoy("envoy-lifecycle", "DELTA_GRPC");
    traffic = gantry.traffic();
    hub = gantry.hubClient();
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  @Order(1)
  void aKilledDiscovererGoesStaleInTheHubAndItsEndpointsLeaveAfterTheTtl() throws Exception {
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    try {
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () ->
                  assertThat(traffic.tally(HOST, "/", 20).keySet())
                      .containsOnly("east-1", "west-1"));
      String firstBeat = status(hub, "east").getLastHeartbeatTime();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(status(hub, "east").getLastHeartbeatTime())
                      .as("the heartbeat moves")
                      .isNotEqualTo(firstBeat));

      Map<String, Integer> answers = new ConcurrentHashMap<>();
      load.scheduleAtFixedRate(
          () -> answers.merge(traffic.answer(HOST, "/"), 1, Integer::sum),
          0,
          20,
          TimeUnit.MILLISECONDS);

      gantry.killDiscoverer("east");
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                RemoteClusterStatus east = status(hub, "east");
                assertThat(condition(east, "Stale").getStatus()).isEqualTo("True");
                assertThat(condition(east, "Stale").getReason()).isEqualTo("HeartbeatExpired");
                assertThat(condition(east, "Ready").getReason()).isEqualTo("HeartbeatExpired");
                assertThat(east.getObservedBy()).startsWith("hub/");
                assertThat(east.getStaleSince()).isEqualTo(east.getLastHeartbeatTime());
              });
      String staleSince = status(hub, "east").getStaleSince();
      assertThat(condition(status(hub, "west"), "Stale").getStatus()).isEqualTo("False");
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> assertThat(traffic.tally(HOST, "/", 20).keySet()).containsOnly("west-1"));

      KubeCluster east = testbed.cluster("east");
      east.stopApiServer();
      gantry.startDiscoverer("east");
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                RemoteClusterStatus status = status(hub, "east");
                assertThat(status.getObservedBy())
                    .as("written by the discoverer")
                    .doesNotStartWith("hub/");
                assertThat(condition(status, "Stale").getReason()).isEqualTo("RemoteUnreachable");
                assertThat(status.getStaleSince())
                    .as("the clock did not restart")
                    .isEqualTo(staleSince);
              });
      assertThat(traffic.tally(HOST, "/", 10).keySet()).containsOnly("west-1");

      east.startApiServer();
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                RemoteClusterStatus status = status(hub, "east");
                assertThat(condition(status, "Stale").getStatus()).isEqualTo("False");
                assertThat(status.getStaleSince()).isNull();
                assertThat(traffic.tally(HOST, "/", 20).keySet()).containsOnly("east-1", "west-1");
              });
      load.shutdown();
      assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      assertThat(answers.keySet()).as("answers %s", answers).containsOnly("east-1", "west-1");
      assertThat(answers.values().stream().mapToInt(Integer::intValue).sum()).isGreaterThan(100);
    } finally {
      load.shutdownNow();
    }
  }

  @Test
  @Order(2)
  void deletingARemoteClusterRemovesTheClusterFromTheHub() throws Exception {
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              assertThat(finalizers("east")).containsExactly(RemoteCluster.FINALIZER);
              assertThat(traffic.tally(HOST, "/", 20).keySet()).containsOnly("east-1", "west-1");
            });
    assertThat(mirrors("east")).isPositive();
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    Map<String, Integer> answers = new ConcurrentHashMap<>();
    try {
      load.scheduleAtFixedRate(
          () -> answers.merge(traffic.answer(HOST, "/"), 1, Integer::sum),
          0,
          20,
          TimeUnit.MILLISECONDS);

      // With its discoverer running: it stops, the mirrors go, then the object.
      hub.resources(RemoteCluster.class).withName("east").delete();
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                assertThat(hub.resources(RemoteCluster.class).withName("east").get()).isNull();
                assertThat(mirrors("east")).isZero();
                assertThat(traffic.tally(HOST, "/", 20).keySet()).containsOnly("west-1");
              });
      JvmProcess discoverer = gantry.discoverers().get("east");
      assertThat(discoverer.get("/readyz").statusCode()).isEqualTo(503);
      assertThat(discoverer.get("/readyz").body()).contains("RemoteCluster east was deleted");
      load.shutdown();
      assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      assertThat(answers.keySet()).as("answers %s", answers).containsOnly("east-1", "west-1");
      // The discoverer keeps running and does not bring the cluster back.
      gantry.objects().publishService("east", "web", List.of("east-1"));
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                assertThat(hub.resources(RemoteCluster.class).withName("east").get()).isNull();
                assertThat(mirrors("east")).isZero();
              });

      // With its discoverer dead: the hub removes the mirrors itself.
      gantry.killDiscoverer("west");
      assertThat(mirrors("west")).isPositive();
      hub.resources(RemoteCluster.class).withName("west").delete();
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                assertThat(hub.resources(RemoteCluster.class).withName("west").get()).isNull();
                assertThat(mirrors("west")).isZero();
                // No cluster has the service now: the proxy names a missing service, is invalid,
                // and its host is no longer served.
                assertThat(
                        gantry
                            .objects()
                            .proxy(LocalGantry.NAMESPACE, "web")
                            .getStatus()
                            .getCurrentStatus())
                    .isEqualTo("invalid");
                assertThat(traffic.answer(HOST, "/")).isEqualTo("status-404");
              });
    } finally {
      load.shutdownNow();
    }
  }

  private List<String> finalizers(String cluster) {
    RemoteCluster remote = hub.resources(RemoteCluster.class).withName(cluster).get();
    return remote == null ? List.of() : remote.getMetadata().getFinalizers();
  }

  /** The cluster's mirrors in the hub: Services and EndpointSlices labelled with it. */
  private int mirrors(String cluster) {
    return hub.services()
            .inAnyNamespace()
            .withLabel(Labels.CLUSTER, cluster)
            .list()
            .getItems()
            .size()
        + hub.discovery()
            .v1()
            .endpointSlices()
            .inAnyNamespace()
            .withLabel(Labels.CLUSTER, cluster)
            .list()
            .getItems()
            .size();
  }

  private static RemoteClusterStatus status(KubernetesClient hub, String cluster) {
    RemoteCluster remote = hub.resources(RemoteCluster.class).withName(cluster).get();
    assertThat(remote).as("RemoteCluster %s", cluster).isNotNull();
    assertThat(remote.getStatus()).as("status of %s", cluster).isNotNull();
    return remote.getStatus();
  }

  private static Condition condition(RemoteClusterStatus status, String type) {
    Condition c = status.condition(type);
    assertThat(c).as("condition %s", type).isNotNull();
    return c;
  }
}
