package dev.gantry.api.federation;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A new federation snapshot and what changed since the one before it: the names of the federated
 * services and hub Services that changed (appeared, went or differ), and whether any change is to a
 * service's shape (it appeared or went, its ports or its set of clusters changed, or an
 * ExternalName cluster's name, priority or weight, which the Envoy cluster itself holds), which
 * routes and ServiceImports depend on. Endpoints, their readiness and other clusters' priorities,
 * weights and staleness are not shape: they change ClusterLoadAssignments only.
 *
 * <p>{@code seenFederated} and {@code seenHub} say, for changed services, when their discoverer saw
 * the remote change, by cluster (from the mirrors' {@code gantry.dev/remote-event-time}).
 */
public record FederationUpdate(
    FederationSnapshot snapshot,
    Set<ServiceName> changedFederated,
    Set<ServiceName> changedHub,
    boolean shapeChanged,
    Map<ServiceName, Map<String, Instant>> seenFederated,
    Map<ServiceName, Map<String, Instant>> seenHub) {
  public FederationUpdate {
    Objects.requireNonNull(snapshot, "snapshot");
    changedFederated = Set.copyOf(changedFederated);
    changedHub = Set.copyOf(changedHub);
    seenFederated = deepCopy(seenFederated);
    seenHub = deepCopy(seenHub);
  }

  /** An update without remote event times. */
  public FederationUpdate(
      FederationSnapshot snapshot,
      Set<ServiceName> changedFederated,
      Set<ServiceName> changedHub,
      boolean shapeChanged) {
    this(snapshot, changedFederated, changedHub, shapeChanged, Map.of(), Map.of());
  }

  private static Map<ServiceName, Map<String, Instant>> deepCopy(
      Map<ServiceName, Map<String, Instant>> seen) {
    Map<ServiceName, Map<String, Instant>> copy = new HashMap<>();
    seen.forEach((name, byCluster) -> copy.put(name, Map.copyOf(byCluster)));
    return Map.copyOf(copy);
  }

  /** What changed from {@code before} to {@code after}, by comparing every service of both. */
  public static FederationUpdate between(FederationSnapshot before, FederationSnapshot after) {
    boolean[] shape = {false};
    Set<ServiceName> federated = changed(before.federated(), after.federated(), shape);
    Set<ServiceName> hub = changed(before.hubServices(), after.hubServices(), shape);
    return new FederationUpdate(after, federated, hub, shape[0]);
  }

  /** Whether nothing changed. */
  public boolean none() {
    return changedFederated.isEmpty() && changedHub.isEmpty();
  }

  /** Whether the two agree on all that routes and ServiceImports read of a service. */
  public static boolean sameShape(FederatedService a, FederatedService b) {
    if (a == b) {
      return true;
    }
    return a != null
        && b != null
        && a.ports().equals(b.ports())
        && a.clusters().keySet().equals(b.clusters().keySet())
        && externalNames(a).equals(externalNames(b));
  }

  /**
   * The name, priority and weight of each ExternalName cluster, or cluster resolved by the hub's
   * DNS: a DNS cluster holds them in its own definition (there is no ClusterLoadAssignment to
   * change), so a change to them is one of shape.
   */
  private static Map<String, String> externalNames(FederatedService s) {
    Map<String, String> names = new HashMap<>();
    s.clusters()
        .forEach(
            (cluster, c) -> {
              if (c.external()) {
                names.put(cluster, c.externalName() + "/" + c.priority() + "/" + c.weight());
              } else if (c.dnsName() != null) {
                // Its endpoints' ports are those the DNS cluster connects to.
                names.put(
                    cluster,
                    c.dnsName()
                        + "/"
                        + c.priority()
                        + "/"
                        + c.weight()
                        + "/"
                        + c.endpoints().stream().map(FederatedEndpoint::ports).distinct().toList());
              }
            });
    return names;
  }

  private static Set<ServiceName> changed(
      Map<ServiceName, FederatedService> before,
      Map<ServiceName, FederatedService> after,
      boolean[] shape) {
    Set<ServiceName> changed = new HashSet<>();
    for (Map.Entry<ServiceName, FederatedService> e : after.entrySet()) {
      FederatedService old = before.get(e.getKey());
      if (!Objects.equals(old, e.getValue())) {
        changed.add(e.getKey());
        shape[0] |= !sameShape(old, e.getValue());
      }
    }
    for (ServiceName name : before.keySet()) {
      if (!after.containsKey(name)) {
        changed.add(name);
        shape[0] = true;
      }
    }
    return changed;
  }
}
