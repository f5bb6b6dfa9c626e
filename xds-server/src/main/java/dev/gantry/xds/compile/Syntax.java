package dev.gantry.xds.compile;

import java.util.regex.Pattern;

/** The lexical rules that both front ends check input against. */
public final class Syntax {
  /** Longest fqdn Envoy and DNS accept. */
  private static final int MAX_FQDN = 253;

  private static final Pattern FQDN =
      Pattern.compile("(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** An HTTP token (RFC 9110): header names, method names. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private Syntax() {}

  /** A lower-case DNS name of at most 253 characters, or a wildcard {@code *.} in front of one. */
  public static boolean validFqdn(String fqdn) {
    return !fqdn.isEmpty() && fqdn.length() <= MAX_FQDN && FQDN.matcher(fqdn).matches();
  }

  /**
   * A DNS host name as a TLS client may send it as server name (RFC 6066): no wildcard, not an IP
   * address, any case.
   */
  public static boolean hostname(String name) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    return validFqdn(lower) && !lower.startsWith("*.") && !lower.matches("[0-9.]+");
  }

  /** Whether the value is an HTTP token (a header name, a method). */
  public static boolean token(String value) {
    return TOKEN.matcher(value).matches();
  }
}
