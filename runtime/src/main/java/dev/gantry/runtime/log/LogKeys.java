package dev.gantry.runtime.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The structured keys of log lines about one Kubernetes object, kept in the SLF4J MDC so that the
 * JSON log ({@code GANTRY_LOG_FORMAT=json}) carries them as fields: {@code cluster} (a remote
 * cluster's name), {@code kind} and {@code object} ({@code namespace/name}, or a name for
 * cluster-scoped objects). The text log is unchanged: its lines name the object in the message.
 */
public final class LogKeys {
  public static final String CLUSTER = "cluster";
  public static final String KIND = "kind";
  public static final String OBJECT = "object";

  private LogKeys() {}

  /** Sets the keys until the scope is closed, then restores what the thread had before. */
  public static Scope with(Map<String, String> keys) {
    List<String[]> previous = new ArrayList<>();
    keys.forEach(
        (key, value) -> {
          previous.add(new String[] {key, MDC.get(key)});
          if (value == null) {
            MDC.remove(key);
          } else {
            MDC.put(key, value);
          }
        });
    return () -> {
      for (String[] p : previous) {
        if (p[1] == null) {
          MDC.remove(p[0]);
        } else {
          MDC.put(p[0], p[1]);
        }
      }
    };
  }

  /** Lines about {@code kind} {@code object} ({@code namespace/name}). */
  public static Scope object(String kind, String object) {
    return with(Map.of(KIND, kind, OBJECT, object));
  }

  /** Lines about {@code kind} {@code object} of remote cluster {@code cluster}. */
  public static Scope object(String cluster, String kind, String object) {
    return with(Map.of(CLUSTER, cluster, KIND, kind, OBJECT, object));
  }

  /** Lines about remote cluster {@code cluster}. */
  public static Scope cluster(String cluster) {
    return with(Map.of(CLUSTER, cluster));
  }

  /**
   * {@code task} run with {@code cluster} set for all its lines: for the threads of a component
   * that serves one remote cluster.
   */
  public static Runnable inCluster(String cluster, Runnable task) {
    return () -> {
      try (Scope ignored = cluster(cluster)) {
        task.run();
      }
    };
  }

  /** Keys set for a while; closing it restores the earlier ones. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
