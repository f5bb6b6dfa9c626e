package dev.gantry.xds.translate;

import com.google.protobuf.UInt32Value;
import dev.gantry.xds.model.RoutingTable;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;

/** The {@code ingress_http} RouteConfiguration: one virtual host per fqdn, as Contour names it. */
public final class RouteTranslator {
  public static final String INGRESS_HTTP = "ingress_http";

  private RouteTranslator() {}

  public static RouteConfiguration translate(RoutingTable table) {
    RouteConfiguration.Builder config = RouteConfiguration.newBuilder().setName(INGRESS_HTTP);
    for (RoutingTable.VirtualHost host : table.virtualHosts()) {
      VirtualHost.Builder vhost =
          VirtualHost.newBuilder()
              .setName(host.fqdn())
              .addDomains(host.fqdn())
              .addDomains(host.fqdn() + ":*");
      for (RoutingTable.Route route : host.routes()) {
        if (route.clusters().isEmpty()) {
          continue;
        }
        vhost.addRoutes(
            Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix(route.prefix()))
                .setRoute(action(route)));
      }
      config.addVirtualHosts(vhost);
    }
    return config.build();
  }

  private static RouteAction action(RoutingTable.Route route) {
    if (route.clusters().size() == 1) {
      return RouteAction.newBuilder().setCluster(route.clusters().get(0).cluster()).build();
    }
    WeightedCluster.Builder weighted = WeightedCluster.newBuilder();
    for (RoutingTable.WeightedCluster c : route.clusters()) {
      weighted.addClusters(
          WeightedCluster.ClusterWeight.newBuilder()
              .setName(c.cluster())
              .setWeight(UInt32Value.of((int) c.weight())));
    }
    return RouteAction.newBuilder().setWeightedClusters(weighted).build();
  }
}
