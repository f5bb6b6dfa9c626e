package dev.gantry.aggregator.mcs;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.api.crd.mcs.ServiceImportSpec;
import dev.gantry.api.crd.mcs.ServiceImportStatus;
import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederatedEndpoint;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.federation.ServicePortSpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a ServiceImport says about one federated service, as a value: desired ones come from a
 * snapshot, actual ones from the hub, and the publisher writes only where the two differ. Gantry
 * owns a managed import's {@code spec.type}, {@code spec.ports}, {@code status.clusters} and its
 * {@code Ready} condition (MCS API v0.5.2's: True, reason Ready, once the federation's ports and
 * clusters are written and some cluster has an endpoint that serves; False, reason Pending, while
 * none has), whose transition time moves only when its status does; whatever else other MCS tools
 * write there is kept.
 *
 * @param serving whether some cluster's share can take traffic: an endpoint that is ready (or
 *     serving while it terminates), an ExternalName, or a name the hub's DNS resolves
 */
public record ServiceImportView(
    ServiceImportSpec.Type type,
    List<ServicePortSpec> ports,
    List<String> clusters,
    boolean serving) {
  public ServiceImportView {
    Objects.requireNonNull(type, "type");
    ports = ports.stream().sorted().toList();
    clusters = clusters.stream().sorted().toList();
  }

  /** A view of an import that serves. */
  public ServiceImportView(
      ServiceImportSpec.Type type, List<ServicePortSpec> ports, List<String> clusters) {
    this(type, ports, clusters, true);
  }

  /** Whether some cluster of {@code service} (null: none) can take traffic. */
  public static boolean serving(FederatedService service) {
    if (service == null) {
      return false;
    }
    for (ClusterEndpoints c : service.clusters().values()) {
      if (c.external()
          || c.dnsName() != null
          || c.endpoints().stream()
              .anyMatch(
                  e ->
                      e.state() == FederatedEndpoint.State.READY
                          || e.state() == FederatedEndpoint.State.SERVING_TERMINATING)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The ServiceImports a snapshot calls for: one per federated service that at least one remote
   * cluster exports. Every hub Service is trivially federated with itself; importing each of those
   * would bury the multi-cluster ones.
   */
  public static Map<ServiceName, ServiceImportView> desired(FederationSnapshot snapshot) {
    Map<ServiceName, ServiceImportView> desired = new TreeMap<>();
    for (FederatedService service : snapshot.federated().values()) {
      ServiceImportView view = desired(service);
      if (view != null) {
        desired.put(service.name(), view);
      }
    }
    return desired;
  }

  /**
   * The ServiceImport one federated service (null: none) calls for, or null if no remote cluster
   * exports it.
   */
  public static ServiceImportView desired(FederatedService service) {
    if (service == null
        || service.clusters().keySet().stream()
            .allMatch(FederationSnapshot.LOCAL_CLUSTER::equals)) {
      return null;
    }
    // Mirrors are headless and Gantry allocates no cluster-set IP.
    return new ServiceImportView(
        ServiceImportSpec.Type.Headless,
        service.ports(),
        new ArrayList<>(service.clusters().keySet()),
        serving(service));
  }

  /**
   * The view of a ServiceImport read from the hub; missing parts read as empty, a missing Ready
   * condition as serving.
   */
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
    Condition ready = ready(actual.getStatus());
    return new ServiceImportView(
        type, ports, clusters, ready == null || !"False".equals(ready.getStatus()));
  }

  /**
   * Whether {@code actual}'s spec says what this view says (type and ports; the other fields are
   * not Gantry's), and it no longer carries the clusters annotation of Gantry's earlier CRD.
   */
  public boolean objectMatches(ServiceImport actual) {
    Map<String, String> annotations = actual.getMetadata().getAnnotations();
    return actual.getSpec() != null
        && actual.getSpec().getType() == type
        && of(actual).ports.equals(ports)
        && (annotations == null || !annotations.containsKey(ServiceImport.CLUSTERS_ANNOTATION));
  }

  /**
   * Whether {@code actual}'s status lists exactly this view's clusters and says Ready as this view
   * would, for its current generation.
   */
  public boolean statusMatches(ServiceImport actual) {
    if (!of(actual).clusters.equals(clusters)) {
      return false;
    }
    Condition ready = ready(actual.getStatus());
    return ready != null
        && readyStatus().equals(ready.getStatus())
        && readyReason().equals(ready.getReason())
        && readyMessage().equals(ready.getMessage())
        && Objects.equals(ready.getObservedGeneration(), actual.getMetadata().getGeneration());
  }

  /** A new, managed ServiceImport named {@code name} with this spec and status. */
  public ServiceImport toResource(ServiceName name, Instant now) {
    ServiceImport resource = new ServiceImport();
    resource.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(name.namespace())
            .withName(name.name())
            .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
            .build());
    writeSpec(resource);
    writeStatus(resource, now);
    return resource;
  }

  /**
   * Writes what Gantry owns of the spec into {@code copy} (a copy of the hub's object): the type
   * and the ports. Every other field, another tool's, stays as it is. The clusters annotation of
   * Gantry's earlier CRD is removed.
   */
  public void writeSpec(ServiceImport copy) {
    Map<String, String> annotations = copy.getMetadata().getAnnotations();
    if (annotations != null) {
      annotations.remove(ServiceImport.CLUSTERS_ANNOTATION);
    }
    if (copy.getSpec() == null) {
      copy.setSpec(new ServiceImportSpec());
    }
    copy.getSpec().setType(type);
    List<ServiceImportSpec.Port> list = new ArrayList<>();
    for (ServicePortSpec p : ports) {
      ServiceImportSpec.Port port = new ServiceImportSpec.Port();
      port.setName(p.name().isEmpty() ? null : p.name());
      port.setPort(p.port());
      port.setProtocol(p.protocol());
      port.setAppProtocol(p.appProtocol());
      list.add(port);
    }
    copy.getSpec().setPorts(list);
  }

  /**
   * Writes what Gantry owns of the status into {@code copy} (a copy of the hub's object): the
   * clusters (an entry kept keeps whatever else it holds) and the {@code Ready} condition, whose
   * transition time moves only when its status does. Other conditions and fields stay.
   */
  public void writeStatus(ServiceImport copy, Instant now) {
    ServiceImportStatus status = copy.getStatus();
    if (status == null) {
      status = new ServiceImportStatus();
      copy.setStatus(status);
    }
    Map<String, ServiceImportStatus.ClusterStatus> kept = new TreeMap<>();
    if (status.getClusters() != null) {
      for (ServiceImportStatus.ClusterStatus c : status.getClusters()) {
        if (c != null && c.getCluster() != null && clusters.contains(c.getCluster())) {
          kept.putIfAbsent(c.getCluster(), c);
        }
      }
    }
    List<ServiceImportStatus.ClusterStatus> next = new ArrayList<>();
    for (String cluster : clusters) {
      next.add(kept.getOrDefault(cluster, new ServiceImportStatus.ClusterStatus(cluster)));
    }
    status.setClusters(next);

    List<Condition> conditions =
        status.getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(status.getConditions());
    Condition before = ready(status);
    Condition ready = new Condition();
    ready.setType(ServiceImportStatus.READY);
    ready.setStatus(readyStatus());
    ready.setReason(readyReason());
    ready.setMessage(readyMessage());
    ready.setObservedGeneration(copy.getMetadata().getGeneration());
    ready.setLastTransitionTime(
        before != null
                && readyStatus().equals(before.getStatus())
                && before.getLastTransitionTime() != null
            ? before.getLastTransitionTime()
            : now.truncatedTo(ChronoUnit.SECONDS).toString());
    // In the place of the one it replaces: other tools' conditions keep their order.
    int at = conditions.indexOf(before);
    if (at >= 0) {
      conditions.set(at, ready);
    } else {
      conditions.add(ready);
    }
    status.setConditions(conditions);
  }

  private String readyStatus() {
    return serving ? "True" : "False";
  }

  private String readyReason() {
    return serving ? ServiceImportStatus.REASON_READY : ServiceImportStatus.REASON_PENDING;
  }

  /**
   * The message of the Ready condition: which clusters the import is made of, and, while it does
   * not serve, why.
   */
  String readyMessage() {
    String from =
        "imported from "
            + clusters.size()
            + (clusters.size() == 1 ? " cluster: " : " clusters: ")
            + String.join(", ", clusters);
    return serving ? from : "no cluster has an endpoint that serves yet; " + from;
  }

  private static Condition ready(ServiceImportStatus status) {
    if (status == null || status.getConditions() == null) {
      return null;
    }
    return status.getConditions().stream()
        .filter(c -> c != null && ServiceImportStatus.READY.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }
}
