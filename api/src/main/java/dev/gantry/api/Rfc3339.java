package dev.gantry.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Times as Kubernetes writes them in status fields (RFC 3339, {@code Z} or an offset). */
public final class Rfc3339 {
  private Rfc3339() {}

  /** The instant, or null when {@code value} is absent, blank or not an RFC 3339 time. */
  public static Instant parseOrNull(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
