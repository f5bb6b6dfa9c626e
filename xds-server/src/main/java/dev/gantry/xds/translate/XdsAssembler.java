package dev.gantry.xds.translate;

import dev.gantry.api.federation.FederatedService;
import dev.gantry.xds.model.RoutingTable;
import dev.gantry.xds.model.Upstream;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns routing tables into xDS snapshots. When only endpoints changed since the last table, the
 * listeners, routes and clusters (and their versions) are reused and only the changed
 * ClusterLoadAssignments are rebuilt. Each type's version is a hash of its content. Used by one
 * thread at a time.
 */
public final class XdsAssembler {
  /** A built snapshot and what was rebuilt to make it. */
  public record Assembly(Snapshot snapshot, boolean fullRebuild, int endpointsRebuilt) {}

  private record UpstreamShape(String name, Object port, boolean federated) {}

  private record Shape(List<RoutingTable.VirtualHost> hosts, List<UpstreamShape> upstreams) {}

  private final String listenerAddress;
  private final int listenerPort;
  private Shape lastShape;
  private List<Listener> listeners;
  private List<RouteConfiguration> routes;
  private List<Cluster> clusters;
  private String listenersVersion;
  private String routesVersion;
  private String clustersVersion;
  private final Map<String, FederatedService> lastServices = new HashMap<>();
  private final Map<String, ClusterLoadAssignment> lastAssignments = new HashMap<>();

  public XdsAssembler(String listenerAddress, int listenerPort) {
    this.listenerAddress = listenerAddress;
    this.listenerPort = listenerPort;
  }

  public Assembly assemble(RoutingTable table) {
    Shape shape = shape(table);
    boolean full = !shape.equals(lastShape);
    if (full) {
      listeners = ListenerTranslator.translate(listenerAddress, listenerPort);
      routes = List.of(RouteTranslator.translate(table));
      clusters = ClusterTranslator.translate(table.upstreams().values());
      listenersVersion = Versions.of(listeners);
      routesVersion = Versions.of(routes);
      clustersVersion = Versions.of(clusters);
      lastShape = shape;
    }
    List<ClusterLoadAssignment> assignments = new ArrayList<>();
    int rebuilt = 0;
    Map<String, FederatedService> seen = new HashMap<>();
    for (Upstream upstream : table.upstreams().values()) {
      ClusterLoadAssignment cla = lastAssignments.get(upstream.name());
      if (cla == null || !Objects.equals(lastServices.get(upstream.name()), upstream.service())) {
        cla = EndpointTranslator.translate(upstream);
        rebuilt++;
      }
      seen.put(upstream.name(), upstream.service());
      lastAssignments.put(upstream.name(), cla);
      assignments.add(cla);
    }
    lastServices.keySet().retainAll(seen.keySet());
    lastServices.putAll(seen);
    lastAssignments.keySet().retainAll(seen.keySet());
    Snapshot snapshot =
        Snapshot.create(
            clusters,
            clustersVersion,
            assignments,
            Versions.of(assignments),
            listeners,
            listenersVersion,
            routes,
            routesVersion,
            List.of(),
            "none");
    return new Assembly(snapshot, full, rebuilt);
  }

  private static Shape shape(RoutingTable table) {
    List<UpstreamShape> upstreams = new ArrayList<>();
    for (Upstream u : table.upstreams().values()) {
      upstreams.add(new UpstreamShape(u.name(), u.port(), u.federated()));
    }
    return new Shape(table.virtualHosts(), upstreams);
  }
}
