package dev.gantry.xds.ir;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Headers to set (replacing any value), sorted by name, names to remove, sorted, and headers to add
 * (appended to any value the message has: Gateway API's {@code add}), sorted by name. Each value is
 * Envoy's format string (the compiler escapes users' values) except that of {@code host}, a
 * literal.
 */
public record HeaderPolicy(Map<String, String> set, List<String> remove, Map<String, String> add) {
  public static final HeaderPolicy NONE = new HeaderPolicy(Map.of(), List.of());

  public HeaderPolicy {
    set = java.util.Collections.unmodifiableMap(new TreeMap<>(set));
    remove = remove.stream().sorted().toList();
    add = java.util.Collections.unmodifiableMap(new TreeMap<>(add));
  }

  /** Headers to set and to remove, none appended. */
  public HeaderPolicy(Map<String, String> set, List<String> remove) {
    this(set, remove, Map.of());
  }

  public boolean isEmpty() {
    return set.isEmpty() && remove.isEmpty() && add.isEmpty();
  }
}
