package dev.gantry.xds.ir;

import java.util.List;

/** Routes and virtual hosts as tests write them: what they leave out is the default. */
public final class Routes {
  private Routes() {}

  public static RoutingTable.Route route(RoutingTable.Match match, List<WeightedCluster> clusters) {
    return RoutingTable.Route.matching(match).clusters(clusters).build();
  }

  /** A route matching a path prefix only. */
  public static RoutingTable.Route route(String prefix, List<WeightedCluster> clusters) {
    return route(RoutingTable.Match.prefix(prefix), clusters);
  }

  public static RoutingTable.VirtualHost host(String fqdn, List<RoutingTable.Route> routes) {
    return new RoutingTable.VirtualHost(fqdn, routes, null, null);
  }

  public static RoutingTable.VirtualHost host(
      String fqdn, List<RoutingTable.Route> routes, VirtualHostTls tls) {
    return new RoutingTable.VirtualHost(fqdn, routes, null, tls);
  }

  public static RoutingTable.VirtualHost host(
      String fqdn, List<RoutingTable.Route> routes, RoutingTable.Cors cors, VirtualHostTls tls) {
    return new RoutingTable.VirtualHost(fqdn, routes, cors, tls);
  }
}
