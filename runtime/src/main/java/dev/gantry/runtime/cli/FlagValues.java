package dev.gantry.runtime.cli;

import dev.gantry.api.GoDurations;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Parsing of flag values shared by Gantry's commands, with errors that name the flag. */
public final class FlagValues {
  private FlagValues() {}

  /** A Go duration ({@code 250ms}, {@code 90s}, {@code 1h30m}) or ISO-8601 ({@code PT10M}). */
  public static Duration duration(String flag, String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    Duration d;
    try {
      d = v.startsWith("p") ? Duration.parse(v.toUpperCase(Locale.ROOT)) : GoDurations.parse(v);
    } catch (DateTimeParseException e) {
      d = null;
    }
    if (d == null) {
      throw new IllegalArgumentException(
          flag + ": '" + value + "' is not a duration (e.g. 90s, 10m, 1h30m)");
    }
    return d;
  }

  /** {@code host:port}. */
  public static InetSocketAddress address(String flag, String value) {
    int colon = value.lastIndexOf(':');
    try {
      if (colon < 0) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(
          value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": '" + value + "' is not host:port");
    }
  }
}
