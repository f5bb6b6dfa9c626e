package dev.gantry.aggregator.mcs;

import static dev.gantry.aggregator.HubFixtures.HTTP;
import static dev.gantry.aggregator.HubFixtures.locality;
import static dev.gantry.aggregator.HubFixtures.ready;
import static dev.gantry.aggregator.HubFixtures.service;
import static dev.gantry.aggregator.HubFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.api.crd.mcs.ServiceImportSpec;
import dev.gantry.api.crd.mcs.ServiceImportStatus;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.federation.ServicePortSpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceImportViewTest {
  private static final ServicePortSpec GRPC = new ServicePortSpec("grpc", 9000, "TCP", null);
  private static final Instant NOW = Instant.parse("2026-12-06T11:00:00.250Z");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  record Case(
      String name, FederationSnapshot snapshot, Map<ServiceName, ServiceImportView> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("an empty snapshot imports nothing", FederationSnapshot.empty(), Map.of()),
        new Case(
            "a service only the hub has is not imported",
            snapshot(List.of(service("shop/web", List.of(HTTP), locality("hub"))), List.of()),
            Map.of()),
        new Case(
            "a service with a remote cluster is imported headless with its ports and every"
                + " cluster, the hub's own included, sorted",
            snapshot(
                List.of(
                    service(
                        "shop/web",
                        List.of(HTTP, GRPC),
                        locality("west"),
                        locality("hub", ready("198.18.0.1")),
                        locality("east", ready("198.18.1.1")))),
                List.of()),
            Map.of(
                ServiceName.of("shop", "web"),
                new ServiceImportView(
                    ServiceImportSpec.Type.Headless,
                    List.of(HTTP, GRPC),
                    List.of("east", "hub", "west")))),
        new Case(
            "hub services (mirrors under their own names) are not imported",
            snapshot(List.of(), List.of(service("shop/east-web", List.of(HTTP), locality("east")))),
            Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void desiredImportsFollowTheFederatedServices(Case c) {
    assertThat(ServiceImportView.desired(c.snapshot())).isEqualTo(c.expected());
  }

  @Test
  void aWrittenServiceImportReadsBackAsTheSameView() {
    ServiceImportView view =
        new ServiceImportView(
            ServiceImportSpec.Type.Headless,
            List.of(new ServicePortSpec("", 53, "UDP", null), HTTP),
            List.of("west", "east"));
    ServiceImport resource = view.toResource(ServiceName.of("shop", "web"), NOW);

    assertThat(resource.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(resource.getMetadata().getName()).isEqualTo("web");
    assertThat(resource.getMetadata().getLabels())
        .containsEntry(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
    assertThat(resource.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(resource.getSpec().getPorts().get(0).getName()).isNull();
    assertThat(resource.getStatus().getClusters())
        .extracting(ServiceImportStatus.ClusterStatus::getCluster)
        .containsExactly("east", "west");
    Condition ready = resource.getStatus().getConditions().get(0);
    assertThat(ready.getType()).isEqualTo("Ready");
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo("Ready");
    assertThat(ready.getMessage()).isEqualTo("imported from 2 clusters: east, west");
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-12-06T11:00:00Z");
    assertThat(ServiceImportView.of(resource)).isEqualTo(view);
    assertThat(view.objectMatches(resource)).isTrue();
    assertThat(view.statusMatches(resource)).isTrue();
  }

  @Test
  void anImportNoClusterServesYetIsNotReadyPendingAndTurnsReadyWithANewTransitionTime() {
    FederationSnapshot pending =
        snapshot(
            List.of(
                service(
                    "shop/web",
                    List.of(HTTP),
                    locality("east", dev.gantry.aggregator.HubFixtures.notReady("198.18.1.1")),
                    locality("west"))),
            List.of());
    ServiceImportView view = ServiceImportView.desired(pending).get(ServiceName.of("shop", "web"));
    assertThat(view.serving()).isFalse();

    ServiceImport resource = view.toResource(ServiceName.of("shop", "web"), NOW);
    Condition ready = resource.getStatus().getConditions().get(0);
    assertThat(List.of(ready.getType(), ready.getStatus(), ready.getReason(), ready.getMessage()))
        .containsExactly(
            "Ready",
            "False",
            "Pending",
            "no cluster has an endpoint that serves yet; imported from 2 clusters: east, west");
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-12-06T11:00:00Z");
    assertThat(ServiceImportView.of(resource)).isEqualTo(view);
    assertThat(view.statusMatches(resource)).isTrue();

    // Still pending a minute later: the transition time stays.
    view.writeStatus(resource, NOW.plusSeconds(60));
    assertThat(resource.getStatus().getConditions().get(0).getLastTransitionTime())
        .isEqualTo("2026-12-06T11:00:00Z");

    // An endpoint turns ready: Ready becomes True, with a new transition time.
    FederationSnapshot serving =
        snapshot(
            List.of(
                service(
                    "shop/web",
                    List.of(HTTP),
                    locality("east", ready("198.18.1.1")),
                    locality("west"))),
            List.of());
    ServiceImportView now = ServiceImportView.desired(serving).get(ServiceName.of("shop", "web"));
    assertThat(now.serving()).isTrue();
    assertThat(now.statusMatches(resource)).isFalse();
    now.writeStatus(resource, NOW.plusSeconds(120));
    assertThat(resource.getStatus().getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("Ready");
              assertThat(c.getMessage()).isEqualTo("imported from 2 clusters: east, west");
              assertThat(c.getLastTransitionTime()).isEqualTo("2026-12-06T11:02:00Z");
            });

    // An ExternalName share, or one the hub's DNS resolves, serves without endpoints.
    var external =
        new dev.gantry.api.federation.FederatedService(
            ServiceName.of("shop", "db"),
            List.of(HTTP),
            Map.of(
                "east",
                new dev.gantry.api.federation.ClusterEndpoints(
                    "east", 0, 1, false, List.of(), "db.example.com")),
            List.of());
    assertThat(ServiceImportView.serving(external)).isTrue();
  }

  @Test
  void changedPortsOrClustersNoLongerMatch() {
    ServiceImportView view =
        new ServiceImportView(ServiceImportSpec.Type.Headless, List.of(HTTP), List.of("east"));
    ServiceImport resource = view.toResource(ServiceName.of("shop", "web"), NOW);

    ServiceImportView otherPorts =
        new ServiceImportView(ServiceImportSpec.Type.Headless, List.of(GRPC), List.of("east"));
    ServiceImportView otherClusters =
        new ServiceImportView(
            ServiceImportSpec.Type.Headless, List.of(HTTP), List.of("east", "west"));
    assertThat(otherPorts.objectMatches(resource)).isFalse();
    assertThat(otherPorts.statusMatches(resource)).isTrue();
    assertThat(otherClusters.objectMatches(resource)).isTrue();
    assertThat(otherClusters.statusMatches(resource)).isFalse();

    resource.setStatus(null); // as returned by a create: the status is a subresource
    assertThat(view.statusMatches(resource)).isFalse();
  }

  @Test
  void aReadyConditionOfAnEarlierGenerationNoLongerMatches() {
    ServiceImportView view =
        new ServiceImportView(ServiceImportSpec.Type.Headless, List.of(HTTP), List.of("east"));
    ServiceImport resource = view.toResource(ServiceName.of("shop", "web"), NOW);
    resource.getMetadata().setGeneration(1L);
    view.writeStatus(resource, NOW);
    assertThat(view.statusMatches(resource)).isTrue();

    resource.getMetadata().setGeneration(2L); // another tool changed the spec
    assertThat(view.statusMatches(resource)).isFalse();
    view.writeStatus(resource, NOW.plusSeconds(60));
    assertThat(view.statusMatches(resource)).isTrue();
    // Still True: the condition did not transition.
    assertThat(resource.getStatus().getConditions().get(0).getLastTransitionTime())
        .isEqualTo("2026-12-06T11:00:00Z");
    assertThat(resource.getStatus().getConditions().get(0).getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void writesKeepWhatOtherToolsWrote() {
    ServiceImport read =
        SERIALIZATION.unmarshal(
            """
            apiVersion: multicluster.x-k8s.io/v1beta1
            kind: ServiceImport
            metadata:
              name: web
              namespace: shop
              generation: 3
              labels: {app.kubernetes.io/managed-by: gantry}
              annotations: {gantry.dev/clusters: "east", other.example/keep: "yes"}
            spec:
              type: Headless
              ports: [{name: http, port: 80, protocol: TCP}]
              sessionAffinity: ClientIP
              sessionAffinityConfig: {clientIP: {timeoutSeconds: 300}}
              trafficDistribution: PreferClose
              fromANewerRelease: {kept: true}
            status:
              endpointSliceObjects: Absent
              clusters: [{cluster: east, weight: 7}, {cluster: north}]
              conditions:
              - {type: Exported, status: "True", reason: ByOther, message: "theirs",
                 lastTransitionTime: "2026-01-01T00:00:00Z"}
              - {type: Ready, status: "False", reason: Pending, message: "",
                 lastTransitionTime: "2026-01-01T00:00:00Z"}
            """,
            ServiceImport.class);
    ServiceImportView view =
        new ServiceImportView(
            ServiceImportSpec.Type.Headless, List.of(HTTP, GRPC), List.of("east", "west"));
    assertThat(view.objectMatches(read)).as("the earlier CRD's annotation is removed").isFalse();

    view.writeSpec(read);
    view.writeStatus(read, NOW);
    ServiceImport written =
        SERIALIZATION.unmarshal(SERIALIZATION.asJson(read), ServiceImport.class);

    assertThat(view.objectMatches(written)).isTrue();
    assertThat(view.statusMatches(written)).isTrue();
    assertThat(written.getMetadata().getAnnotations())
        .containsExactly(Map.entry("other.example/keep", "yes"));
    assertThat(written.getSpec().getSessionAffinity()).isEqualTo("ClientIP");
    assertThat(written.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds())
        .isEqualTo(300);
    assertThat(written.getSpec().getTrafficDistribution()).isEqualTo("PreferClose");
    assertThat(written.getSpec().unknownFields())
        .containsEntry("fromANewerRelease", Map.of("kept", true));
    assertThat(written.getStatus().getEndpointSliceObjects()).isEqualTo("Absent");
    assertThat(written.getStatus().getClusters())
        .extracting(ServiceImportStatus.ClusterStatus::getCluster)
        .containsExactly("east", "west");
    assertThat(written.getStatus().getClusters().get(0).unknownFields()).containsEntry("weight", 7);
    assertThat(written.getStatus().getConditions())
        .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
        .containsExactly(tuple("Exported", "True", "ByOther"), tuple("Ready", "True", "Ready"));
    Condition ready = written.getStatus().getConditions().get(1);
    assertThat(ready.getObservedGeneration()).isEqualTo(3L);
    assertThat(ready.getLastTransitionTime())
        .as("it turned True now")
        .isEqualTo("2026-12-06T11:00:00Z");
  }
}
