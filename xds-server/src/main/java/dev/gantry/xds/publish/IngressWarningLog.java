package dev.gantry.xds.publish;

import dev.gantry.runtime.log.LogKeys;
import dev.gantry.xds.compile.ingress.IngressConverter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports what of the Ingresses is not served. Ingress has no status conditions, so this is the
 * log: a warning when a problem appears and a line when it is gone, not one per snapshot build
 * (endpoint changes rebuild often). Used by one thread at a time.
 */
public final class IngressWarningLog {
  private static final Logger log = LoggerFactory.getLogger(IngressWarningLog.class);

  private final Consumer<IngressConverter.Warning> onNew;
  private Set<IngressConverter.Warning> last = Set.of();

  public IngressWarningLog() {
    this(w -> {});
  }

  /**
   * @param onNew told of each warning when it appears (e.g. to write an Event)
   */
  public IngressWarningLog(Consumer<IngressConverter.Warning> onNew) {
    this.onNew = onNew;
  }

  /** The current warnings of all Ingresses; returns how many are new since the last call. */
  public int update(List<IngressConverter.Warning> current) {
    Set<IngressConverter.Warning> now = new LinkedHashSet<>(current);
    int added = 0;
    for (IngressConverter.Warning w : now) {
      if (!last.contains(w)) {
        try (LogKeys.Scope ignored = LogKeys.object("Ingress", w.ingress())) {
          log.warn("Ingress {}: {}", w.ingress(), w.message());
        }
        onNew.accept(w);
        added++;
      }
    }
    for (IngressConverter.Warning w : last) {
      if (!now.contains(w)) {
        try (LogKeys.Scope ignored = LogKeys.object("Ingress", w.ingress())) {
          log.info("Ingress {}: no longer: {}", w.ingress(), w.message());
        }
      }
    }
    last = now;
    return added;
  }
}
