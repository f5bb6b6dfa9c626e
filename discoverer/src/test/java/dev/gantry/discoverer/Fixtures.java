package dev.gantry.discoverer;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.UUID;

/** Fluent builders for the remote objects tests create (a remote's controllers would). */
final class Fixtures {
  private Fixtures() {}

  static String uniqueNamespace(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  static void namespace(KubernetesClient client, String ns) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
  }

  /** A ClusterIP Service with one port {@code http}/80, selector-less (tests write slices). */
  static ServiceBuilder service(String ns, String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withProtocol("TCP")
        .withAppProtocol("http")
        .endPort()
        .endSpec();
  }

  /** An IPv4 slice of {@code service} with endpoints 198.18.{block}.1..n (never contacted). */
  static EndpointSliceBuilder slice(String ns, String service, String name, int block, int n) {
    EndpointSliceBuilder builder =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .addToLabels("kubernetes.io/service-name", service)
            .addToLabels(
                "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
            .endMetadata()
            .withAddressType("IPv4")
            .addNewPort()
            .withName("http")
            .withPort(8080)
            .withProtocol("TCP")
            .endPort();
    for (int i = 1; i <= n; i++) {
      builder
          .addNewEndpoint()
          .withAddresses("198.18." + block + "." + i)
          .withNewConditions()
          .withReady(true)
          .withServing(true)
          .withTerminating(false)
          .endConditions()
          .withZone("zone-a")
          .endEndpoint();
    }
    return builder;
  }

  static Service create(KubernetesClient client, Service service) {
    return client.resource(service).create();
  }

  static EndpointSlice create(KubernetesClient client, EndpointSlice slice) {
    return client.resource(slice).create();
  }
}
