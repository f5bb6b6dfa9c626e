package dev.gantry.hub;

import dev.gantry.api.Rfc3339;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.RemoteClusterStatus;
import dev.gantry.runtime.log.LogKeys;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks a cluster {@code Stale} in its RemoteCluster status when its discoverer's heartbeat ({@code
 * status.lastHeartbeatTime}) has stood still for the timeout: the discoverer, or its way to the
 * hub, is gone, and nobody else would say so. {@code staleSince} becomes the last heartbeat (or is
 * kept when the discoverer had already set it), so the aggregator's stale-endpoint TTL counts from
 * when the cluster was last known.
 *
 * <p>Like the node lifecycle controller, the hub times the heartbeat by its own clock, from when it
 * saw the value change, not by comparing the discoverer's clock with its own: clock skew cannot
 * mark a live cluster stale. Each check reads the RemoteClusters from the apiserver, not from a
 * cache: a hub that cannot reach its apiserver judges nobody, and after a start, a takeover or an
 * outage of the hub's apiserver a cluster is judged only once a full timeout has passed. A
 * RemoteCluster that never had a heartbeat is not judged. Only the replica that writes (the Lease
 * holder) looks; its write races with the discoverer's own by resource version, and the loser looks
 * again at the next check.
 */
final class ClusterHeartbeats {
  static final String REASON = "HeartbeatExpired";
  private static final Logger log = LoggerFactory.getLogger(ClusterHeartbeats.class);

  private final Consumer<RemoteCluster> statusWriter;
  private final Supplier<List<RemoteCluster>> remotes;
  private final Clock clock;
  private final Duration timeout;
  private final BooleanSupplier writes;
  private final String identity;
  private final Counter marked;
  // Owned by the thread that calls check().
  private final Map<String, Seen> seen = new HashMap<>();

  /** A heartbeat value and when this replica first saw it. */
  private record Seen(String heartbeat, Instant at) {}

  /**
   * @param statusWriter writes a RemoteCluster's status (an update of the status subresource,
   *     conditional on the resource version it carries)
   * @param remotes the RemoteClusters as the apiserver has them now; throws when it cannot tell
   */
  ClusterHeartbeats(
      Consumer<RemoteCluster> statusWriter,
      Supplier<List<RemoteCluster>> remotes,
      Clock clock,
      Duration timeout,
      BooleanSupplier writes,
      String identity,
      Counter marked) {
    this.statusWriter = statusWriter;
    this.remotes = remotes;
    this.clock = clock;
    this.timeout = timeout;
    this.writes = writes;
    this.identity = identity;
    this.marked = marked;
  }

  /** Looks at every RemoteCluster once; marks those whose heartbeat expired. */
  void check() {
    if (!writes.getAsBoolean()) {
      // A replica that takes over judges only after a full timeout of its own observation.
      seen.clear();
      return;
    }
    List<RemoteCluster> current;
    try {
      current = remotes.get();
    } catch (KubernetesClientException e) {
      // The hub cannot see its apiserver, so no heartbeat can be seen moving either: once it can
      // again, every cluster gets a full timeout before it is judged.
      seen.clear();
      return;
    }
    Instant now = clock.instant();
    Set<String> present = new HashSet<>();
    for (RemoteCluster remote : current) {
      String name = remote.getMetadata().getName();
      present.add(name);
      RemoteClusterStatus status = remote.getStatus();
      String heartbeat = status == null ? null : status.getLastHeartbeatTime();
      if (heartbeat == null || heartbeat.isBlank()) {
        continue;
      }
      Seen last = seen.get(name);
      if (last == null || !last.heartbeat().equals(heartbeat)) {
        seen.put(name, new Seen(heartbeat, now));
        continue;
      }
      if (now.isBefore(last.at().plus(timeout)) || markedByHub(status)) {
        continue;
      }
      mark(remote, staleStatus(status, last.at(), now, timeout, identity));
    }
    seen.keySet().retainAll(present);
  }

  private void mark(RemoteCluster remote, RemoteClusterStatus status) {
    String name = remote.getMetadata().getName();
    RemoteCluster update = new RemoteCluster();
    update.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withResourceVersion(remote.getMetadata().getResourceVersion())
            .build());
    update.setSpec(remote.getSpec());
    update.setStatus(status);
    try (LogKeys.Scope ignored = LogKeys.cluster(name)) {
      statusWriter.accept(update);
      marked.increment();
      log.warn(
          "cluster {}: no heartbeat from its discoverer for {} (last {}); marked Stale, stale since"
              + " {}",
          name,
          timeout,
          remote.getStatus().getLastHeartbeatTime(),
          status.getStaleSince());
    } catch (KubernetesClientException e) {
      // 409: the discoverer wrote meanwhile (so it is alive); 404: deleted. The next check sees.
      if (e.getCode() != 409 && e.getCode() != 404) {
        log.warn("cluster {}: Stale status not written: {}", name, e.getMessage());
      }
    }
  }

  /** Whether the hub already marked this status (nothing has been written since). */
  static boolean markedByHub(RemoteClusterStatus status) {
    Condition stale = status.condition("Stale");
    return stale != null && "True".equals(stale.getStatus()) && REASON.equals(stale.getReason());
  }

  /**
   * {@code previous} with Ready False and Stale True for reason {@value #REASON}: counts, sync time
   * and collisions as the discoverer last wrote them; {@code staleSince} kept if set, else the last
   * heartbeat (else when this replica first saw it, {@code seenAt}).
   */
  static RemoteClusterStatus staleStatus(
      RemoteClusterStatus previous,
      Instant seenAt,
      Instant now,
      Duration timeout,
      String identity) {
    Instant heartbeat = Rfc3339.parseOrNull(previous.getLastHeartbeatTime());
    Instant since = Rfc3339.parseOrNull(previous.getStaleSince());
    if (since == null) {
      since = heartbeat != null && !heartbeat.isAfter(now) ? heartbeat : seenAt;
    }
    String why =
        "no heartbeat from the discoverer since "
            + previous.getLastHeartbeatTime()
            + " for longer than "
            + timeout
            + ": it, or its connection to the hub, is gone";
    RemoteClusterStatus status = new RemoteClusterStatus();
    List<Condition> conditions = new ArrayList<>();
    for (Condition c :
        previous.getConditions() == null ? List.<Condition>of() : previous.getConditions()) {
      if (!"Ready".equals(c.getType()) && !"Stale".equals(c.getType())) {
        conditions.add(c);
      }
    }
    conditions.add(0, condition(previous, "Ready", "False", why, now));
    conditions.add(
        condition(
            previous,
            "Stale",
            "True",
            "mirrors are kept as last seen; stale since " + since + " (" + why + ")",
            now));
    status.setConditions(conditions);
    status.setLastSyncTime(previous.getLastSyncTime());
    status.setLastHeartbeatTime(previous.getLastHeartbeatTime());
    status.setStaleSince(since.toString());
    status.setMirroredServices(previous.getMirroredServices());
    status.setMirroredEndpointSlices(previous.getMirroredEndpointSlices());
    status.setCollisions(previous.getCollisions());
    status.setObservedBy("hub/" + identity);
    return status;
  }

  private static Condition condition(
      RemoteClusterStatus previous, String type, String value, String message, Instant now) {
    Condition before = previous.condition(type);
    String since =
        before != null && Objects.equals(value, before.getStatus())
            ? before.getLastTransitionTime()
            : now.toString();
    return new ConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(REASON)
        .withMessage(message)
        .withLastTransitionTime(since)
        .build();
  }
}
