package dev.gantry.aggregator.mcs;

import static dev.gantry.aggregator.HubFixtures.HTTP;
import static dev.gantry.aggregator.HubFixtures.locality;
import static dev.gantry.aggregator.HubFixtures.ready;
import static dev.gantry.aggregator.HubFixtures.service;
import static dev.gantry.aggregator.HubFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.api.crd.mcs.ServiceImportSpec;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.federation.ServicePortSpec;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceImportViewTest {
  private static final ServicePortSpec GRPC = new ServicePortSpec("grpc", 9000, "TCP", null);

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
    ServiceImport resource = view.toResource(ServiceName.of("shop", "web"));

    assertThat(resource.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(resource.getMetadata().getName()).isEqualTo("web");
    assertThat(resource.getMetadata().getLabels())
        .containsEntry(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
    assertThat(resource.getMetadata().getAnnotations())
        .containsEntry(ServiceImport.CLUSTERS_ANNOTATION, "east,west");
    assertThat(resource.getSpec().getPorts().get(0).getName()).isNull();
    assertThat(ServiceImportView.of(resource)).isEqualTo(view);
    assertThat(view.objectMatches(resource)).isTrue();
    assertThat(view.statusMatches(resource)).isTrue();
  }

  @Test
  void changedPortsOrClustersNoLongerMatch() {
    ServiceImportView view =
        new ServiceImportView(ServiceImportSpec.Type.Headless, List.of(HTTP), List.of("east"));
    ServiceImport resource = view.toResource(ServiceName.of("shop", "web"));

    ServiceImportView otherPorts =
        new ServiceImportView(ServiceImportSpec.Type.Headless, List.of(GRPC), List.of("east"));
    ServiceImportView otherClusters =
        new ServiceImportView(
            ServiceImportSpec.Type.Headless, List.of(HTTP), List.of("east", "west"));
    assertThat(otherPorts.objectMatches(resource)).isFalse();
    assertThat(otherPorts.statusMatches(resource)).isTrue();
    // The clusters are in the status and, for kubectl's Clusters column, in an annotation.
    assertThat(otherClusters.objectMatches(resource)).isFalse();
    assertThat(otherClusters.statusMatches(resource)).isFalse();

    resource.setStatus(null); // as returned by a create: the status is a subresource
    assertThat(view.statusMatches(resource)).isFalse();
  }
}
