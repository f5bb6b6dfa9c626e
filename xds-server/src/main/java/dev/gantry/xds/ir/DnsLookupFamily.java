package dev.gantry.xds.ir;

import java.util.Locale;

/**
 * Which addresses Envoy asks DNS for when it resolves a name itself (a key set's host, an
 * ExternalName Service): Contour's {@code dnsLookupFamily} values, {@code AUTO} being Envoy's and
 * Contour's default (IPv6 first, else IPv4).
 */
public enum DnsLookupFamily {
  AUTO,
  V4,
  V6,
  ALL;

  /** The value as Contour writes it: {@code auto}, {@code v4}, {@code v6}, {@code all}. */
  public String contourName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Contour's value {@code value}; unset or empty is {@code AUTO}, anything else null. */
  public static DnsLookupFamily parse(String value) {
    if (value == null || value.isEmpty()) {
      return AUTO;
    }
    for (DnsLookupFamily f : values()) {
      if (f.contourName().equals(value)) {
        return f;
      }
    }
    return null;
  }
}
