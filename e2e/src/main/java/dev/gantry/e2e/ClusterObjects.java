package dev.gantry.e2e;

import static dev.gantry.e2e.LocalGantry.BACKEND_PORT;
import static dev.gantry.e2e.LocalGantry.NAMESPACE;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Testbed;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What a {@link LocalGantry} run writes into its clusters: Services with their one EndpointSlice in
 * the remote clusters, HTTPProxies in the hub. Services live in {@link LocalGantry#NAMESPACE}
 * unless named otherwise, listen on port 80 and target port {@link LocalGantry#BACKEND_PORT}.
 */
public final class ClusterObjects {
  private final Testbed testbed;
  private final KubeCluster hubCluster;
  private final UnaryOperator<String> backendAddress;

  ClusterObjects(Testbed testbed, KubeCluster hubCluster, UnaryOperator<String> backendAddress) {
    this.testbed = testbed;
    this.hubCluster = hubCluster;
    this.backendAddress = backendAddress;
  }

  /**
   * Writes {@code service} (port 80, name {@code http}) and its one EndpointSlice in {@code
   * cluster}, with the named backends as ready endpoints; an empty list leaves no endpoints.
   */
  public void publishService(String cluster, String service, List<String> backendNames) {
    publishService(cluster, service, "http", BACKEND_PORT, backendNames);
  }

  /**
   * Writes {@code service} (port 80 named {@code portName}) and its one EndpointSlice in {@code
   * cluster}, with the named backends as ready endpoints listening on {@code targetPort}.
   */
  public void publishService(
      String cluster, String service, String portName, int targetPort, List<String> backendNames) {
    publishAddresses(
        cluster, service, portName, targetPort, backendNames.stream().map(backendAddress).toList());
  }

  /**
   * As {@link #publishService(String, String, String, int, List)}, with endpoint addresses given
   * directly (e.g. data-only ones in 198.18.0.0/15 that nothing ever contacts).
   */
  public void publishAddresses(
      String cluster, String service, String portName, int targetPort, List<String> addresses) {
    publishAddresses(cluster, NAMESPACE, service, portName, targetPort, addresses);
  }

  /** As {@link #publishService(String, String, List)} in {@code namespace}. */
  public void publishService(
      String cluster, String namespace, String service, List<String> backendNames) {
    publishAddresses(
        cluster,
        namespace,
        service,
        "http",
        BACKEND_PORT,
        backendNames.stream().map(backendAddress).toList());
  }

  private void publishAddresses(
      String cluster,
      String namespace,
      String service,
      String portName,
      int targetPort,
      List<String> addresses) {
    KubernetesClient client = testbed.cluster(cluster).client();
    client
        .services()
        .inNamespace(namespace)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(service)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName(portName)
                .withPort(80)
                .withNewTargetPort(targetPort)
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build())
        .serverSideApply();
    publishEndpointSlice(cluster, namespace, service, portName, targetPort, addresses);
  }

  /**
   * Writes only {@code service}'s one EndpointSlice in {@code cluster} (the Service must exist,
   * e.g. from {@link #publishAddresses}): one apiserver write, for timing a change of endpoints.
   */
  public void publishEndpointSlice(
      String cluster, String service, String portName, int targetPort, List<String> addresses) {
    publishEndpointSlice(cluster, NAMESPACE, service, portName, targetPort, addresses);
  }

  private void publishEndpointSlice(
      String cluster,
      String namespace,
      String service,
      String portName,
      int targetPort,
      List<String> addresses) {
    KubernetesClient client = testbed.cluster(cluster).client();
    List<Endpoint> endpoints = new ArrayList<>();
    for (String address : addresses) {
      endpoints.add(
          new EndpointBuilder()
              .withAddresses(address)
              .withNewConditions()
              .withReady(true)
              .withServing(true)
              .withTerminating(false)
              .endConditions()
              .withZone(cluster + "-a")
              .build());
    }
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(namespace)
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(service + "-slice")
                .withNamespace(namespace)
                .addToLabels("kubernetes.io/service-name", service)
                .endMetadata()
                .withAddressType("IPv4")
                .addNewPort()
                .withName(portName)
                .withPort(targetPort)
                .withProtocol("TCP")
                .endPort()
                .withEndpoints(endpoints)
                .build())
        .serverSideApply();
  }

  /**
   * Routes {@code fqdn}, every path, to service {@code service} port 80 in {@link
   * LocalGantry#NAMESPACE}: a federated name like {@code kuard} or one cluster's mirror like {@code
   * east-kuard}.
   */
  public HTTPProxy applyProxy(String name, String fqdn, String service) {
    return applyProxy(
        """
        apiVersion: projectcontour.io/v1
        kind: HTTPProxy
        metadata: {name: %s, namespace: %s}
        spec:
          ingressClassName: gantry
          virtualhost: {fqdn: %s}
          routes:
          - conditions: [{prefix: /}]
            services: [{name: %s, port: 80}]
        """
            .formatted(name, NAMESPACE, fqdn, service));
  }

  /** Creates or replaces an HTTPProxy in the hub from YAML. */
  public HTTPProxy applyProxy(String yaml) {
    KubernetesClient client = hubCluster.client();
    HTTPProxy proxy =
        client
            .resources(HTTPProxy.class)
            .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
            .item();
    return client
        .resources(HTTPProxy.class)
        .inNamespace(proxy.getMetadata().getNamespace())
        .resource(proxy)
        .forceConflicts()
        .serverSideApply();
  }

  /** The HTTPProxy as stored in the hub, with the status the hub wrote. */
  public HTTPProxy proxy(String namespace, String name) {
    return hubCluster
        .client()
        .resources(HTTPProxy.class)
        .inNamespace(namespace)
        .withName(name)
        .get();
  }
}
