package dev.gantry.xds.translate;

import com.google.protobuf.UInt32Value;
import dev.gantry.xds.model.RoutingTable;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.util.Comparator;
import java.util.List;

/**
 * RouteConfigurations: Envoy's {@code ingress_http} with one virtual host per fqdn, as Contour
 * names it, and for proxyless gRPC clients one configuration per fqdn holding only that host.
 */
public final class RouteTranslator {
  public static final String INGRESS_HTTP = "ingress_http";

  private RouteTranslator() {}

  public static RouteConfiguration translate(RoutingTable table) {
    RouteConfiguration.Builder config = RouteConfiguration.newBuilder().setName(INGRESS_HTTP);
    for (RoutingTable.VirtualHost host : table.virtualHosts()) {
      config.addVirtualHosts(virtualHost(host));
    }
    return config.build();
  }

  /**
   * One RouteConfiguration per virtual host, named by its fqdn, sorted by name. gRPC validates a
   * RouteConfiguration as a whole and matches the target's authority (the bare fqdn) against the
   * domains, so each client gets its own host only: a change to another host is not pushed to it,
   * and a host it cannot digest does not make it reject its own.
   */
  public static List<RouteConfiguration> perHost(RoutingTable table) {
    return table.virtualHosts().stream()
        .sorted(Comparator.comparing(RoutingTable.VirtualHost::fqdn))
        .map(
            host ->
                RouteConfiguration.newBuilder()
                    .setName(host.fqdn())
                    .addVirtualHosts(virtualHost(host))
                    .build())
        .toList();
  }

  private static VirtualHost virtualHost(RoutingTable.VirtualHost host) {
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
    return vhost.build();
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
