package dev.gantry.xds.compile.gateway;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import java.util.List;
import java.util.Map;

/**
 * The Gateway API objects in the hub, as listed by synced caches: what Gateway API routes are
 * compiled from (HTTPRoutes, GRPCRoutes, and TLSRoutes passed through by SNI). A kind the API does
 * not serve is an empty list. {@code namespaceLabels} are the labels of the namespaces, by name,
 * that listeners' {@code allowedRoutes} selectors match (a namespace not in it has only {@code
 * kubernetes.io/metadata.name}, as the apiserver sets it).
 */
public record GatewayApiObjects(
    List<GatewayClass> gatewayClasses,
    List<Gateway> gateways,
    List<HTTPRoute> httpRoutes,
    List<GRPCRoute> grpcRoutes,
    List<ReferenceGrant> referenceGrants,
    Map<String, Map<String, String>> namespaceLabels,
    List<TLSRoute> tlsRoutes) {
  public static final GatewayApiObjects NONE =
      new GatewayApiObjects(List.of(), List.of(), List.of(), List.of(), List.of());

  /**
   * Whether there is nothing to compile: no object of any kind (namespaces' labels alone select
   * nothing). A hub with the CRDs and none of their objects compiles as one without them.
   */
  public boolean none() {
    return gatewayClasses.isEmpty()
        && gateways.isEmpty()
        && httpRoutes.isEmpty()
        && grpcRoutes.isEmpty()
        && referenceGrants.isEmpty()
        && tlsRoutes.isEmpty();
  }

  /** Without namespace labels: a selector matches a namespace by its name label only. */
  public GatewayApiObjects(
      List<GatewayClass> gatewayClasses,
      List<Gateway> gateways,
      List<HTTPRoute> httpRoutes,
      List<GRPCRoute> grpcRoutes,
      List<ReferenceGrant> referenceGrants) {
    this(gatewayClasses, gateways, httpRoutes, grpcRoutes, referenceGrants, Map.of());
  }

  /** Without TLSRoutes (a hub where their CRD is not served). */
  public GatewayApiObjects(
      List<GatewayClass> gatewayClasses,
      List<Gateway> gateways,
      List<HTTPRoute> httpRoutes,
      List<GRPCRoute> grpcRoutes,
      List<ReferenceGrant> referenceGrants,
      Map<String, Map<String, String>> namespaceLabels) {
    this(
        gatewayClasses,
        gateways,
        httpRoutes,
        grpcRoutes,
        referenceGrants,
        namespaceLabels,
        List.of());
  }

  public GatewayApiObjects {
    gatewayClasses = List.copyOf(gatewayClasses);
    gateways = List.copyOf(gateways);
    httpRoutes = List.copyOf(httpRoutes);
    grpcRoutes = List.copyOf(grpcRoutes);
    referenceGrants = List.copyOf(referenceGrants);
    namespaceLabels = Map.copyOf(namespaceLabels);
    tlsRoutes = List.copyOf(tlsRoutes);
  }

  /** These objects with {@code routes} as the TLSRoutes. */
  public GatewayApiObjects withTlsRoutes(List<TLSRoute> routes) {
    return new GatewayApiObjects(
        gatewayClasses, gateways, httpRoutes, grpcRoutes, referenceGrants, namespaceLabels, routes);
  }
}
