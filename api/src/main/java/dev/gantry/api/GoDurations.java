package dev.gantry.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's duration strings ({@code 250ms}, {@code 90s}, {@code 1h30m}, {@code 1.5h}), as Contour's
 * CRDs and Gantry's flags write them: one or more decimal numbers, each with a unit ({@code h},
 * {@code m}, {@code s}, {@code ms}, {@code us}/{@code µs}, {@code ns}), and a bare {@code 0} as Go
 * accepts it.
 */
public final class GoDurations {
  private static final Pattern WHOLE =
      Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:h|ms|m|s|us|µs|ns))+");
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s|us|µs|ns)");

  private GoDurations() {}

  /** The duration, or null when the value is not a Go duration or does not fit in a long. */
  public static Duration parse(String value) {
    if ("0".equals(value)) {
      return Duration.ZERO;
    }
    if (value == null || !WHOLE.matcher(value).matches()) {
      return null;
    }
    BigDecimal nanos = BigDecimal.ZERO;
    Matcher m = PART.matcher(value);
    while (m.find()) {
      long unit =
          switch (m.group(2)) {
            case "h" -> 3_600_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "s" -> 1_000_000_000L;
            case "ms" -> 1_000_000L;
            case "us", "µs" -> 1_000L;
            default -> 1L;
          };
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
    }
    if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return null;
    }
    return Duration.ofNanos(nanos.longValue());
  }
}
