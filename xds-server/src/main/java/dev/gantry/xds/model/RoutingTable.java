package dev.gantry.xds.model;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What the valid HTTPProxies ask Envoy to do, before any Envoy type is involved. */
public record RoutingTable(List<VirtualHost> virtualHosts, Map<String, Upstream> upstreams) {
  public RoutingTable {
    virtualHosts = List.copyOf(virtualHosts);
    // Listeners and route configurations for proxyless clients are named by fqdn.
    Set<String> fqdns = new HashSet<>();
    for (VirtualHost host : virtualHosts) {
      if (!fqdns.add(host.fqdn())) {
        throw new IllegalArgumentException(
            "virtualHosts: fqdn \"" + host.fqdn() + "\" appears more than once");
      }
    }
    upstreams = java.util.Collections.unmodifiableMap(new TreeMap<>(upstreams));
  }

  /** A host name and its routes, longest prefix first. */
  public record VirtualHost(String fqdn, List<Route> routes) {
    public VirtualHost {
      routes = List.copyOf(routes);
    }
  }

  /** A path prefix and the weighted Envoy clusters it goes to. */
  public record Route(String prefix, List<WeightedCluster> clusters) {
    public Route {
      clusters = List.copyOf(clusters);
    }
  }

  /** An Envoy cluster name with its share of the route's traffic. */
  public record WeightedCluster(String cluster, long weight) {}
}
