package dev.gantry.discoverer.hub;

import dev.gantry.discoverer.mirror.DesiredMirror;
import dev.gantry.discoverer.mirror.HubWrite;
import dev.gantry.discoverer.mirror.MirrorDiff;
import dev.gantry.discoverer.mirror.MirrorPlanner;
import dev.gantry.discoverer.mirror.ServiceKey;
import dev.gantry.discoverer.remote.RemoteSource;
import java.util.ArrayList;
import java.util.List;
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

  public Outcome reconcile(ServiceKey key, RemoteSource remote) {
    DesiredMirror desired = planner.plan(key, remote.service(key), remote.slices(key));
    List<HubWrite> writes = MirrorDiff.diff(desired, hub.service(key), hub.slices(key));
    List<String> collisions = new ArrayList<>();
    boolean again = false;
    int done = 0;
    for (HubWrite write : writes) {
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
}
