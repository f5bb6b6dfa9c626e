package dev.gantry.testbed;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A Service and the EndpointSlice a controller manager would write for it: with no controller
 * manager in the test bed, tests write both.
 */
public final class HubServices {
  private HubServices() {}

  /**
   * Applies Service {@code namespace/name} with one port ({@code portName}, {@code port}) and its
   * EndpointSlice {@code <name>-1} with one ready endpoint, {@code address}:{@code targetPort}. The
   * namespace must exist; the address must be one the apiserver accepts (not loopback).
   */
  public static void withEndpoint(
      KubernetesClient client,
      String namespace,
      String name,
      String portName,
      int port,
      int targetPort,
      String address) {
    client
        .services()
        .inNamespace(namespace)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName(portName)
                .withPort(port)
                .endPort()
                .endSpec()
                .build())
        .serverSideApply();
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(namespace)
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(name + "-1")
                .withNamespace(namespace)
                .addToLabels("kubernetes.io/service-name", name)
                .endMetadata()
                .withAddressType("IPv4")
                .addNewPort()
                .withName(portName)
                .withPort(targetPort)
                .endPort()
                .addNewEndpoint()
                .withAddresses(address)
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .build())
        .serverSideApply();
  }
}
