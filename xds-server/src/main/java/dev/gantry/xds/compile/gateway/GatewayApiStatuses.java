package dev.gantry.xds.compile.gateway;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteStatus;
import java.util.Map;

/**
 * The statuses a build computed for the Gateway API objects that are ours: GatewayClasses by name,
 * the others by {@code namespace/name}. Conditions carry the observed generation and no transition
 * time (the status writer keeps the time of a condition that did not change, and stamps the
 * others). An object that is not ours has no entry, and its status is left alone.
 */
public record GatewayApiStatuses(
    Map<String, GatewayClassStatus> gatewayClasses,
    Map<String, GatewayStatus> gateways,
    Map<String, HTTPRouteStatus> httpRoutes,
    Map<String, GRPCRouteStatus> grpcRoutes,
    Map<String, TLSRouteStatus> tlsRoutes) {
  public static final GatewayApiStatuses NONE =
      new GatewayApiStatuses(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

  /** Without TLSRoutes. */
  public GatewayApiStatuses(
      Map<String, GatewayClassStatus> gatewayClasses,
      Map<String, GatewayStatus> gateways,
      Map<String, HTTPRouteStatus> httpRoutes,
      Map<String, GRPCRouteStatus> grpcRoutes) {
    this(gatewayClasses, gateways, httpRoutes, grpcRoutes, Map.of());
  }

  public GatewayApiStatuses {
    gatewayClasses = Map.copyOf(gatewayClasses);
    gateways = Map.copyOf(gateways);
    httpRoutes = Map.copyOf(httpRoutes);
    grpcRoutes = Map.copyOf(grpcRoutes);
    tlsRoutes = Map.copyOf(tlsRoutes);
  }
}
