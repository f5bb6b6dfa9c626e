package dev.gantry.xds.ir;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Headers to set (replacing any value), sorted by name, and names to remove, sorted. Each value is
 * Envoy's format string (the compiler escapes users' values) except that of {@code host}, a
 * literal.
 */
public record HeaderPolicy(Map<String, String> set, List<String> remove) {
  public static final HeaderPolicy NONE = new HeaderPolicy(Map.of(), List.of());

  public HeaderPolicy {
    set = java.util.Collections.unmodifiableMap(new TreeMap<>(set));
    remove = remove.stream().sorted().toList();
  }

  public boolean isEmpty() {
    return set.isEmpty() && remove.isEmpty();
  }
}
