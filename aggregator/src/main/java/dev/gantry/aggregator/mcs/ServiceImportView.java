package dev.gantry.aggregator.mcs;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.api.crd.mcs.ServiceImportSpec;
import dev.gantry.api.crd.mcs.ServiceImportStatus;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.federation.ServicePortSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a ServiceImport says about one federated service, as a value: desired ones come from a
 * snapshot, actual ones from the hub, and the publisher writes only where the two differ.
 */
public record ServiceImportView(
    ServiceImportSpec.Type type, List<ServicePortSpec> ports, List<String> clusters) {
  public ServiceImportView {
    Objects.requireNonNull(type, "type");
    ports = ports.stream().sorted().toList();
    clusters = clusters.stream().sorted().toList();
  }

  /**
   * The ServiceImports a snapshot calls for: one per federated service that at least one remote
   * cluster exports. Every hub Service is trivially federated with itself; importing each of those
   * would bury the multi-cluster ones.
   */
  public static Map<ServiceName, ServiceImportView> desired(FederationSnapshot snapshot) {
    Map<ServiceName, ServiceImportView> desired = new TreeMap<>();
    for (FederatedService service : snapshot.federated().values()) {
      boolean remote =
          service.clusters().keySet().stream()
              .anyMatch(c -> !FederationSnapshot.LOCAL_CLUSTER.equals(c));
      if (remote) {
        // Mirrors are headless and Gantry allocates no cluster-set IP.
        desired.put(
            service.name(),
            new ServiceImportView(
                ServiceImportSpec.Type.Headless,
                service.ports(),
                new ArrayList<>(service.clusters().keySet())));
      }
    }
    return desired;
  }

  /** The view of a ServiceImport read from the hub; missing parts read as empty. */
  public static ServiceImportView of(ServiceImport actual) {
    ServiceImportSpec spec = actual.getSpec();
    List<ServicePortSpec> ports = new ArrayList<>();
    if (spec != null && spec.getPorts() != null) {
      for (ServiceImportSpec.Port p : spec.getPorts()) {
        if (p != null && p.getPort() != null && p.getPort() >= 1 && p.getPort() <= 65535) {
          ports.add(
              new ServicePortSpec(p.getName(), p.getPort(), p.getProtocol(), p.getAppProtocol()));
        }
      }
    }
    List<String> clusters = new ArrayList<>();
    if (actual.getStatus() != null && actual.getStatus().getClusters() != null) {
      actual.getStatus().getClusters().stream()
          .filter(c -> c != null && c.getCluster() != null)
          .forEach(c -> clusters.add(c.getCluster()));
    }
    ServiceImportSpec.Type type =
        spec == null || spec.getType() == null ? ServiceImportSpec.Type.Headless : spec.getType();
    return new ServiceImportView(type, ports, clusters);
  }

  /** Whether {@code actual}'s spec and clusters annotation say what this view says. */
  public boolean objectMatches(ServiceImport actual) {
    Map<String, String> annotations = actual.getMetadata().getAnnotations();
    return actual.getSpec() != null
        && actual.getSpec().getType() == type
        && of(actual).ports.equals(ports)
        && annotations != null
        && clustersAnnotation().equals(annotations.get(ServiceImport.CLUSTERS_ANNOTATION));
  }

  /** Whether {@code actual}'s status lists exactly this view's clusters. */
  public boolean statusMatches(ServiceImport actual) {
    return of(actual).clusters.equals(clusters);
  }

  /** A new, managed ServiceImport named {@code name} with this spec and status. */
  public ServiceImport toResource(ServiceName name) {
    ServiceImport resource = new ServiceImport();
    resource.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(name.namespace())
            .withName(name.name())
            .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
            .addToAnnotations(ServiceImport.CLUSTERS_ANNOTATION, clustersAnnotation())
            .build());
    resource.setSpec(spec());
    resource.setStatus(status());
    return resource;
  }

  String clustersAnnotation() {
    return String.join(",", clusters);
  }

  ServiceImportSpec spec() {
    ServiceImportSpec spec = new ServiceImportSpec();
    spec.setType(type);
    List<ServiceImportSpec.Port> list = new ArrayList<>();
    for (ServicePortSpec p : ports) {
      ServiceImportSpec.Port port = new ServiceImportSpec.Port();
      port.setName(p.name().isEmpty() ? null : p.name());
      port.setPort(p.port());
      port.setProtocol(p.protocol());
      port.setAppProtocol(p.appProtocol());
      list.add(port);
    }
    spec.setPorts(list);
    return spec;
  }

  ServiceImportStatus status() {
    ServiceImportStatus status = new ServiceImportStatus();
    clusters.forEach(c -> status.getClusters().add(new ServiceImportStatus.ClusterStatus(c)));
    return status;
  }
}
