package dev.gantry.xds.compile.ingress;

import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.VirtualHostTls;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One host of one Ingress in the routing model, before Ingresses sharing the host are merged.
 *
 * @param ingress {@code namespace/name} of the Ingress
 * @param host the lower-cased host, {@link RoutingTable#ANY_HOST} for rules without one
 * @param routes the host's routes, in Envoy's order
 * @param upstreams the clusters the routes go to, by name
 * @param secret the {@code spec.tls} Secret name for this host; null when it has no TLS
 * @param minimumVersion the lowest TLS version the host accepts (when it has TLS)
 */
public record IngressHost(
    String ingress,
    String host,
    List<RoutingTable.Route> routes,
    Map<String, Upstream> upstreams,
    String secret,
    VirtualHostTls.Version minimumVersion) {
  public IngressHost {
    Objects.requireNonNull(ingress, "ingress");
    Objects.requireNonNull(host, "host");
    routes = List.copyOf(routes);
    upstreams = Map.copyOf(upstreams);
  }

  /** The Ingress's namespace, where its Services and Secrets are. */
  public String namespace() {
    return ingress.substring(0, ingress.indexOf('/'));
  }

  /** The upstream a route of this host goes to. */
  Upstream upstream(RoutingTable.Route route) {
    return upstreams.get(route.clusters().get(0).cluster());
  }
}
