package dev.gantry.xds.translate;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Values by the very instance of their key, from this assembly or the last: what the compiler or a
 * translator reused is found without hashing or comparing it. What one assembly did not ask for is
 * dropped at the next ({@link #roll}). Used by one thread at a time.
 *
 * <p>One map holds both assemblies' entries, each stamped with the last assembly that asked for it:
 * a lookup is one probe (not a miss in this assembly's map, a hit in the last's and a copy), and
 * {@link #roll} sweeps only when some entry went unasked.
 */
final class InstanceMemo<K, V> {
  private static final class Slot<V> {
    private V value;
    private long assembly;

    private Slot(V value) {
      this.value = value;
    }
  }

  private Map<K, Slot<V>> slots = new IdentityHashMap<>();
  // The most entries held since the map was last made: it does not shrink by itself.
  private int peak;
  private long assembly;
  // How many entries this assembly asked for or put.
  private int used;

  /** The value of {@code key}'s instance, kept for the next assembly too; null when none. */
  V get(K key) {
    Slot<V> slot = slots.get(key);
    if (slot == null) {
      return null;
    }
    use(slot);
    return slot.value;
  }

  /** Remembers {@code value} for {@code key}'s instance; returns it. */
  V put(K key, V value) {
    Slot<V> slot = slots.get(key);
    if (slot == null) {
      slot = new Slot<>(value);
      slot.assembly = assembly - 1; // not used yet in this assembly
      slots.put(key, slot);
    } else {
      slot.value = value;
    }
    use(slot);
    return value;
  }

  private void use(Slot<V> slot) {
    if (slot.assembly != assembly) {
      slot.assembly = assembly;
      used++;
    }
  }

  /** Ends an assembly: what it asked for or put is what the next one finds. */
  void roll() {
    peak = Math.max(peak, slots.size());
    if (used < slots.size()) {
      long now = assembly;
      slots.values().removeIf(slot -> slot.assembly != now);
      if (slots.size() < peak / 4) {
        // Far fewer than it held: a table of their size, not of the peak's.
        slots = new IdentityHashMap<>(slots);
        peak = slots.size();
      }
    }
    assembly++;
    used = 0;
  }

  /** How many entries it holds (for tests). */
  int size() {
    return slots.size();
  }
}
