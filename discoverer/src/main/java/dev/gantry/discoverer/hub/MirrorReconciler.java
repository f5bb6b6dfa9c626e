package dev.gantry.discoverer.hub;

import dev.gantry.api.Labels;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.discoverer.mirror.DesiredMirror;
import dev.gantry.discoverer.mirror.HubWrite;
import dev.gantry.discoverer.mirror.MirrorDiff;
import dev.gantry.discoverer.mirror.MirrorPlanner;
import dev.gantry.discoverer.remote.RemoteSource;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one remote Service: plans its mirror from the remote caches, compares it with the hub
 * cache and makes only the writes that differ.
 */
public final class MirrorReconciler {
  private static final Logger log = LoggerFactory.getLogger(MirrorReconciler.class);

  /** What one reconcile did: writes made, collisions met, and whether to look again soon. */
  public record Outcome(int writes, List<String> collisions, boolean again) {}

  private final MirrorPlanner planner;
  private final HubMirrors hub;
  private final HubWriter writer;

  public MirrorReconciler(MirrorPlanner planner, HubMirrors hub, HubWriter writer) {
    this.planner = planner;
    this.hub = hub;
    this.writer = writer;
  }

  /**
   * @param seen when the remote change that asked for this reconcile was seen, or null (a resync):
   *     stamped on the EndpointSlice writes the change needs anyway, never a write of its own
   */
  public Outcome reconcile(ServiceName key, RemoteSource remote, Instant seen) {
    DesiredMirror desired = planner.plan(key, remote.service(key), remote.slices(key));
    List<HubWrite> writes = MirrorDiff.diff(desired, hub.service(key), hub.slices(key));
    List<String> collisions = new ArrayList<>();
    boolean again = false;
    int done = 0;
    for (HubWrite write : writes) {
      if (seen != null
          && write.verb() != HubWrite.Verb.DELETE
          && write.object() instanceof EndpointSlice slice) {
        stamp(slice, seen);
      }
      HubWriter.Result result = writer.execute(write);
      switch (result.outcome()) {
        case DONE -> {
          done++;
          log.debug("{}: {}", key, write);
        }
        case RETRY -> again = true;
        case COLLISION -> {
          collisions.add(result.message());
          log.warn("{}: not mirrored: {}; it is left untouched", key, result.message());
          if ("Service".equals(write.kind())) {
            // Slices would join the foreign Service through their service-name label.
            return new Outcome(done, collisions, again);
          }
        }
      }
    }
    if (done > 0) {
      log.info(
          "{}: {} hub write(s){}",
          key,
          done,
          desired.isPresent() ? "" : " (mirror removed: " + desired.absentReason() + ")");
    }
    return new Outcome(done, collisions, again);
  }

  private static void stamp(EndpointSlice slice, Instant seen) {
    Map<String, String> annotations = slice.getMetadata().getAnnotations();
    Map<String, String> stamped =
        annotations == null ? new HashMap<>() : new HashMap<>(annotations);
    stamped.put(Labels.REMOTE_EVENT_TIME, seen.toString());
    slice.getMetadata().setAnnotations(stamped);
  }
}
