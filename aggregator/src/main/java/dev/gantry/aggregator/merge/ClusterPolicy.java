package dev.gantry.aggregator.merge;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.RemoteClusterSpec;
import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederationSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * How one cluster's endpoints take part in federated services, read from its RemoteCluster: the
 * locality priority and weight, whether its discoverer reports it stale and whether that has lasted
 * longer than the stale-endpoint TTL (then it contributes no endpoints).
 */
record ClusterPolicy(
    String cluster,
    int priority,
    int weight,
    boolean stale,
    boolean expired,
    List<String> problems) {
  ClusterPolicy {
    problems = List.copyOf(problems);
  }

  /** Defaults for a cluster without a RemoteCluster (or when the CRD is not installed). */
  static ClusterPolicy defaults(String cluster) {
    return new ClusterPolicy(cluster, 0, ClusterEndpoints.DEFAULT_WEIGHT, false, false, List.of());
  }

  /**
   * The policy of {@code cluster} from {@code remote} (may be null) at {@code now}; {@code
   * staleTtl} null keeps stale endpoints forever. Bad values fall back to defaults with a problem.
   */
  static ClusterPolicy of(String cluster, RemoteCluster remote, Instant now, Duration staleTtl) {
    if (remote == null) {
      return defaults(cluster);
    }
    List<String> problems = new ArrayList<>();
    if (FederationSnapshot.LOCAL_CLUSTER.equals(cluster)) {
      // The hub's own endpoints are never stale and have no RemoteCluster of their own.
      problems.add(
          "cluster %s: RemoteCluster %s is named like the hub's own cluster; ignored"
              .formatted(cluster, cluster));
      return new ClusterPolicy(cluster, 0, ClusterEndpoints.DEFAULT_WEIGHT, false, false, problems);
    }
    int priority = 0;
    int weight = ClusterEndpoints.DEFAULT_WEIGHT;
    RemoteClusterSpec spec = remote.getSpec();
    if (spec != null && spec.getPriority() != null) {
      if (spec.getPriority() < 0) {
        problems.add(
            "cluster %s: priority %d is negative; using 0".formatted(cluster, spec.getPriority()));
      } else {
        priority = spec.getPriority();
      }
    }
    if (spec != null && spec.getWeight() != null) {
      if (spec.getWeight() < 1) {
        problems.add(
            "cluster %s: weight %d is below 1; using %d"
                .formatted(cluster, spec.getWeight(), ClusterEndpoints.DEFAULT_WEIGHT));
      } else {
        weight = spec.getWeight();
      }
    }
    String staleSince = remote.getStatus() == null ? null : remote.getStatus().getStaleSince();
    boolean stale = staleSince != null && !staleSince.isBlank();
    boolean expired = false;
    if (stale && staleTtl != null) {
      try {
        expired = now.isAfter(parseTime(staleSince).plus(staleTtl));
      } catch (DateTimeParseException e) {
        // Keeping endpoints is the lesser harm: dropping them could black-hole a whole cluster.
        problems.add(
            "cluster %s: staleSince '%s' is not an RFC 3339 time; stale endpoints kept"
                .formatted(cluster, staleSince));
      }
    }
    return new ClusterPolicy(cluster, priority, weight, stale, expired, problems);
  }

  /**
   * When the next stale cluster's endpoints expire, or null when none will (no TTL, nothing stale,
   * or all already expired): the aggregator rebuilds then, as no event announces it.
   */
  static Instant nextExpiry(Iterable<RemoteCluster> remotes, Instant now, Duration staleTtl) {
    if (staleTtl == null) {
      return null;
    }
    Instant next = null;
    for (RemoteCluster remote : remotes) {
      String staleSince =
          remote == null || remote.getStatus() == null ? null : remote.getStatus().getStaleSince();
      if (staleSince == null || staleSince.isBlank()) {
        continue;
      }
      try {
        Instant expiry = parseTime(staleSince).plus(staleTtl);
        if (!now.isAfter(expiry) && (next == null || expiry.isBefore(next))) {
          next = expiry;
        }
      } catch (DateTimeParseException e) {
        // Reported as a problem by of(); such a cluster never expires.
      }
    }
    return next;
  }

  /** An RFC 3339 time as Kubernetes writes it ({@code Z} or an offset). */
  private static Instant parseTime(String value) {
    return OffsetDateTime.parse(value).toInstant();
  }
}
