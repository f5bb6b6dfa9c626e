package dev.gantry.xds.translate;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Translations of the last assembly by their input: an input that did not change costs a lookup
 * instead of a translation, and yields the same message instance, whose digest ({@link
 * ContentVersions}) and hash are then known already. What one assembly did not ask for is dropped
 * at the next ({@link #roll}), so it holds no more than one assembly's worth.
 */
final class Memo<K, V> {
  private Map<K, V> last = new HashMap<>();
  private Map<K, V> next = new HashMap<>();

  V get(K key, Function<K, V> translate) {
    V value = next.get(key);
    if (value == null) {
      value = last.get(key);
      if (value == null) {
        value = translate.apply(key);
      }
      next.put(key, value);
    }
    return value;
  }

  /** Ends an assembly: what it asked for is what the next one finds. */
  void roll() {
    last = next;
    next = new HashMap<>();
  }
}
