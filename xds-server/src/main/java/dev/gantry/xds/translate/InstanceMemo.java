package dev.gantry.xds.translate;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Values by the very instance of their key, from this assembly or the last: what the compiler or a
 * translator reused is found without hashing or comparing it. What one assembly did not ask for is
 * dropped at the next ({@link #roll}). Used by one thread at a time.
 */
final class InstanceMemo<K, V> {
  private Map<K, V> last = new IdentityHashMap<>();
  private Map<K, V> next = new IdentityHashMap<>();

  /** The value of {@code key}'s instance, kept for the next assembly too; null when none. */
  V get(K key) {
    V value = next.get(key);
    if (value == null) {
      value = last.get(key);
      if (value != null) {
        next.put(key, value);
      }
    }
    return value;
  }

  /** Remembers {@code value} for {@code key}'s instance; returns it. */
  V put(K key, V value) {
    next.put(key, value);
    return value;
  }

  /** Ends an assembly: what it asked for or put is what the next one finds. */
  void roll() {
    last = next;
    next = new IdentityHashMap<>(Math.max(16, last.size() * 2));
  }
}
