package dev.gantry.xds.publish;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederatedEndpoint;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.federation.ServicePortSpec;
import java.util.List;
import java.util.Map;

/**
 * The input of a warm-up build ({@link XdsPublisher#warmUp}): one HTTPProxy of a route to a
 * federated service of one cluster and one endpoint. Never served.
 */
final class WarmUp {
  private static final ServiceName SERVICE = ServiceName.of("gantry-warm-up", "backend");

  private WarmUp() {}

  static HTTPProxy proxy(String ingressClass) {
    HTTPProxy proxy = new HTTPProxy();
    proxy.getMetadata().setNamespace(SERVICE.namespace());
    proxy.getMetadata().setName("warm-up");
    proxy.getMetadata().setGeneration(1L);
    HTTPProxySpec spec = new HTTPProxySpec();
    spec.setIngressClassName(ingressClass);
    HTTPProxySpec.VirtualHost host = new HTTPProxySpec.VirtualHost();
    host.setFqdn("warm-up.gantry.invalid");
    spec.setVirtualhost(host);
    HTTPProxySpec.MatchCondition prefix = new HTTPProxySpec.MatchCondition();
    prefix.setPrefix("/");
    HTTPProxySpec.RouteService service = new HTTPProxySpec.RouteService();
    service.setName(SERVICE.name());
    service.setPort(80);
    HTTPProxySpec.Route route = new HTTPProxySpec.Route();
    route.getConditions().add(prefix);
    route.getServices().add(service);
    spec.getRoutes().add(route);
    proxy.setSpec(spec);
    return proxy;
  }

  static FederationSnapshot federation() {
    FederatedService service =
        new FederatedService(
            SERVICE,
            List.of(new ServicePortSpec("http", 80, "TCP", null)),
            Map.of(
                "warm-up",
                new ClusterEndpoints(
                    "warm-up",
                    0,
                    ClusterEndpoints.DEFAULT_WEIGHT,
                    false,
                    List.of(
                        new FederatedEndpoint(
                            "198.18.0.1",
                            Map.of("http", 8080),
                            FederatedEndpoint.State.READY,
                            null)))),
            List.of());
    return new FederationSnapshot(Map.of(SERVICE, service), Map.of());
  }
}
