package dev.gantry.discoverer.status;

import dev.gantry.api.Rfc3339;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.RemoteClusterStatus;
import dev.gantry.discoverer.Errors;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the {@code RemoteCluster} status in the hub (conditions Ready, Synced, Stale; last sync
 * time; counts; collisions) when it changed, creating the RemoteCluster if it does not exist.
 */
public final class StatusReporter {
  private static final Logger log = LoggerFactory.getLogger(StatusReporter.class);
  private static final int MAX_LISTED = 20;

  private final KubernetesClient hub;
  private final String cluster;
  private final String identity;
  private final Clock clock;
  private final Duration heartbeatInterval;
  private final BooleanSupplier mayWrite;
  private final BiConsumer<String, String> writeCounter;
  private boolean crdMissingLogged;
  // Whether this process has seen its RemoteCluster exist, and whether it has since been deleted.
  private boolean seen;
  private volatile boolean removed;

  public StatusReporter(
      KubernetesClient hub,
      String cluster,
      String identity,
      Clock clock,
      Duration heartbeatInterval,
      BooleanSupplier mayWrite,
      BiConsumer<String, String> writeCounter) {
    this.hub = hub;
    this.cluster = cluster;
    this.identity = identity;
    this.clock = clock;
    this.heartbeatInterval = heartbeatInterval;
    this.mayWrite = mayWrite;
    this.writeCounter = writeCounter;
  }

  /**
   * Builds the status for {@code state}, keeping transition times of unchanged conditions. The
   * heartbeat moves once {@code heartbeatInterval} has passed since the one in {@code previous}. A
   * stale cluster keeps the earlier {@code staleSince} of {@code previous} (written by an earlier
   * run of this discoverer, or by the hub when the heartbeat stopped), so a restart does not
   * restart the stale-endpoint clock.
   */
  static RemoteClusterStatus statusFor(
      ClusterState state,
      RemoteClusterStatus previous,
      String identity,
      Instant now,
      Duration heartbeatInterval) {
    RemoteClusterStatus status = new RemoteClusterStatus();
    Instant staleSince = staleSince(state, previous);
    boolean ready = state.remoteSynced() && state.reachable() && state.lastSync() != null;
    boolean synced = state.lastSync() != null && state.failures().isEmpty();
    List<Condition> conditions = new ArrayList<>();
    conditions.add(
        condition(
            previous,
            "Ready",
            ready,
            ready
                ? "Mirroring"
                : (!state.reachable() ? state.problem().reason() : "InitialSyncPending"),
            ready
                ? "the remote cluster is watched and mirrored"
                : !state.reachable()
                    ? state.problem().meaning() + ": " + state.unreachableReason()
                    : "waiting for the first full sync",
            now));
    String failureList = summarize(state.failures());
    conditions.add(
        condition(
            previous,
            "Synced",
            synced,
            synced
                ? "AllMirrored"
                : (state.lastSync() == null ? "InitialSyncPending" : "ReconcileErrors"),
            synced
                ? "every Service in scope is mirrored"
                : state.lastSync() == null
                    ? "the first full sync has not completed"
                    : state.failures().size() + " service(s) failing: " + failureList,
            now));
    boolean stale = staleSince != null;
    conditions.add(
        condition(
            previous,
            "Stale",
            stale,
            stale ? state.problem().reason() : "RemoteReachable",
            stale
                ? "mirrors are kept as last seen; stale since " + staleSince
                : "mirrors follow the remote cluster",
            now));
    status.setConditions(conditions);
    status.setLastSyncTime(state.lastSync() == null ? null : state.lastSync().toString());
    status.setStaleSince(staleSince == null ? null : staleSince.toString());
    status.setLastHeartbeatTime(heartbeat(previous, now, heartbeatInterval).toString());
    status.setMirroredServices(state.mirroredServices());
    status.setMirroredEndpointSlices(state.mirroredSlices());
    List<String> collisions = new ArrayList<>(state.collisions());
    collisions.sort(null);
    status.setCollisions(collisions.subList(0, Math.min(MAX_LISTED, collisions.size())));
    status.setObservedBy(identity);
    return status;
  }

  private static Instant staleSince(ClusterState state, RemoteClusterStatus previous) {
    if (state.staleSince() == null) {
      return null;
    }
    Instant before = previous == null ? null : Rfc3339.parseOrNull(previous.getStaleSince());
    return before != null && before.isBefore(state.staleSince()) ? before : state.staleSince();
  }

