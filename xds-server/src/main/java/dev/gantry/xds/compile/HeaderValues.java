package dev.gantry.xds.compile;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Header values set by users, as Envoy must get them. Envoy reads the value of every header it adds
 * as a format string: {@code %NAME%} is a command and a lone {@code %} makes it refuse the whole
 * route configuration, every host with it. So, as Contour does, every {@code %} is doubled except
 * in the commands Contour lets through ({@link #ENVOY_COMMANDS}, {@code %REQ(header)%}), and
 * Contour's own variables ({@code %CONTOUR_NAMESPACE%}, {@code %CONTOUR_SERVICE_NAME%}, {@code
 * %CONTOUR_SERVICE_PORT%}) are replaced by their values. Values Envoy or a backend would refuse are
 * reported by {@link #problem}.
 */
public final class HeaderValues {
  /**
   * Longest value a user may set, in UTF-8 bytes. Common servers refuse a header line longer than 8
   * KiB (nginx's 8k header buffers, Apache's LimitRequestFieldSize of 8190), so a longer value
   * would break every request of the route; and doubled by escaping it still fits Envoy's own limit
   * of a header value ({@link #ENVOY_MAX_BYTES}).
   */
  public static final int MAX_BYTES = 8192;

  /** Envoy refuses a configuration with a longer header value ({@code HeaderValue.value}). */
  public static final int ENVOY_MAX_BYTES = 16384;

  /** Envoy's commands that Contour leaves unescaped in header values. */
  static final Set<String> ENVOY_COMMANDS =
      Set.of(
          "DOWNSTREAM_REMOTE_ADDRESS",
          "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT",
          "DOWNSTREAM_LOCAL_ADDRESS",
          "DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT",
          "DOWNSTREAM_LOCAL_PORT",
          "DOWNSTREAM_LOCAL_URI_SAN",
          "DOWNSTREAM_PEER_URI_SAN",
          "DOWNSTREAM_LOCAL_SUBJECT",
          "DOWNSTREAM_PEER_SUBJECT",
          "DOWNSTREAM_PEER_ISSUER",
          "DOWNSTREAM_TLS_SESSION_ID",
          "DOWNSTREAM_TLS_CIPHER",
          "DOWNSTREAM_TLS_VERSION",
          "DOWNSTREAM_PEER_FINGERPRINT_256",
          "DOWNSTREAM_PEER_FINGERPRINT_1",
          "DOWNSTREAM_PEER_SERIAL",
          "DOWNSTREAM_PEER_CERT",
          "DOWNSTREAM_PEER_CERT_V_START",
          "DOWNSTREAM_PEER_CERT_V_END",
          "HOSTNAME",
          "PROTOCOL",
          "UPSTREAM_REMOTE_ADDRESS",
          "RESPONSE_FLAGS",
          "RESPONSE_CODE_DETAILS");

  public static final String NAMESPACE = "CONTOUR_NAMESPACE";
  public static final String SERVICE_NAME = "CONTOUR_SERVICE_NAME";
  public static final String SERVICE_PORT = "CONTOUR_SERVICE_PORT";

  /**
   * {@code %NAME%} at the start of the text; the name is what Contour's variables and Envoy's
   * commands are made of.
   */
  private static final Pattern COMMAND = Pattern.compile("%([A-Z0-9_]+)%");

  /**
   * {@code %REQ(name)%}, {@code %REQ(name?fallback)%}, optionally with a maximum length of up to
   * five digits (Envoy refuses a length that does not fit its integer).
   */
  private static final Pattern REQ =
      Pattern.compile("%REQ\\(:?[A-Za-z0-9_-]+(\\?:?[A-Za-z0-9_-]+)?\\)(:[0-9]{1,5})?%");

  private HeaderValues() {}

  /**
   * The value as Envoy's format string: {@code %} doubled outside the commands let through, {@code
   * variables} (by name without the {@code %}) replaced by their values taken literally.
   */
  public static String escape(String value, Map<String, String> variables) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length() + 8);
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c != '%') {
        out.append(c);
        i++;
        continue;
      }
      Matcher req = REQ.matcher(value).region(i, value.length());
      if (req.lookingAt()) {
        out.append(req.group());
        i = req.end();
        continue;
      }
      Matcher command = COMMAND.matcher(value).region(i, value.length());
      if (command.lookingAt()) {
        String name = command.group(1);
        if (variables.containsKey(name)) {
          out.append(variables.get(name).replace("%", "%%"));
          i = command.end();
          continue;
        }
        if (ENVOY_COMMANDS.contains(name)) {
          out.append(command.group());
          i = command.end();
          continue;
        }
      }
      out.append("%%");
      i++;
    }
    return out.toString();
  }

  /**
   * Null when {@code value} may be sent as a header value, else why not: a control character other
   * than tab (Envoy and RFC 9110 refuse them; CR and LF would split the header), or more than
   * {@link #MAX_BYTES} bytes.
   */
  public static String problem(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return String.format(
            "the value has the control character U+%04X at position %d, which a header value cannot"
                + " hold",
            (int) c, i);
      }
    }
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      return "the value is " + bytes + " bytes long, more than the " + MAX_BYTES + " allowed";
    }
    return null;
  }

  /** Null when the escaped value fits Envoy's limit, else why not. */
  public static String escapedProblem(String escaped) {
    int bytes = escaped.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > ENVOY_MAX_BYTES) {
      return "the value is "
          + bytes
          + " bytes long once % is escaped and variables are replaced, more than Envoy's "
          + ENVOY_MAX_BYTES;
    }
    return null;
  }
}
