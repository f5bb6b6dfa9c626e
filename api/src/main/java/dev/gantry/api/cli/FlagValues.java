package dev.gantry.api.cli;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Parsing of flag values shared by Gantry's commands, with errors that name the flag. */
public final class FlagValues {
  private FlagValues() {}

  /** {@code 250ms}, {@code 90s}, {@code 10m}, {@code 1h} or ISO-8601 ({@code PT10M}). */
  public static Duration duration(String flag, String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("p")) {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new NumberFormatException();
      };
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException(
          flag + ": '" + value + "' is not a duration (e.g. 90s, 10m, 1h)");
    }
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