  private static Instant heartbeat(
      RemoteClusterStatus previous, Instant now, Duration heartbeatInterval) {
    Instant last = previous == null ? null : Rfc3339.parseOrNull(previous.getLastHeartbeatTime());
    return last != null && !last.isAfter(now) && now.isBefore(last.plus(heartbeatInterval))
        ? last
        : now;
  }

  private static String summarize(Map<String, String> failures) {
    StringBuilder out = new StringBuilder();
    int n = 0;
    for (Map.Entry<String, String> e : new TreeMap<>(failures).entrySet()) {
      if (n++ == 5) {
        out.append("; ...");
        break;
      }
      out.append(n > 1 ? "; " : "").append(e.getKey()).append(": ").append(e.getValue());
    }
    return out.toString();
  }

  private static Condition condition(
      RemoteClusterStatus previous,
      String type,
      boolean value,
      String reason,
      String message,
      Instant now) {
    String status = value ? "True" : "False";
    Condition before = previous == null ? null : previous.condition(type);
    String since =
        before != null && status.equals(before.getStatus())
            ? before.getLastTransitionTime()
            : now.toString();
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(since)
        .build();
  }

  /**
   * Whether the RemoteCluster was deleted after this process saw it (gone, or being deleted): the
   * cluster was unlinked, and nothing more may be mirrored or reported. A discoverer that starts
   * and finds no RemoteCluster creates it instead (that is how a cluster is linked).
   */
  public boolean removed() {
    return removed;
  }

  /**
   * Writes the status if it differs from what the hub holds; returns whether it wrote. Writes
   * nothing once the RemoteCluster is {@link #removed()}.
   */
  public boolean report(ClusterState state) {
    if (removed || !mayWrite.getAsBoolean()) {
      return false;
    }
    try {
      RemoteCluster current = hub.resources(RemoteCluster.class).withName(cluster).get();
      if (current != null && current.getMetadata().getDeletionTimestamp() != null
          || current == null && seen) {
        removed = true;
        log.warn("RemoteCluster {} was deleted in the hub: the cluster is unlinked", cluster);
        return false;
      }
      if (current == null) {
        if (!mayWrite.getAsBoolean()) {
          return false;
        }
        RemoteCluster created = new RemoteCluster();
        created.getMetadata().setName(cluster);
        current = hub.resources(RemoteCluster.class).resource(created).create();
        writeCounter.accept("create", "remotecluster");
        log.info("created RemoteCluster {} in the hub", cluster);
      }
      // Only once it exists: without the CRD a read finds nothing and the create fails, and that
      // is no deletion (mirroring goes on).
      seen = true;
      RemoteClusterStatus next =
          statusFor(state, current.getStatus(), identity, clock.instant(), heartbeatInterval);
      if (sameStatus(current.getStatus(), next)) {
        return false;
      }
      current.setStatus(next);
      if (!mayWrite.getAsBoolean()) {
        return false;
      }
      hub.resources(RemoteCluster.class).resource(current).updateStatus();
      writeCounter.accept("update", "remotecluster-status");
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 && !crdMissingLogged) {
        crdMissingLogged = true;
        log.warn(
            "RemoteCluster {}: the CRD {} is not installed in the hub; status is not reported"
                + " (mirroring goes on)",
            cluster,
            RemoteCluster.CRD_NAME);
      } else if (Errors.interrupted(e)) {
        // Stopping: the write is abandoned on purpose, the next start reports afresh.
        Thread.currentThread().interrupt();
      } else if (e.getCode() != 404 && e.getCode() != 409) {
        log.warn("RemoteCluster {}: status not written: {}", cluster, Errors.describe(e));
      }
      return false;
    }
  }

  private static boolean sameStatus(RemoteClusterStatus a, RemoteClusterStatus b) {
    if (a == null) {
      return false;
    }
    return Objects.equals(a.getConditions(), b.getConditions())
        && Objects.equals(a.getLastSyncTime(), b.getLastSyncTime())
        && Objects.equals(a.getStaleSince(), b.getStaleSince())
        && Objects.equals(a.getLastHeartbeatTime(), b.getLastHeartbeatTime())
        && Objects.equals(a.getMirroredServices(), b.getMirroredServices())
        && Objects.equals(a.getMirroredEndpointSlices(), b.getMirroredEndpointSlices())
        && Objects.equals(a.getCollisions(), b.getCollisions())
        && Objects.equals(a.getObservedBy(), b.getObservedBy());
  }
}
