package dev.gantry.discoverer.status;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of what the discoverer knows about its remote cluster, from which the RemoteCluster
 * status is written.
 */
public record ClusterState(
    boolean remoteSynced,
    boolean reachable,
    Instant staleSince,
    RemoteProblem problem,
    String unreachableReason,
    Instant lastSync,
    boolean queueIdle,
    int mirroredServices,
    int mirroredSlices,
    List<String> collisions,
    Map<String, String> failures) {
  public ClusterState {
    collisions = List.copyOf(collisions);
    failures = Map.copyOf(failures);
  }
}
