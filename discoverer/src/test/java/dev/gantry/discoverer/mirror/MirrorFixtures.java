package dev.gantry.discoverer.mirror;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;

/**
 * Remote objects as a remote apiserver would return them, and hub objects as the hub apiserver
 * would return the mirrors (with the fields it defaults), for the pure mirror tests.
 */
final class MirrorFixtures {
  static final String CLUSTER = "east";

  private MirrorFixtures() {}

  /** A remote ClusterIP Service with a selector, a UID and one port {@code http}/80. */
  static ServiceBuilder remoteService(String ns, String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .withUid("uid-" + name)
        .withResourceVersion("17")
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP("10.96.0.10")
        .withClusterIPs("10.96.0.10")
        .addToSelector("app", name)
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withProtocol("TCP")
        .withAppProtocol("http")
        .withTargetPort(new IntOrString(8080))
        .endPort()
        .endSpec();
  }

  /**
   * A remote IPv4 slice of {@code service}, as the EndpointSlice controller writes it, with no
   * endpoints yet and port {@code http}/8080.
   */
  static EndpointSliceBuilder remoteSlice(String ns, String service, String name) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .withUid("uid-" + name)
        .withResourceVersion("18")
        .addToLabels("kubernetes.io/service-name", service)
        .addToLabels("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName("http")
        .withPort(8080)
        .withProtocol("TCP")
        .endPort();
  }

  /** Adds a ready endpoint at {@code address} in zone-a. */
  static EndpointSliceBuilder withReadyEndpoint(EndpointSliceBuilder slice, String address) {
    return slice
        .addNewEndpoint()
        .withAddresses(address)
        .withNewConditions()
        .withReady(true)
        .withServing(true)
        .withTerminating(false)
        .endConditions()
        .withZone("zone-a")
        .endEndpoint();
  }

  /** The mirror {@code desired} as the hub returns it after creating it. */
  static Service asStoredByHub(Service desired) {
    List<ServicePort> ports =
        desired.getSpec().getPorts().stream()
            .map(
                p ->
                    new io.fabric8.kubernetes.api.model.ServicePortBuilder(p)
                        .withTargetPort(new IntOrString(p.getPort()))
                        .build())
            .toList();
    ServiceBuilder stored =
        new ServiceBuilder(desired)
            .editMetadata()
            .withUid("hub-uid")
            .withResourceVersion("501")
            .withCreationTimestamp("2025-01-01T00:00:00Z")
            .addToLabels("team", "payments") // added by someone else in the hub
            .addToAnnotations("note", "added in the hub")
            .endMetadata()
            .editSpec()
            .withPorts(ports)
            .withSessionAffinity("None")
            .withInternalTrafficPolicy("Cluster")
            .withIpFamilies("IPv4")
            .withIpFamilyPolicy("SingleStack")
            .endSpec();
    if (!"ExternalName".equals(desired.getSpec().getType())) {
      stored.editSpec().withClusterIPs("None").endSpec();
    }
    return stored.build();
  }

  /** The mirror slice {@code desired} as the hub returns it after creating it. */
  static EndpointSlice asStoredByHub(EndpointSlice desired) {
    return new EndpointSliceBuilder(desired)
        .editMetadata()
        .withUid("hub-uid-" + desired.getMetadata().getName())
        .withResourceVersion("502")
        .withGeneration(1L)
        .withCreationTimestamp("2025-01-01T00:00:00Z")
        .addToLabels("team", "payments")
        .endMetadata()
        .build();
  }
}
