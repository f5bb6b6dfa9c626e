package dev.gantry.hub;

import dev.gantry.runtime.cli.FlagValues;
import dev.gantry.xds.translate.ListenerSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The hub's flags for Envoy's listeners ({@link ListenerSettings}), named and defaulted as
 * Contour's configuration names and defaults them.
 */
final class ListenerFlags {
  @Option(
      names = "--access-log-format",
      defaultValue = "envoy",
      description =
          "Format of Envoy's access log on its stdout: envoy (Envoy's text format) or json"
              + " (Contour's default fields) (default: ${DEFAULT-VALUE}).")
  String accessLogFormat;

  @Option(
      names = "--access-log-level",
      defaultValue = "info",
      description =
          "Requests Envoy logs: info (all), error (status 300 or more, or an Envoy error),"
              + " critical (500 or more, or an Envoy error) or disabled (default:"
              + " ${DEFAULT-VALUE}).")
  String accessLogLevel;

  @Option(
      names = "--num-trusted-hops",
      defaultValue = "0",
      description =
          "Proxies in front of Envoy that append the client to X-Forwarded-For: Envoy takes the"
              + " client address that many entries from the right; 0 trusts none and takes the"
              + " connection's peer (default: ${DEFAULT-VALUE}).")
  int numTrustedHops;

  @Option(
      names = "--use-proxy-protocol",
      description =
          "Every connection to Envoy starts with a PROXY protocol header (v1 or v2) naming the"
              + " client, as the load balancer in front sends it; a connection without one is"
              + " refused.")
  boolean useProxyProtocol;

  @Option(
      names = "--disable-merge-slashes",
      description = "Keep repeated slashes in request paths (by default //a//b is routed as /a/b).")
  boolean disableMergeSlashes;

  @Option(
      names = "--server-header-transformation",
      defaultValue = "overwrite",
      description =
          "Server header of responses: overwrite (always envoy), append_if_absent (the"
              + " backend's, else envoy) or pass_through (the backend's or none) (default:"
              + " ${DEFAULT-VALUE}).")
  String serverHeader;

  @Option(
      names = "--request-timeout",
      description =
          "Longest time for a whole request and its response; infinity for none (default:"
              + " Envoy's, none).")
  String requestTimeout;

  @Option(
      names = "--connection-idle-timeout",
      defaultValue = "60s",
      description =
          "Close a client connection without a request or stream for this long; infinity for"
              + " never (default: ${DEFAULT-VALUE}).")
  String connectionIdleTimeout;

  @Option(
      names = "--stream-idle-timeout",
      description =
          "End a request or stream in which nothing moves for this long; infinity for never"
              + " (default: Envoy's, 5m).")
  String streamIdleTimeout;

  @Option(
      names = "--max-connection-duration",
      description =
          "Close a client connection this long after it opened, busy or not; infinity for never"
              + " (default: never).")
  String maxConnectionDuration;

  @Option(
      names = "--delayed-close-timeout",
      description =
          "How long Envoy waits for a client to close a connection Envoy is closing; infinity"
              + " for as long as it takes (default: Envoy's, 1s).")
  String delayedCloseTimeout;

  @Option(
      names = "--connection-shutdown-grace-period",
      description =
          "Time between the first and the last GOAWAY when Envoy drains an HTTP/2 connection;"
              + " infinity for none (default: Envoy's, 5s).")
  String connectionShutdownGracePeriod;

  /** The settings, or an error naming the flag with a bad value. */
  ListenerSettings settings() {
    if (numTrustedHops < 0) {
      throw new IllegalArgumentException("--num-trusted-hops must not be negative");
    }
    return new ListenerSettings(
        choice("--access-log-format", accessLogFormat, ListenerSettings.AccessLogFormat.class),
        choice("--access-log-level", accessLogLevel, ListenerSettings.AccessLogLevel.class),
        numTrustedHops,
        useProxyProtocol,
        !disableMergeSlashes,
        choice("--server-header-transformation", serverHeader, ListenerSettings.ServerHeader.class),
        new ListenerSettings.Timeouts(
            timeout("--request-timeout", requestTimeout),
            timeout("--connection-idle-timeout", connectionIdleTimeout),
            timeout("--stream-idle-timeout", streamIdleTimeout),
            timeout("--max-connection-duration", maxConnectionDuration),
            timeout("--delayed-close-timeout", delayedCloseTimeout),
            timeout("--connection-shutdown-grace-period", connectionShutdownGracePeriod)));
  }

  /** One of the enum's constants, written in lower case as Contour's configuration writes them. */
  static <E extends Enum<E>> E choice(String flag, String value, Class<E> type) {
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value.strip())) {
        return constant;
      }
    }
    throw new IllegalArgumentException(
        flag
            + ": '"
            + value
            + "' is not one of "
            + String.join(
                ", ",
                Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT))
                    .toList()));
  }

  /**
   * Unset or zero: Envoy's default (as Contour reads a zero timeout); {@code infinity}: off; else a
   * positive duration.
   */
  static ListenerSettings.Timeout timeout(String flag, String value) {
    if (value == null) {
      return ListenerSettings.Timeout.ENVOY_DEFAULT;
    }
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (v.equals("infinity") || v.equals("infinite")) {
      return ListenerSettings.Timeout.INFINITE;
    }
    Duration d = FlagValues.duration(flag, value);
    if (d.isZero()) {
      return ListenerSettings.Timeout.ENVOY_DEFAULT;
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException(flag + " must be positive, or infinity to turn it off");
    }
    return ListenerSettings.Timeout.of(d);
  }
}
