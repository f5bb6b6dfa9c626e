package dev.gantry.discoverer.mirror;

import dev.gantry.api.CopiedAnnotations;
import dev.gantry.api.Labels;
import dev.gantry.api.MirrorNames;
import dev.gantry.api.federation.ServiceName;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditionsBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure translation of one remote Service and its EndpointSlices into the hub objects that mirror
 * them (DESIGN.md "Hub conventions"). No I/O: the reconciler compares the result with the hub.
 */
public final class MirrorPlanner {
  private final String cluster;
  private final MirrorScope scope;

  public MirrorPlanner(String cluster, MirrorScope scope) {
    String problem = MirrorNames.clusterNameProblem(cluster);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    this.cluster = cluster;
    this.scope = scope;
  }

  public String cluster() {
    return cluster;
  }

  public MirrorScope scope() {
    return scope;
  }

  /**
   * The desired hub state for {@code key}: {@link DesiredMirror#absent} when the Service is gone or
   * out of scope (its mirrors must then be deleted).
   */
  public DesiredMirror plan(ServiceName key, Service remote, List<EndpointSlice> remoteSlices) {
    if (remote == null) {
      return DesiredMirror.absent(key, "the remote Service does not exist");
    }
    String excluded = scope.exclusionReason(remote);
    if (excluded != null) {
      return DesiredMirror.absent(key, excluded);
    }
    String mirrorName = MirrorNames.mirrorServiceName(cluster, key.name());
    Service service = mirrorService(remote, mirrorName);
    List<EndpointSlice> slices = new ArrayList<>();
    if (!"ExternalName".equals(remote.getSpec().getType())) {
      for (EndpointSlice slice : remoteSlices) {
        if (isMirror(slice.getMetadata().getLabels())) {
          continue; // a slice another discoverer wrote into this cluster: never loop it back
        }
        slices.add(mirrorSlice(key, mirrorName, slice));
      }
    }
    slices.sort(Comparator.comparing(s -> s.getMetadata().getName()));
    return DesiredMirror.present(key, service, slices);
  }

  private static boolean isMirror(Map<String, String> labels) {
    return labels != null
        && (labels.containsKey(Labels.CLUSTER)
            || Labels.ENDPOINTSLICE_MANAGED_BY_VALUE.equals(
                labels.get(Labels.ENDPOINTSLICE_MANAGED_BY)));
  }

  private Service mirrorService(Service remote, String mirrorName) {
    List<ServicePort> ports = new ArrayList<>();
    if (remote.getSpec().getPorts() != null) {
      for (ServicePort p : remote.getSpec().getPorts()) {
        ports.add(
            new ServicePortBuilder()
                .withName(p.getName())
                .withPort(p.getPort())
                .withProtocol(p.getProtocol() == null ? "TCP" : p.getProtocol())
                .withAppProtocol(p.getAppProtocol())
                .build());
      }
    }
    ports.sort(Comparator.comparing(ServicePort::getPort).thenComparing(ServicePort::getProtocol));
    ObjectMeta metadata =
        metadata(mirrorName, remote.getMetadata().getNamespace(), remote.getMetadata(), Map.of());
    // How Contour users say which ports speak h2, h2c or TLS, and whether the hub's DNS is to
    // resolve the Service: the hub reads them off the mirror.
    metadata.getAnnotations().putAll(CopiedAnnotations.of(remote.getMetadata().getAnnotations()));
    ServiceBuilder builder = new ServiceBuilder().withMetadata(metadata);
    if ("ExternalName".equals(remote.getSpec().getType())) {
      builder
          .withNewSpec()
          .withType("ExternalName")
          .withExternalName(remote.getSpec().getExternalName())
          .withPorts(ports)
          .endSpec();
    } else {
      // Headless and selector-less: the hub never proxies, it only carries the endpoints.
      builder.withNewSpec().withType("ClusterIP").withClusterIP("None").withPorts(ports).endSpec();
    }
    return builder.build();
  }

  private EndpointSlice mirrorSlice(
      ServiceName key, String mirrorServiceName, EndpointSlice remote) {
    String name = MirrorNames.mirrorServiceName(cluster, remote.getMetadata().getName());
    List<Endpoint> endpoints = new ArrayList<>();
    if (remote.getEndpoints() != null) {
      for (Endpoint e : remote.getEndpoints()) {
        EndpointConditionsBuilder conditions = new EndpointConditionsBuilder();
        if (e.getConditions() != null) {
          conditions
              .withReady(e.getConditions().getReady())
              .withServing(e.getConditions().getServing())
              .withTerminating(e.getConditions().getTerminating());
        }
        endpoints.add(
            new EndpointBuilder()
                .withAddresses(new ArrayList<>(e.getAddresses()))
                .withConditions(conditions.build())
                .withHostname(e.getHostname())
                .withZone(e.getZone())
                .build());
      }
    }
    List<EndpointPort> ports = new ArrayList<>();
    if (remote.getPorts() != null) {
      for (EndpointPort p : remote.getPorts()) {
        ports.add(
            new EndpointPortBuilder()
                .withName(p.getName())
                .withPort(p.getPort())
                .withProtocol(p.getProtocol() == null ? "TCP" : p.getProtocol())
                .withAppProtocol(p.getAppProtocol())
                .build());
      }
    }
    Map<String, String> extraLabels = new LinkedHashMap<>();
    extraLabels.put(Labels.SERVICE_NAME, mirrorServiceName);
    extraLabels.put(Labels.ENDPOINTSLICE_MANAGED_BY, Labels.ENDPOINTSLICE_MANAGED_BY_VALUE);
    return new EndpointSliceBuilder()
        .withMetadata(
            metadata(name, key.namespace(), remote.getMetadata(), extraLabels, key.name()))
        .withAddressType(remote.getAddressType())
        .withEndpoints(endpoints)
        .withPorts(ports)
        .build();
  }

  private ObjectMeta metadata(
      String name, String namespace, ObjectMeta source, Map<String, String> extraLabels) {
    return metadata(name, namespace, source, extraLabels, source.getName());
  }

  private ObjectMeta metadata(
      String name,
      String namespace,
      ObjectMeta source,
      Map<String, String> extraLabels,
      String serviceName) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.CLUSTER, cluster);
    labels.put(Labels.SERVICE, serviceName);
    labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
    labels.putAll(extraLabels);
    Map<String, String> annotations = new LinkedHashMap<>();
    if (source.getUid() != null) {
      annotations.put(Labels.SOURCE_UID, source.getUid());
    }
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .withAnnotations(annotations)
        .build();
  }
}
