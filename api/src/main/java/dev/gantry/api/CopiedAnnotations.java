package dev.gantry.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * The annotations of a remote Service a discoverer copies onto its mirror, for the hub reads them
 * there: Contour's {@code projectcontour.io/upstream-protocol.*} and {@link
 * Labels#UPSTREAM_DISCOVERY}.
 */
public final class CopiedAnnotations {
  private CopiedAnnotations() {}

  /** Whether the annotation {@code key} is one a mirror carries from its remote Service. */
  public static boolean copied(String key) {
    return key.startsWith(UpstreamProtocolAnnotations.PREFIX)
        || key.equals(Labels.UPSTREAM_DISCOVERY);
  }

  /** The copied annotations among {@code annotations} (null: none), sorted by key. */
  public static Map<String, String> of(Map<String, String> annotations) {
    Map<String, String> found = new TreeMap<>();
    if (annotations != null) {
      annotations.forEach(
          (k, v) -> {
            if (copied(k)) {
              found.put(k, v);
            }
          });
    }
    return found;
  }
}
