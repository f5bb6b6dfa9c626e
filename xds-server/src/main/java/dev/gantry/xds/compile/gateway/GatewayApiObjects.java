package dev.gantry.xds.compile.gateway;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import java.util.List;

/**
 * The Gateway API objects in the hub, as listed by synced caches: what Gateway API routes are
 * compiled from. A kind the API does not serve is an empty list.
 */
public record GatewayApiObjects(
    List<GatewayClass> gatewayClasses,
    List<Gateway> gateways,
    List<HTTPRoute> httpRoutes,
    List<GRPCRoute> grpcRoutes,
    List<ReferenceGrant> referenceGrants) {
  public static final GatewayApiObjects NONE =
      new GatewayApiObjects(List.of(), List.of(), List.of(), List.of(), List.of());

  public GatewayApiObjects {
    gatewayClasses = List.copyOf(gatewayClasses);
    gateways = List.copyOf(gateways);
    httpRoutes = List.copyOf(httpRoutes);
    grpcRoutes = List.copyOf(grpcRoutes);
    referenceGrants = List.copyOf(referenceGrants);
  }
}
