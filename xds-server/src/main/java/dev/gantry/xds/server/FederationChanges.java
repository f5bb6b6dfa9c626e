package dev.gantry.xds.server;

import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What changed between two federation snapshots, as the build loop needs to know it: which services
 * changed, and whether any change can change routing (a service appeared or went, its ports
 * changed, or the clusters it is in), which only a compilation of the routes can follow. Everything
 * else (endpoints, their readiness, cluster priorities, weights and staleness) only changes the
 * ClusterLoadAssignments of the services concerned.
 *
 * @param federated changed federated services, by source name
 * @param hub changed hub Services, by their own name
 */
record FederationChanges(Set<ServiceName> federated, Set<ServiceName> hub, boolean routing) {
  static FederationChanges between(FederationSnapshot before, FederationSnapshot after) {
    boolean[] routing = {false};
    Set<ServiceName> federated = changed(before.federated(), after.federated(), routing);
    Set<ServiceName> hub = changed(before.hubServices(), after.hubServices(), routing);
    return new FederationChanges(federated, hub, routing[0]);
  }

  boolean none() {
    return federated.isEmpty() && hub.isEmpty();
  }

  private static Set<ServiceName> changed(
      Map<ServiceName, FederatedService> before,
      Map<ServiceName, FederatedService> after,
      boolean[] routing) {
    Set<ServiceName> changed = new HashSet<>();
    for (Map.Entry<ServiceName, FederatedService> e : after.entrySet()) {
      FederatedService old = before.get(e.getKey());
      if (!Objects.equals(old, e.getValue())) {
        changed.add(e.getKey());
        routing[0] |= old == null || !sameShape(old, e.getValue());
      }
    }
    for (ServiceName name : before.keySet()) {
      if (!after.containsKey(name)) {
        changed.add(name);
        routing[0] = true;
      }
    }
    return changed;
  }

  /** Whether the two agree on all that route compilation reads of a service. */
  private static boolean sameShape(FederatedService a, FederatedService b) {
    return a.ports().equals(b.ports()) && a.clusters().keySet().equals(b.clusters().keySet());
  }
}
