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
  // The same key instance as in the last assembly needs no hash (a deep one, for a record of
  // lists): looked up by instance first.
  private final InstanceMemo<K, V> same = new InstanceMemo<>();

  V get(K key, Function<K, V> translate) {
    V value = same.get(key);
    if (value != null) {
      return value;
    }
    value = next.get(key);
    if (value == null) {
      value = last.get(key);
      if (value == null) {
        value = translate.apply(key);
      }
      next.put(key, value);
    }
    return same.put(key, value);
  }

  /**
   * Ends an assembly: what it asked for is what the next one finds (a key found by identity only is
   * found by identity only: an equal key of another instance is translated again).
   */
  void roll() {
    last = next;
    next = new HashMap<>();
    same.roll();
  }
}
