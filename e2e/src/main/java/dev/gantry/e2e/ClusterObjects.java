package dev.gantry.e2e;

import static dev.gantry.e2e.LocalGantry.BACKEND_PORT;
import static dev.gantry.e2e.LocalGantry.NAMESPACE;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Testbed;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * What a {@link LocalGantry} run writes into its clusters: Services with their one EndpointSlice in
 * the remote clusters, HTTPProxies and Gateway API objects in the hub. Services live in {@link
 * LocalGantry#NAMESPACE} unless named otherwise, listen on port 80 and target port {@link
 * LocalGantry#BACKEND_PORT}.
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

  /** The GatewayClass of Gantry's controller that {@link #applyGateway} uses. */
  public static final String GATEWAY_CLASS = "gantry";

  /**
   * Serves {@code fqdn}, every path, through Gateway API: GatewayClass {@link #GATEWAY_CLASS} of
   * {@code gantry.dev/gateway-controller}, Gateway {@code gantry} with an HTTP listener on port 80
   * in {@link LocalGantry#NAMESPACE}, and HTTPRoute {@code route} there to the ServiceImport {@code
   * serviceImport} port 80 (the federated service of that name, every cluster's endpoints).
   */
  public void applyGateway(String route, String fqdn, String serviceImport) {
    KubernetesClient client = hubCluster.client();
    apply(
        client,
        GatewayClass.class,
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: %s}
        spec: {controllerName: gantry.dev/gateway-controller}
        """
            .formatted(GATEWAY_CLASS));
    apply(
        client,
        Gateway.class,
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gantry, namespace: %s}
        spec:
          gatewayClassName: %s
          listeners:
          - {name: http, protocol: HTTP, port: 80}
        """
            .formatted(NAMESPACE, GATEWAY_CLASS));
    apply(
        client,
        HTTPRoute.class,
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %s, namespace: %s}
        spec:
          parentRefs: [{name: gantry}]
          hostnames: [%s]
          rules:
          - matches: [{path: {type: PathPrefix, value: /}}]
            backendRefs:
            - {group: multicluster.x-k8s.io, kind: ServiceImport, name: %s, port: 80}
        """
            .formatted(route, NAMESPACE, fqdn, serviceImport));
  }

  private static <T extends HasMetadata> void apply(
      KubernetesClient client, Class<T> kind, String yaml) {
    T object =
        client
            .resources(kind)
            .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
            .item();
    var resources = client.resources(kind);
    (object.getMetadata().getNamespace() == null
            ? resources.resource(object)
            : resources.inNamespace(object.getMetadata().getNamespace()).resource(object))
        .forceConflicts()
        .serverSideApply();
  }

  /**
   * What the hub wrote of the Gateway API objects {@link #applyGateway} made: each condition's
   * status by {@code GatewayClass.<type>}, {@code Gateway.<type>} and {@code HTTPRoute.<type>} (our
   * controller's parent entry); absent until written.
   */
  public Map<String, String> gatewayConditions(String route) {
    KubernetesClient client = hubCluster.client();
    Map<String, String> conditions = new TreeMap<>();
    GatewayClass cls = client.resources(GatewayClass.class).withName(GATEWAY_CLASS).get();
    if (cls != null && cls.getStatus() != null) {
      put(conditions, "GatewayClass", cls.getStatus().getConditions());
    }
    Gateway gw = client.resources(Gateway.class).inNamespace(NAMESPACE).withName("gantry").get();
    if (gw != null && gw.getStatus() != null) {
      put(conditions, "Gateway", gw.getStatus().getConditions());
    }
    HTTPRoute r = client.resources(HTTPRoute.class).inNamespace(NAMESPACE).withName(route).get();
    if (r != null && r.getStatus() != null) {
      r.getStatus().getParents().stream()
          .filter(p -> "gantry.dev/gateway-controller".equals(p.getControllerName()))
          .map(RouteParentStatus::getConditions)
          .forEach(c -> put(conditions, "HTTPRoute", c));
    }
    return conditions;
  }

  private static void put(Map<String, String> into, String kind, List<Condition> conditions) {
    if (conditions != null) {
      conditions.forEach(c -> into.put(kind + "." + c.getType(), c.getStatus()));
    }
  }
}
