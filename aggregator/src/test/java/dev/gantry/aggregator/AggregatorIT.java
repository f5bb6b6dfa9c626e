package dev.gantry.aggregator;

import static dev.gantry.aggregator.HubFixtures.HTTP;
import static dev.gantry.aggregator.HubFixtures.hubService;
import static dev.gantry.aggregator.HubFixtures.hubSlice;
import static dev.gantry.aggregator.HubFixtures.locality;
import static dev.gantry.aggregator.HubFixtures.mirror;
import static dev.gantry.aggregator.HubFixtures.mirrorSlice;
import static dev.gantry.aggregator.HubFixtures.notReady;
import static dev.gantry.aggregator.HubFixtures.ready;
import static dev.gantry.aggregator.HubFixtures.remoteCluster;
import static dev.gantry.aggregator.HubFixtures.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.aggregator.mcs.ServiceImportPublisher;
import dev.gantry.aggregator.mcs.ServiceImportView;
import dev.gantry.api.Labels;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.RemoteClusterStatus;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.api.crd.mcs.ServiceImportSpec;
import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.runtime.informer.RetryingInformers;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.Tools;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The aggregator and the ServiceImport publisher on a real hub apiserver, fed with mirrors written
 * as the discoverer writes them. One aggregator serves every test; each test has its namespace.
 */
@WithClusters({"hub"})
class AggregatorIT {
  private static final Duration TTL = Duration.ofMinutes(1);
  private static final OffsetClock clock = new OffsetClock();

  private static KubeCluster hubCluster;
  private static KubernetesClient hub;
  private static ScheduledExecutorService aggregatorThread;
  private static ScheduledExecutorService publisherThread;
  private static ExecutorService publisherWriters;
  private static ServiceImportPublisher publisher;
  private static Aggregator aggregator;

