package dev.gantry.e2e.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name value} pairs of whole numbers over a benchmark's defaults. */
final class BenchFlags {
  private BenchFlags() {}

  /** The defaults with the flags given; an unknown flag is an error naming the known ones. */
  static Map<String, Integer> parse(Map<String, Integer> defaults, String... args) {
    Map<String, Integer> flags = new LinkedHashMap<>(defaults);
    for (int i = 0; i + 1 < args.length; i += 2) {
      String key = args[i].replaceFirst("^--", "");
      if (!flags.containsKey(key)) {
        throw new IllegalArgumentException(
            "unknown flag " + args[i] + "; known: " + flags.keySet());
      }
      flags.put(key, Integer.parseInt(args[i + 1]));
    }
    return flags;
  }
}
