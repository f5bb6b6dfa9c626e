package dev.gantry.xds.compile;

/**
 * Regular expressions as Envoy takes them: RE2 syntax (read strictly by {@link Re2ProgramSize}: no
 * regex library in Java reads RE2's syntax both exactly and in linear time), and an RE2 program of
 * at most {@link #ENVOY_MAX_PROGRAM_SIZE} instructions. Envoy refuses a larger one with the whole
 * route configuration that holds it, and nothing here knows whether its bootstrap raised the limit,
 * so the default is the limit.
 */
public final class Re2Regexes {
  /** Envoy's default of the runtime key {@code re2.max_program_size.error_level}. */
  public static final int ENVOY_MAX_PROGRAM_SIZE = 100;

  private Re2Regexes() {}

  /** Null when Envoy accepts {@code regex}, else why not (the regex quoted). */
  public static String problem(String regex) {
    if (regex == null || regex.isEmpty()) {
      return "is empty";
    }
    Re2ProgramSize.Estimate estimate = Re2ProgramSize.estimate(regex);
    if (estimate.unsupported() != null) {
      return "\"" + regex + "\": " + estimate.unsupported();
    }
    if (estimate.size() > ENVOY_MAX_PROGRAM_SIZE) {
      return "\""
          + regex
          + "\" is too complex for Envoy: its RE2 program would have up to "
          + estimate.size()
          + " instructions, more than Envoy's limit of "
          + ENVOY_MAX_PROGRAM_SIZE;
    }
    return null;
  }

  /**
   * A literal for RE2: ASCII characters other than letters, digits, {@code _} and {@code /}
   * escaped, much as RE2's own {@code QuoteMeta} does (RE2 refuses a backslash before any other
   * character).
   */
  public static String quote(String literal) {
    StringBuilder out = new StringBuilder();
    literal
        .codePoints()
        .forEach(
            c -> {
              boolean plain =
                  c >= 0x80
                      || c == '_'
                      || c == '/'
                      || (c >= 'a' && c <= 'z')
                      || (c >= 'A' && c <= 'Z')
                      || (c >= '0' && c <= '9');
              if (c == 0) {
                out.append("\\x00");
                return;
              }
              if (!plain) {
                out.append('\\');
              }
              out.appendCodePoint(c);
            });
    return out.toString();
  }
}