  @BeforeAll
  static void startBeforeTheCrdsAreInstalled(Testbed testbed) {
    hubCluster = testbed.cluster("hub");
    hub = hubCluster.client();
    aggregatorThread = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "aggregator"));
    publisherThread = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "publisher"));
    publisherWriters = Executors.newFixedThreadPool(4, r -> daemon(r, "publisher-writer"));
    RetryingInformers informers = new RetryingInformers();
    publisher =
        new ServiceImportPublisher(
                hub, publisherThread, publisherWriters, Clock.systemUTC(), informers)
            .start();
    aggregator =
        new Aggregator(
                hub,
                informers,
                aggregatorThread,
                clock,
                Duration.ofMillis(20),
                TTL,
                publisher::accept)
            .start();

    // Neither CRD exists yet: snapshots still come (clusters get defaults), nothing crashes.
    eventually().until(aggregator::hasSynced);
    // The apiserver creates default/kubernetes shortly after it starts serving: wait for it.
    eventually()
        .untilAsserted(
            () ->
                assertThat(aggregator.current().hubServices())
                    .containsKey(ServiceName.of("default", "kubernetes")));
    assertThat(aggregator.current().federated()).isEmpty();

    // Installed later, like a chart upgrade: both are picked up without a restart.
    Crds.install(hub, RemoteCluster.CRD_NAME);
    Crds.install(hub, ServiceImport.CRD_NAME);
    hub.resource(remoteCluster("east").priority(0).weight(3).build()).create();
    hub.resource(remoteCluster("west").priority(1).build()).create();
  }

  @AfterAll
  static void stop() {
    if (aggregator != null) {
      aggregator.close();
    }
    if (publisher != null) {
      publisher.close();
    }
    aggregatorThread.shutdownNow();
    publisherThread.shutdownNow();
    publisherWriters.shutdownNow();
  }

  @Test
  void mirrorsAndTheHubsOwnServiceMergeWithClusterPreferencesAndFollowUpdates() {
    String ns = namespace("merge");
    create(
        hubService(ns + "/web").port("http", 80),
        hubSlice(ns + "/web", "a").ready("198.18.0.1"),
        mirror("east", ns + "/web").port("http", 80),
        mirrorSlice("east", ns + "/web", "a").ready("198.18.1.1").notReady("198.18.1.2"),
        mirror("west", ns + "/web").port("http", 80),
        mirrorSlice("west", ns + "/web", "a").ready("198.18.2.1"));

    eventually()
        .untilAsserted(
            () ->
                assertThat(federated(ns, "web"))
                    .isEqualTo(
                        service(
                            ns + "/web",
                            List.of(HTTP),
                            locality(
                                "east", 0, 3, false, ready("198.18.1.1"), notReady("198.18.1.2")),
                            locality("hub", ready("198.18.0.1")),
                            locality("west", 1, 1, false, ready("198.18.2.1")))));
    assertThat(aggregator.current().hubServices().get(ServiceName.of(ns, "east-web")))
        .isEqualTo(
            service(
                ns + "/east-web",
                List.of(HTTP),
                locality("east", 0, 3, false, ready("198.18.1.1"), notReady("198.18.1.2"))));

    hub.discovery()
        .v1()
        .endpointSlices()
        .inNamespace(ns)
        .withName("east-web-a")
        .edit(
            s -> {
              s.getEndpoints().get(1).getConditions().setReady(true);
              return s;
            });
    eventually()
        .untilAsserted(
            () ->
                assertThat(federated(ns, "web").clusters().get("east").endpoints())
                    .containsExactly(ready("198.18.1.1"), ready("198.18.1.2")));

    hub.services()
        .inNamespace(ns)
        .withName("west-web")
        .edit(
            s -> {
              s.getSpec().getPorts().get(0).setPort(8080);
              return s;
            });
    eventually()
        .untilAsserted(
            () -> {
              FederatedService web = federated(ns, "web");
              assertThat(web.problems())
                  .containsExactly(
                      "cluster west: ports differ from hub: west has [http:8080/TCP], hub has"
                          + " [http:80/TCP]");
              assertThat(web.ports()).containsExactly(HTTP);
              assertThat(web.clusters().get("west").endpoints())
                  .containsExactly(ready("198.18.2.1"));
            });
  }

  @Test
  void clusterStaleForLongerThanTheTtlContributesNoEndpoints() {
    String ns = namespace("stale");
    create(
        mirror("east", ns + "/web").port("http", 80),
        mirrorSlice("east", ns + "/web", "a").ready("198.18.1.1"),
        mirror("west", ns + "/web").port("http", 80),
        mirrorSlice("west", ns + "/web", "a").ready("198.18.2.1"));
    eventually()
        .untilAsserted(
            () ->
                assertThat(federated(ns, "web").clusters().get("west"))
                    .isEqualTo(locality("west", 1, 1, false, ready("198.18.2.1"))));
    try {
      setStaleSince("west", clock.instant().minusSeconds(30));
      eventually()
          .untilAsserted(
              () ->
                  assertThat(federated(ns, "web").clusters().get("west"))
                      .isEqualTo(locality("west", 1, 1, true, ready("198.18.2.1"))));

      // No object changes when the TTL runs out: the periodic check must notice on its own.
      clock.advance(TTL);
      eventually()
          .untilAsserted(
              () -> {
                Map<String, ClusterEndpoints> clusters = federated(ns, "web").clusters();
                assertThat(clusters.get("west")).isEqualTo(locality("west", 1, 1, true));
                assertThat(clusters.get("east"))
                    .isEqualTo(locality("east", 0, 3, false, ready("198.18.1.1")));
              });
    } finally {
      setStaleSince("west", null);
    }
    eventually()
        .untilAsserted(
            () ->
                assertThat(federated(ns, "web").clusters().get("west"))
                    .isEqualTo(locality("west", 1, 1, false, ready("198.18.2.1"))));
  }

  @Test
  void serviceImportListsClustersAndPortsWritesOnlyChangesAndGoesWithTheMirrors() throws Exception {
    String ns = namespace("import");
    create(
        hubService(ns + "/web").port("http", 80),
        hubSlice(ns + "/web", "a").ready("198.18.0.1"),
        mirror("east", ns + "/web").port("http", 80),
        mirrorSlice("east", ns + "/web", "a").ready("198.18.1.1"),
        mirror("west", ns + "/web").port("http", 80),
        mirrorSlice("west", ns + "/web", "a").ready("198.18.2.1"));

    eventually()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              ServiceImport imported = serviceImport(ns, "web");
              assertThat(imported.getMetadata().getLabels())
                  .containsEntry(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
              assertThat(imported.getSpec().getType()).isEqualTo(ServiceImportSpec.Type.Headless);
              assertThat(imported.getSpec().getPorts())
                  .singleElement()
                  .satisfies(
                      p -> {
                        assertThat(p.getName()).isEqualTo("http");
                        assertThat(p.getPort()).isEqualTo(80);
                        assertThat(p.getProtocol()).isEqualTo("TCP");
                        assertThat(p.getAppProtocol()).isEqualTo("http");
                      });
              assertThat(imported.getApiVersion()).isEqualTo("multicluster.x-k8s.io/v1beta1");
              assertThat(imported.getStatus().getClusters())
                  .extracting(c -> c.getCluster())
                  .containsExactly("east", "hub", "west");
              assertReady(imported, "imported from 3 clusters: east, hub, west");
            });

    // The MCS API's printer columns: Type, IP (none for Headless), Age.
    assertThat(kubectl("get", "serviceimports", "-n", ns)).containsPattern("web +Headless ");

    eventually().until(AggregatorIT::publisherCaughtUp);
    long writes = publisher.writes();
    String version = serviceImport(ns, "web").getMetadata().getResourceVersion();
    hub.discovery()
        .v1()
        .endpointSlices()
        .inNamespace(ns)
        .withName("east-web-a")
        .edit(
            s -> {
              s.getEndpoints()
                  .add(
                      new EndpointBuilder(s.getEndpoints().get(0))
                          .withAddresses("198.18.1.9")
                          .build());
              return s;
            });
    eventually()
        .until(
            () ->
                federated(ns, "web").clusters().get("east").endpoints().size() == 2
                    && publisherCaughtUp());
    assertThat(publisher.writes()).as("writes after an endpoint-only change").isEqualTo(writes);
    assertThat(serviceImport(ns, "web").getMetadata().getResourceVersion()).isEqualTo(version);

    // Another MCS tool, on the older version, sets the session affinity and a condition of its own.
    Resource<GenericKubernetesResource> alpha = atVersion("v1alpha1", ns, "web");
    alpha.patch(
        PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"sessionAffinity\":\"ClientIP\"}}");
    eventually()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              GenericKubernetesResource theirs = alpha.get();
              Map<String, Object> status = theirs.get("status");
              List<Object> written = theirs.get("status", "conditions");
              List<Object> conditions = new ArrayList<>(written);
              conditions.add(
                  Map.of(
                      "type", "Exported",
                      "status", "True",
                      "reason", "ByAnotherTool",
                      "message", "theirs",
                      "lastTransitionTime", "2026-01-01T00:00:00Z"));
              status.put("conditions", conditions);
              hub.genericKubernetesResources(ServiceImport.GROUP + "/v1alpha1", "ServiceImport")
                  .resource(theirs)
                  .updateStatus();
            });
    // Gantry then writes spec and status: a port and a cluster more.
    hub.services()
        .inNamespace(ns)
        .withName("web")
        .edit(
            s -> {
              s.getSpec()
                  .getPorts()
                  .add(
                      new ServicePortBuilder()
                          .withName("grpc")
                          .withPort(9000)
                          .withProtocol("TCP")
                          .build());
              return s;
            });
    create(mirror("north", ns + "/web").port("http", 80));
    eventually()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              ServiceImport imported = serviceImport(ns, "web");
              assertThat(imported.getSpec().getPorts())
                  .extracting(p -> p.getPort())
                  .containsExactlyInAnyOrder(80, 9000);
              assertThat(imported.getStatus().getClusters())
                  .extracting(c -> c.getCluster())
                  .containsExactly("east", "hub", "north", "west");
              assertReady(imported, "imported from 4 clusters: east, hub, north, west");
              // What the other tool wrote survives Gantry's writes.
              assertThat(imported.getSpec().getSessionAffinity()).isEqualTo("ClientIP");
              assertThat(imported.getStatus().getConditions())
                  .extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
                  .containsExactlyInAnyOrder("Exported=True/ByAnotherTool", "Ready=True/Ready");
            });
    // Tools on either version read the same object.
    GenericKubernetesResource v1alpha1 = alpha.get();
    GenericKubernetesResource v1beta1 = atVersion("v1beta1", ns, "web").get();
    assertThat(v1alpha1.getApiVersion()).isEqualTo("multicluster.x-k8s.io/v1alpha1");
    assertThat((Object) v1alpha1.get("spec")).isEqualTo(v1beta1.get("spec"));
    assertThat((Object) v1alpha1.get("status")).isEqualTo(v1beta1.get("status"));
    assertThat(v1alpha1.getMetadata().getResourceVersion())
        .isEqualTo(v1beta1.getMetadata().getResourceVersion());

    hub.services().inNamespace(ns).withName("east-web").delete();
    hub.services().inNamespace(ns).withName("west-web").delete();
    hub.services().inNamespace(ns).withName("north-web").delete();
    eventually()
        .until(
            () -> hub.resources(ServiceImport.class).inNamespace(ns).withName("web").get() == null);
    assertThat(federated(ns, "web").clusters()).containsOnlyKeys("hub");
  }

  @Test
  void serviceImportIsNotReadyPendingUntilAClusterHasAnEndpointThatServes() {
    String ns = namespace("pending");
    create(
        mirror("east", ns + "/web").port("http", 80),
        mirrorSlice("east", ns + "/web", "a").notReady("198.18.1.1"));

    eventually()
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(condition(serviceImport(ns, "web")))
                    .isEqualTo(
                        "False/Pending: no cluster has an endpoint that serves yet; imported from 1"
                            + " cluster: east"));
    String pendingSince = readyCondition(serviceImport(ns, "web")).getLastTransitionTime();

    // Still pending with another endpoint that does not serve: no write at all.
    eventually().until(AggregatorIT::publisherCaughtUp);
    String version = serviceImport(ns, "web").getMetadata().getResourceVersion();
    hub.discovery()
        .v1()
        .endpointSlices()
        .inNamespace(ns)
        .withName("east-web-a")
        .edit(
            s -> {
              s.getEndpoints()
                  .add(
                      new EndpointBuilder(s.getEndpoints().get(0))
                          .withAddresses("198.18.1.2")
                          .build());
              return s;
            });
    eventually()
        .until(
            () ->
                federated(ns, "web").clusters().get("east").endpoints().size() == 2
                    && publisherCaughtUp());
    assertThat(serviceImport(ns, "web").getMetadata().getResourceVersion()).isEqualTo(version);

    // An endpoint turns ready, an endpoint-only change: the import turns Ready.
    hub.discovery()
        .v1()
        .endpointSlices()
        .inNamespace(ns)
        .withName("east-web-a")
        .edit(
            s -> {
              s.getEndpoints().get(0).getConditions().setReady(true);
              return s;
            });
    eventually()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              ServiceImport imported = serviceImport(ns, "web");
              assertReady(imported, "imported from 1 cluster: east");
              assertThat(Instant.parse(readyCondition(imported).getLastTransitionTime()))
                  .isAfterOrEqualTo(Instant.parse(pendingSince));
            });
  }

  @Test
  void aNewServiceIsComparedAloneNotWithEveryServiceImport() {
    String ns = namespace("many");
    List<Object> services = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      services.add(mirror("east", ns + "/svc-" + i).port("http", 80));
    }
    create(services.toArray());
    eventually()
        .until(
            () -> {
              for (int i = 0; i < 30; i++) {
                if (hub.resources(ServiceImport.class).inNamespace(ns).withName("svc-" + i).get()
                    == null) {
                  return false;
                }
              }
              return publisherCaughtUp();
            });
    long comparedBefore = publisher.compared();
    long writesBefore = publisher.writes();

    create(
        mirror("east", ns + "/late").port("http", 80),
        mirrorSlice("east", ns + "/late", "a").ready("198.18.1.1"));
    eventually()
        .ignoreExceptions()
        .untilAsserted(
            () -> assertReady(serviceImport(ns, "late"), "imported from 1 cluster: east"));
    eventually().until(AggregatorIT::publisherCaughtUp);

    // The new service when it appears, then once for each event its own create and status write
    // bring back; never the thirty (or more, from other tests) already in line.
    assertThat(publisher.compared() - comparedBefore)
        .as("services compared for one new service")
        .isBetween(1L, 6L);
    // Create and status; the status once more if the aggregator saw the Service before its slice.
    assertThat(publisher.writes() - writesBefore)
        .as("writes for one new service")
        .isBetween(2L, 3L);

    // Someone deletes a managed import: that name alone is looked at again, and it is put back.
    String uid = serviceImport(ns, "svc-7").getMetadata().getUid();
    hub.resources(ServiceImport.class).inNamespace(ns).withName("svc-7").delete();
    eventually()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              ServiceImport back = serviceImport(ns, "svc-7");
              assertThat(back.getMetadata().getUid()).isNotEqualTo(uid);
              assertThat(back.getStatus().getClusters())
                  .extracting(c -> c.getCluster())
                  .containsExactly("east");
            });
    assertThat(publisher.compared() - comparedBefore)
        .as("services compared after a deletion too")
        .isLessThan(15L);
  }

  @Test
  void unmanagedServiceImportWithTheSameNameIsNeverTouched() {
    String ns = namespace("unmanaged");
    ServiceImport theirs = new ServiceImport();
    theirs.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(ns)
            .withName("web")
            .addToLabels("team", "mcs")
            .build());
    ServiceImportSpec spec = new ServiceImportSpec();
    spec.setType(ServiceImportSpec.Type.ClusterSetIP);
    spec.setIps(List.of("10.0.0.99"));
    theirs.setSpec(spec);
    String version = hub.resource(theirs).create().getMetadata().getResourceVersion();

    create(
        mirror("east", ns + "/web").port("http", 80),
        mirrorSlice("east", ns + "/web", "a").ready("198.18.1.1"));
    eventually()
        .until(
            () ->
                aggregator.current().federated().containsKey(ServiceName.of(ns, "web"))
                    && publisherCaughtUp());
    assertThat(serviceImport(ns, "web").getMetadata().getResourceVersion()).isEqualTo(version);

    hub.services().inNamespace(ns).withName("east-web").delete();
    eventually()
        .until(
            () ->
                !aggregator.current().federated().containsKey(ServiceName.of(ns, "web"))
                    && publisherCaughtUp());
    ServiceImport after = serviceImport(ns, "web");
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(after.getMetadata().getLabels()).doesNotContainKey(Labels.MANAGED_BY);
  }

  // ---- helpers ----

  private static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(30));
  }

  /** Whether the publisher has brought the hub in line with the aggregator's latest snapshot. */
  /**
   * Whether the ServiceImports were last brought in line with a snapshot that calls for the same
   * ones as the current (a change of endpoints only is not looked at).
   */
  private static boolean publisherCaughtUp() {
    return publisher.reconciled() != null
        && ServiceImportView.desired(aggregator.current())
            .equals(ServiceImportView.desired(publisher.reconciled()));
  }

  private static FederatedService federated(String ns, String name) {
    FederatedService service = aggregator.current().federated().get(ServiceName.of(ns, name));
    assertThat(service).as("federated service %s/%s", ns, name).isNotNull();
    return service;
  }

  private static io.fabric8.kubernetes.api.model.Condition readyCondition(ServiceImport imported) {
    return imported.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  /** The Ready condition as "status/reason: message". */
  private static String condition(ServiceImport imported) {
    io.fabric8.kubernetes.api.model.Condition c = readyCondition(imported);
    return c.getStatus() + "/" + c.getReason() + ": " + c.getMessage();
  }

  /** The MCS API's Ready condition as Gantry writes it, for the import's current generation. */
  private static void assertReady(ServiceImport imported, String message) {
    assertThat(imported.getStatus().getConditions())
        .filteredOn(c -> "Ready".equals(c.getType()))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("Ready");
              assertThat(c.getMessage()).isEqualTo(message);
              assertThat(c.getObservedGeneration())
                  .isEqualTo(imported.getMetadata().getGeneration());
              assertThat(c.getLastTransitionTime()).isNotBlank();
            });
  }

  /** A ServiceImport read raw at one of the versions the MCS API's CRD serves. */
  private static Resource<GenericKubernetesResource> atVersion(
      String version, String ns, String name) {
    return hub.genericKubernetesResources(ServiceImport.GROUP + "/" + version, "ServiceImport")
        .inNamespace(ns)
        .withName(name);
  }

  private static ServiceImport serviceImport(String ns, String name) {
    return hub.resources(ServiceImport.class).inNamespace(ns).withName(name).get();
  }

  private static void setStaleSince(String cluster, Instant since) {
    RemoteCluster current = hub.resources(RemoteCluster.class).withName(cluster).get();
    if (current.getStatus() == null) {
      current.setStatus(new RemoteClusterStatus());
    }
    current.getStatus().setStaleSince(since == null ? null : since.toString());
    hub.resource(current).updateStatus();
  }

  /** A fresh namespace: without a namespace controller, deleted ones never go away. */
  private static String namespace(String prefix) {
    String ns = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    hub.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    return ns;
  }

  private static void create(Object... fixtures) {
    for (Object fixture : fixtures) {
      HasMetadata object =
          fixture instanceof HubFixtures.ServiceFixture s
              ? s.build()
              : ((HubFixtures.SliceFixture) fixture).build();
      hub.resource(object).create();
    }
  }

  private static String kubectl(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Tools.resolve().kubectl().toString(),
                "--kubeconfig",
                hubCluster.adminKubeconfigFile().toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(out).isZero();
    return out;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
