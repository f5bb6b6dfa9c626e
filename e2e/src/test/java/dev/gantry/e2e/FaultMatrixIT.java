package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.discoverer.link.Linker;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.TcpProxy;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fault matrix: the whole system as processes (two hub replicas, two discoverer replicas per
 * remote, Envoy), a steady load through Envoy to a federated service of two clusters and a steady
 * rate of EndpointSlice changes in both remotes, and twelve faults one after another. After each,
 * with the changes paused, it waits until every mirror in the hub equals its remote (the full
 * sets), every HTTPProxy is valid, both clusters are Ready and fresh, and requests succeed; then it
 * checks requests keep succeeding. Each row of the report: how long the fault lasted, how long
 * convergence took after it, requests failed during the fault and after convergence (must be 0),
 * mirrors the hub lost (deleted while their source existed; must be 0 but where the fault deletes
 * them) and writes made by a replica that no longer held its lease.
 *
 * <p>The remote {@code east} is reached through a {@link TcpProxy} (so it can be cut off for its
 * discoverers alone) with an identity made by {@code link}; {@code west} with its admin kubeconfig.
 */
@WithClusters({"east", "west", "hub"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultMatrixIT {
  private static final String NS = LocalGantry.NAMESPACE;
  private static final String HOST = "web.gantry.test";
  private static final int DATA_SERVICES = 20;
  private static final int ENDPOINTS = 5;
  private static final double CHANGES_PER_SECOND = 10;
  private static final Duration CONVERGE = Duration.ofSeconds(120);
  private static final Duration DISCOVERER_LEASE = Duration.ofSeconds(15);
  private static final Duration STALE_TTL = Duration.ofSeconds(10);
  private static final String LINK_NS = "gantry-system";
  // What fabric8's informer logs (at DEBUG, turned on for the discoverers here) on 410 Gone.
  private static final String HTTP_GONE = "Watch restarting due to http gone";

  private final List<Row> rows = new ArrayList<>();
  private final AtomicInteger mirrorDeletions = new AtomicInteger();
  private Testbed testbed;
  private GantryProcesses gantry;
  private TcpProxy eastProxy;
  private Path eastKubeconfig;
  private Churn churn;
  private RequestLoop requests;
  private SharedIndexInformer<EndpointSlice> mirrorWatch;
  private int bursts;

  /** One line of the report. */
  record Row(
      String fault,
      Duration lasted,
      Duration converged,
      int failedDuring,
      int failedAfter,
      int mirrorsLost,
      String duplicates,
      String note) {}

  @BeforeAll
  void start(Testbed testbed) throws Exception {
    this.testbed = testbed;
    Path dir = Files.createDirectories(testbed.directory().resolve("fault-matrix"));
    KubeCluster east = testbed.cluster("east");
    eastProxy = TcpProxy.start("east-api", "127.0.0.1", port(east.apiServerUrl()));
    eastKubeconfig = dir.resolve("east.kubeconfig");
    link();
    gantry =
        GantryProcesses.prepare(
            testbed,
            "hub",
            new GantryProcesses.Options(
                List.of("-Xmx256m", "-XX:+UseSerialGC"),
                List.of(
                    "-Xmx160m",
                    "-XX:+UseSerialGC",
                    "-Dlogback.configurationFile=" + reflectorDebugLogback(dir)),
                Duration.ofMillis(10),
                List.of(NS),
                List.of(
                    "--cluster-heartbeat-timeout=5s",
                    "--stale-endpoint-ttl=" + STALE_TTL.toSeconds() + "s"),
                List.of("--heartbeat-interval=1s"),
                2,
                2,
                false));
    gantry.remoteKubeconfig("east", eastKubeconfig);
    gantry.startAll(List.of("east", "west"));
    gantry.backends().startHttp("east-1");
    gantry.backends().startHttp("west-1");
    gantry.objects().publishService("east", "web", List.of("east-1"));
    gantry.objects().publishService("west", "web", List.of("west-1"));
    churn = new Churn(gantry.objects(), List.of("east", "west"), DATA_SERVICES, ENDPOINTS);
    applyProxies();
    gantry.startEnvoy("envoy-matrix", "DELTA_GRPC");
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(gantry.traffic().tally(HOST, "/", 20).keySet())
                    .containsOnly("east-1", "west-1"));
    mirrorWatch =
        gantry
            .hubClient()
            .discovery()
            .v1()
            .endpointSlices()
            .inAnyNamespace()
            .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(EndpointSlice obj) {}

                  @Override
                  public void onUpdate(EndpointSlice oldObj, EndpointSlice newObj) {}

                  @Override
                  public void onDelete(EndpointSlice obj, boolean deletedFinalStateUnknown) {
                    mirrorDeletions.incrementAndGet();
                  }
                });
    requests = new RequestLoop(gantry.traffic(), HOST, Set.of("east-1", "west-1")).start(20);
    churn.start(CHANGES_PER_SECOND);
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {churn, requests, gantry, eastProxy}) {
      if (c != null) {
        c.close();
      }
    }
    if (mirrorWatch != null) {
      mirrorWatch.close();
    }
    String report = report();
    System.out.println(report);
    Path out = Path.of("target", "fault-matrix.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
  }

  @Test
  @Order(1)
  void remoteApiserverStoppedAndRestarted() throws Exception {
    KubeCluster east = testbed.cluster("east");
    fault(
        "remote apiserver stopped 5 s, restarted (etcd keeps its data)",
        () -> {
          east.stopApiServer();
          holdWhile(Duration.ofSeconds(5), () -> !east.isApiServerRunning());
          east.startApiServer();
          return "";
        });
  }

  @Test
  @Order(2)
  void hubApiserverStoppedMidSyncAndRestarted() throws Exception {
    KubeCluster hub = testbed.cluster("hub");
    fault(
        "hub apiserver stopped 5 s mid-sync, restarted",
        () -> {
          burst("west", 10);
          hub.stopApiServer();
          holdWhile(Duration.ofSeconds(5), () -> !hub.isApiServerRunning());
          hub.startApiServer();
          return "10 new Services being mirrored when it stopped";
        });
  }

  @Test
  @Order(3)
  void discovererKilledMidSyncAndRestarted() throws Exception {
    fault(
        "discoverer leader killed (SIGKILL) mid-sync, restarted",
        () -> {
          burst("east", 10);
          String leader = discovererLeader("east");
          gantry.killDiscoverer(leader);
          gantry.startDiscoverer(leader);
          await()
              .atMost(DISCOVERER_LEASE.multipliedBy(3))
              .until(() -> !leader.equals(discovererLeader("east")));
          return "the standby took the lease";
        });
  }

  @Test
  @Order(4)
  void hubLeaderKilledUnderLoad() throws Exception {
    int[] replicas = new int[2]; // the killed leader's index, the survivor's
    double[] survivorWritesBefore = new double[1];
    fault(
        "hub leader killed (SIGKILL) while an HTTPProxy changes, and started again",
        () -> {
          int leader = hubLeader();
          assertThat(leader).as("a live replica holds the lease").isNotNegative();
          replicas[0] = leader;
          replicas[1] = 1 - leader;
          survivorWritesBefore[0] = statusWrites(replicas[1]);
          gantry.objects().applyProxy("late", "late.gantry.test", Churn.name(5));
          gantry.killHub(leader);
          gantry.startHub(leader).awaitReady(Duration.ofSeconds(120));
          // The dead leader's lease runs out; the survivor or the restarted replica takes it.
          await().atMost(Duration.ofSeconds(60)).until(() -> hubLeader() >= 0);
          return "a live replica took the lease and wrote the new proxy's status";
        },
        () -> {
          // The replica that did not get the lease wrote nothing meanwhile: the restarted one
          // since its start, the survivor since the fault began.
          int standby = 1 - hubLeader();
          double extra =
              standby == replicas[1]
                  ? statusWrites(standby) - survivorWritesBefore[0]
                  : statusWrites(standby);
          return String.valueOf((long) extra);
        });
  }

  private double statusWrites(int replica) {
    return gantry.hubs().get(replica).metrics().sum("gantry_hub_status_writes_total", Map.of());
  }

  @Test
  @Order(5)
  void envoyRestarted() throws Exception {
    fault(
        "Envoy restarted",
        () -> {
          gantry.stopEnvoy(gantry.envoys().get(0));
          gantry.startEnvoy("envoy-matrix", "DELTA_GRPC");
          return "reconnects and gets the whole state (Delta)";
        });
  }

  @Test
  @Order(6)
  void watchHistoryCompactedWhileADiscovererIsDisconnected() throws Exception {
    KubeCluster east = testbed.cluster("east");
    String leader = discovererLeader("east");
    Path log = gantry.discoverers().get(leader).logFile();
    long before = Files.readString(log).split(HTTP_GONE, -1).length;
    fault(
        "watch history compacted while the discoverer is cut off (410 Gone)",
        () -> {
          eastProxy.cut();
          holdWhile(Duration.ofSeconds(3), eastProxy::isCut);
          east.stopApiServer();
          east.startApiServer();
          east.compactEtcd();
          eastProxy.restore();
          return "";
        });
    long after = Files.readString(log).split(HTTP_GONE, -1).length;
    assertThat(after).as("the discoverer's watch got 410 Gone and relisted").isGreaterThan(before);
    rows.set(
        rows.size() - 1,
        withNote(rows.get(rows.size() - 1), "its watches got 410 Gone and relisted"));
  }

  @Test
  @Order(7)
  void hubApiserverThrottlesWritesDuringABulkMirror() throws Exception {
    KubeCluster hub = testbed.cluster("hub");
    double[] throttled = new double[1];
    fault(
        "hub apiserver throttling writes (429) during a bulk mirror of 100 Services",
        () -> {
          hub.stopApiServer();
          hub.startApiServer(List.of("--max-mutating-requests-inflight=1"));
          burst("east", 100);
          churn.pause();
          await()
              .atMost(CONVERGE)
              .until(
                  () ->
                      MirrorCheck.differences(
                              testbed.cluster("east").client(), gantry.hubClient(), "east", NS)
                          .isEmpty());
          throttled[0] = apiserverResponses(gantry.hubClient(), "429");
          churn.resume();
          hub.stopApiServer();
          hub.startApiServer();
          return "";
        });
    assertThat(throttled[0]).as("the hub apiserver answered 429").isPositive();
    rows.set(
        rows.size() - 1,
        withNote(
            rows.get(rows.size() - 1),
            (long) throttled[0] + " writes answered 429, all mirrored in the end"));
  }

  @Test
  @Order(8)
  void remoteCredentialsRotatedUnderLoad() throws Exception {
    double before = sumOverReplicas("east", "gantry_discoverer_credential_rotations_total");
    fault(
        "remote credentials rotated (link again)",
        () -> {
          link();
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      sumOverReplicas("east", "gantry_discoverer_credential_rotations_total")
                          > before);
          return "the discoverer switched to the new token without a restart";
        });
  }

  @Test
  @Order(9)
  void remoteCredentialsRevoked() throws Exception {
    KubernetesClient eastAdmin = testbed.cluster("east").client();
    int[] mirrorsBefore = new int[1];
    fault(
        "remote credentials revoked",
        () -> {
          mirrorsBefore[0] = mirrors("east");
          eastAdmin.secrets().inNamespace(LINK_NS).withLabel("gantry.dev/token-anchor").delete();
          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(
                  () -> {
                    RemoteCluster rc =
                        gantry.hubClient().resources(RemoteCluster.class).withName("east").get();
                    assertThat(condition(rc, "Ready").getReason()).isEqualTo("RemoteUnauthorized");
                    assertThat(condition(rc, "Stale").getStatus()).isEqualTo("True");
                  });
          assertThat(mirrors("east")).as("mirrors are kept").isEqualTo(mirrorsBefore[0]);
          link();
          return "Ready=False RemoteUnauthorized, Stale, mirrors kept; linked again to recover";
        });
  }

  @Test
  @Order(10)
  void discovererLeaderPausedPastItsLease() throws Exception {
    String[] paused = new String[1];
    double[] writesAtResume = new double[1];
    fault(
        "discoverer leader paused (SIGSTOP) past its lease, then resumed",
        () -> {
          String leader = discovererLeader("east");
          paused[0] = leader;
          JvmProcess process = gantry.discoverers().get(leader);
          process.pause();
          await()
              .atMost(DISCOVERER_LEASE.multipliedBy(3))
              .until(() -> !leader.equals(discovererLeader("east")));
          process.resume();
          // Requests in flight when it froze complete now; they were sent while it led.
          holdWhile(Duration.ofSeconds(1), () -> !leader.equals(discovererLeader("east")));
          writesAtResume[0] = writes(process);
          holdWhile(Duration.ofSeconds(5), () -> !leader.equals(discovererLeader("east")));
          return "the standby took the lease; the resumed one wrote nothing (its writes are fenced"
              + " by the renew deadline)";
        },
        () -> {
          double extra = writes(gantry.discoverers().get(paused[0])) - writesAtResume[0];
          return String.valueOf((long) extra);
        });
  }

  @Test
  @Order(11)
  void remoteUnreachablePastTheStaleTtl() throws Exception {
    fault(
        "remote unreachable past the stale-endpoint TTL, then back",
        () -> {
          eastProxy.cut();
          await().atMost(Duration.ofSeconds(60)).until(() -> onlyAnswer("west-1", 25));
          eastProxy.restore();
          await().atMost(Duration.ofSeconds(60)).until(() -> answered("east-1", 25));
          return "its endpoints left Envoy after the TTL (west took every request) and came back";
        });
  }

  @Test
  @Order(12)
  void hubNamespaceDeletedAndRecreated() throws Exception {
    KubernetesClient hub = gantry.hubClient();
    fault(
        "hub namespace deleted and recreated while mirrors exist",
        () -> {
          hub.namespaces().withName(NS).delete();
          finishNamespaceDeletion(hub);
          hub.namespaces()
              .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
              .serverSideApply();
          applyProxies();
          return "HTTPProxies applied again after; requests fail until then";
        });
  }

  /** A fault: injects, holds and recovers; returns a note for the report. */
  interface Fault {
    String run() throws Exception;
  }

  /** Writes by replicas without the lease, measured after convergence. */
  interface Duplicates {
    String count() throws Exception;
  }

  private void fault(String name, Fault fault) throws Exception {
    fault(name, fault, () -> "—");
  }

  private void fault(String name, Fault fault, Duplicates duplicates) throws Exception {
    int deletionsBefore = mirrorDeletions.get();
    long t0 = System.nanoTime();
    String note = fault.run();
    long t1 = System.nanoTime();
    churn.pause();
    try {
      await()
          .atMost(CONVERGE)
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(this::assertConverged);
      long t2 = System.nanoTime();
      // Requests go on succeeding after convergence.
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(4))
          .until(() -> requests.lastSucceeded(10));
      long t3 = System.nanoTime();
      Row row =
          new Row(
              name,
              Duration.ofNanos(t1 - t0),
              Duration.ofNanos(t2 - t1),
              requests.failuresBetween(t0, t2),
              requests.failuresBetween(t2, t3),
              mirrorDeletions.get() - deletionsBefore,
              duplicates.count(),
              note);
      rows.add(row);
      assertThat(row.failedAfter()).as("requests failed after convergence").isZero();
      if (!name.startsWith("hub namespace deleted")) {
        assertThat(row.mirrorsLost()).as("mirrors deleted while their source existed").isZero();
      }
      if (!"—".equals(row.duplicates())) {
        assertThat(row.duplicates()).as("writes by a replica without the lease").isEqualTo("0");
      }
    } finally {
      churn.resume();
    }
  }

  private void assertConverged() {
    KubernetesClient hub = gantry.hubClient();
    for (String cluster : List.of("east", "west")) {
      assertThat(MirrorCheck.differences(testbed.cluster(cluster).client(), hub, cluster, NS))
          .as("%s mirrored", cluster)
          .isEmpty();
      RemoteCluster rc = hub.resources(RemoteCluster.class).withName(cluster).get();
      assertThat(condition(rc, "Ready").getStatus()).as("%s Ready", cluster).isEqualTo("True");
      assertThat(condition(rc, "Stale").getStatus()).as("%s Stale", cluster).isEqualTo("False");
    }
    for (HTTPProxy proxy : hub.resources(HTTPProxy.class).inNamespace(NS).list().getItems()) {
      assertThat(proxy.getStatus() == null ? null : proxy.getStatus().getCurrentStatus())
          .as("status of HTTPProxy %s", proxy.getMetadata().getName())
          .isEqualTo("valid");
    }
    assertThat(requests.lastSucceeded(10)).as("the last 10 requests succeeded").isTrue();
  }

  private String report() {
    StringBuilder out = new StringBuilder();
    out.append(
        "| # | fault | lasted | converged after | failed during | failed after | mirrors lost |"
            + " writes without the lease | note |\n");
    out.append("|---|---|---|---|---|---|---|---|---|\n");
    int n = 1;
    for (Row r : rows) {
      out.append(
          "| %d | %s | %.1f s | %.1f s | %d | %d | %d | %s | %s |%n"
              .formatted(
                  n++,
                  r.fault(),
                  r.lasted().toMillis() / 1000.0,
                  r.converged().toMillis() / 1000.0,
                  r.failedDuring(),
                  r.failedAfter(),
                  r.mirrorsLost(),
                  r.duplicates(),
                  r.note()));
    }
    out.append(
        "%nLoad: %d requests (one every 20 ms after the previous answer) to a service of two clusters, %d EndpointSlice changes"
                .formatted(
                    requests == null
                        ? 0
                        : requests.tally().values().stream().mapToInt(i -> i).sum(),
                    churn == null ? 0 : churn.changes())
            + " (%.0f/s over %d Services x %d endpoints per cluster, paused while convergence is checked).%n"
                .formatted(CHANGES_PER_SECOND, DATA_SERVICES, ENDPOINTS));
    return out.toString();
  }

  private static Row withNote(Row r, String note) {
    String joined = r.note().isEmpty() ? note : r.note() + "; " + note;
    return new Row(
        r.fault(),
        r.lasted(),
        r.converged(),
        r.failedDuring(),
        r.failedAfter(),
        r.mirrorsLost(),
        r.duplicates(),
        joined);
  }

  /** Links {@code east} (again): a new token in the kubeconfig its discoverers read. */
  private void link() throws Exception {
    KubeCluster east = testbed.cluster("east");
    Linker.Result result =
        Linker.link(
            east.client(),
            new Linker.LinkOptions(
                "east", LINK_NS, Duration.ofHours(1), LINK_NS, "gantry-remote-east"),
            "https://127.0.0.1:" + eastProxy.port(),
            Config.fromKubeconfig(east.adminKubeconfig()).getCaCertData());
    byte[] kubeconfig = Base64.getDecoder().decode(result.hubSecret().getData().get("kubeconfig"));
    Path tmp = eastKubeconfig.resolveSibling(eastKubeconfig.getFileName() + ".tmp");
    Files.write(tmp, kubeconfig);
    Files.move(
        tmp, eastKubeconfig, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private void applyProxies() {
    gantry.objects().applyProxy("web", HOST, "web");
    for (int i = 0; i < 5; i++) {
      gantry.objects().applyProxy("data-" + i, "data-" + i + ".gantry.test", Churn.name(i));
    }
  }

  /** {@code n} new Services with data-only endpoints in {@code cluster}. */
  private void burst(String cluster, int n) {
    int b = bursts++;
    for (int i = 0; i < n; i++) {
      int a = b * 200 + i;
      gantry
          .objects()
          .publishAddresses(
              cluster,
              "burst-" + b + "-" + i,
              "http",
              8080,
              List.of("100.64." + (a >> 8) + "." + (a & 0xff)));
    }
  }

  private String discovererLeader(String remote) {
    Lease lease =
        gantry
            .hubClient()
            .resources(Lease.class)
            .inNamespace("default")
            .withName("gantry-discoverer-" + remote)
            .get();
    String holder = lease == null ? null : lease.getSpec().getHolderIdentity();
    if (holder == null) {
      return "";
    }
    for (String replica : gantry.replicas(remote)) {
      JvmProcess p = gantry.discoverers().get(replica);
      if (p != null && holder.endsWith("-" + p.pid())) {
        return replica;
      }
    }
    return "";
  }

  private int hubLeader() {
    Lease lease =
        gantry
            .hubClient()
            .resources(Lease.class)
            .inNamespace("default")
            .withName("gantry-hub")
            .get();
    String holder = lease == null ? null : lease.getSpec().getHolderIdentity();
    List<JvmProcess> hubs = gantry.hubs();
    for (int i = 0; i < hubs.size(); i++) {
      if (holder != null && hubs.get(i) != null && holder.endsWith("-" + hubs.get(i).pid())) {
        return i;
      }
    }
    return -1;
  }

  private double sumOverReplicas(String remote, String metric) {
    double sum = 0;
    for (String replica : gantry.replicas(remote)) {
      JvmProcess p = gantry.discoverers().get(replica);
      if (p != null) {
        sum += p.metrics().sum(metric, Map.of());
      }
    }
    return sum;
  }

  private static double writes(JvmProcess discoverer) {
    return discoverer.metrics().sum("gantry_discoverer_hub_writes_total", Map.of("result", "done"));
  }

  private int mirrors(String cluster) {
    return gantry
            .hubClient()
            .services()
            .inNamespace(NS)
            .withLabel(Labels.CLUSTER, cluster)
            .list()
            .getItems()
            .size()
        + gantry
            .hubClient()
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(NS)
            .withLabel(Labels.CLUSTER, cluster)
            .list()
            .getItems()
            .size();
  }

  private boolean onlyAnswer(String backend, int last) {
    List<RequestLoop.Answer> recent =
        requests.between(System.nanoTime() - 2_000_000_000L, Long.MAX_VALUE);
    return recent.size() >= last
        && recent.subList(recent.size() - last, recent.size()).stream()
            .allMatch(a -> a.answer().equals(backend));
  }

  private boolean answered(String backend, int last) {
    List<RequestLoop.Answer> recent =
        requests.between(System.nanoTime() - 2_000_000_000L, Long.MAX_VALUE);
    return recent.size() >= last
        && recent.subList(recent.size() - last, recent.size()).stream()
            .anyMatch(a -> a.answer().equals(backend));
  }

  /**
   * Does what the namespace controller (not in this test bed) does once a namespace is deleted:
   * deletes what is in it, then lifts the {@code kubernetes} finalizer.
   */
  private void finishNamespaceDeletion(KubernetesClient hub) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              hub.resources(HTTPProxy.class).inNamespace(NS).delete();
              hub.resources(ServiceImport.class).inNamespace(NS).delete();
              hub.discovery().v1().endpointSlices().inNamespace(NS).delete();
              hub.services().inNamespace(NS).delete();
              boolean empty =
                  hub.services().inNamespace(NS).list().getItems().isEmpty()
                      && hub.discovery()
                          .v1()
                          .endpointSlices()
                          .inNamespace(NS)
                          .list()
                          .getItems()
                          .isEmpty()
                      && hub.resources(HTTPProxy.class).inNamespace(NS).list().getItems().isEmpty();
              if (!empty) {
                return false;
              }
              var ns = hub.namespaces().withName(NS).get();
              if (ns == null) {
                return true;
              }
              ns.getSpec().setFinalizers(List.of());
              hub.raw(hub.getMasterUrl() + "api/v1/namespaces/" + NS + "/finalize", "PUT", ns);
              return hub.namespaces().withName(NS).get() == null;
            });
  }

  /** The discoverer's logback.xml with fabric8's informer reflector at DEBUG. */
  private static Path reflectorDebugLogback(Path dir) throws Exception {
    String xml;
    try (var in = FaultMatrixIT.class.getClassLoader().getResourceAsStream("logback.xml")) {
      xml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    String debug =
        xml.replace(
            "<logger name=\"io.fabric8.kubernetes.client.informers.impl.cache.Reflector\""
                + " level=\"ERROR\"/>",
            "<logger name=\"io.fabric8.kubernetes.client.informers.impl.cache.Reflector\""
                + " level=\"DEBUG\"/>");
    assertThat(debug).as("the reflector's logger in logback.xml").isNotEqualTo(xml);
    Path file = dir.resolve("discoverer-logback.xml");
    Files.writeString(file, debug);
    return file;
  }

  private static double apiserverResponses(KubernetesClient client, String code) {
    String metrics = client.raw(client.getMasterUrl() + "metrics");
    double sum = 0;
    for (String line : metrics.split("\n")) {
      boolean answered =
          line.startsWith("apiserver_request_total{") && line.contains("code=\"" + code + "\"");
      // Requests the max-in-flight filter refused, in the metric it counts them in.
      boolean dropped = "429".equals(code) && line.startsWith("apiserver_dropped_requests_total");
      if (answered || dropped) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static Condition condition(RemoteCluster rc, String type) {
    assertThat(rc).as("RemoteCluster").isNotNull();
    assertThat(rc.getStatus()).as("status of %s", rc.getMetadata().getName()).isNotNull();
    Condition c = rc.getStatus().condition(type);
    assertThat(c).as("condition %s of %s", type, rc.getMetadata().getName()).isNotNull();
    return c;
  }

  /**
   * Keeps a fault in place for {@code d}: the time passes only while {@code stillFaulty} holds
   * throughout (checked every 100 ms), so the fault cannot have healed early.
   */
  private static void holdWhile(Duration d, java.util.concurrent.Callable<Boolean> stillFaulty) {
    await()
        .during(d)
        .atMost(d.plusSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(stillFaulty);
  }

  private static int port(String url) {
    return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
  }
}
