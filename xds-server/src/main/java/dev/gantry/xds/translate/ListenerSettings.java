package dev.gantry.xds.translate;

import java.time.Duration;
import java.util.Objects;

/**
 * How Envoy's {@code ingress_http} and {@code ingress_https} listeners and their HTTP connection
 * managers treat clients, the same for every virtual host: the hub's flags choose them, {@link
 * #contour()} holds Contour's defaults.
 *
 * @param accessLog the format of the access log Envoy writes to its stdout
 * @param accessLogLevel which requests are logged
 * @param numTrustedHops how many proxies in front of Envoy append to X-Forwarded-For (Envoy takes
 *     the client address that many entries from its right end)
 * @param proxyProtocol whether every connection starts with a PROXY protocol header (v1 or v2)
 *     naming the client, as a load balancer in front writes it
 * @param mergeSlashes whether Envoy turns {@code //} in a path into {@code /} before routing
 * @param serverHeader what Envoy does to a response's Server header
 * @param timeouts the connection managers' timeouts
 */
public record ListenerSettings(
    AccessLogFormat accessLog,
    AccessLogLevel accessLogLevel,
    int numTrustedHops,
    boolean proxyProtocol,
    boolean mergeSlashes,
    ServerHeader serverHeader,
    Timeouts timeouts) {

  /** Envoy's own text format, or Contour's default JSON fields. */
  public enum AccessLogFormat {
    ENVOY,
    JSON
  }

  /** Contour's levels: all requests, those answered 300 or more, 500 or more, or none. */
  public enum AccessLogLevel {
    INFO,
    ERROR,
    CRITICAL,
    DISABLED
  }

  /** Envoy's {@code server_header_transformation}, as Contour names its values. */
  public enum ServerHeader {
    /** Always {@code Server: envoy}, whatever the backend said. */
    OVERWRITE,
    /** The backend's Server header, or {@code envoy} when it sent none. */
    APPEND_IF_ABSENT,
    /** The backend's Server header or none. */
    PASS_THROUGH
  }

  /**
   * One timeout: left to Envoy's default, turned off ({@code infinity}), or a positive duration.
   *
   * @param duration the duration; null for Envoy's default or infinity
   * @param infinite whether the timeout is turned off
   */
  public record Timeout(Duration duration, boolean infinite) {
    public static final Timeout ENVOY_DEFAULT = new Timeout(null, false);
    public static final Timeout INFINITE = new Timeout(null, true);

    public Timeout {
      if (duration != null && (infinite || duration.isNegative() || duration.isZero())) {
        throw new IllegalArgumentException("a timeout is positive, or infinite: " + duration);
      }
    }

    public static Timeout of(Duration duration) {
      return new Timeout(Objects.requireNonNull(duration, "duration"), false);
    }
  }

  /**
   * The connection managers' timeouts, each named as Contour's configuration names it.
   *
   * @param request the whole request, from its first byte to the end of the response
   * @param connectionIdle a connection without a request (HTTP/1.1) or stream (HTTP/2)
   * @param streamIdle a request or stream in which nothing moves either way
   * @param maxConnectionDuration a connection, whatever it does
   * @param delayedClose how long Envoy waits for the client to close after Envoy began closing
   * @param connectionShutdownGracePeriod between the first and the last GOAWAY of an HTTP/2
   *     connection Envoy drains (Envoy's {@code drain_timeout})
   */
  public record Timeouts(
      Timeout request,
      Timeout connectionIdle,
      Timeout streamIdle,
      Timeout maxConnectionDuration,
      Timeout delayedClose,
      Timeout connectionShutdownGracePeriod) {
    public Timeouts {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(connectionIdle, "connectionIdle");
      Objects.requireNonNull(streamIdle, "streamIdle");
      Objects.requireNonNull(maxConnectionDuration, "maxConnectionDuration");
      Objects.requireNonNull(delayedClose, "delayedClose");
      Objects.requireNonNull(connectionShutdownGracePeriod, "connectionShutdownGracePeriod");
    }

    /**
     * Contour's: a connection idle for 60 s is closed ("to stop idle connections wasting
     * resources"), the rest are Envoy's defaults.
     */
    public static Timeouts contour() {
      Timeout unset = Timeout.ENVOY_DEFAULT;
      return new Timeouts(unset, Timeout.of(Duration.ofSeconds(60)), unset, unset, unset, unset);
    }
  }

  public ListenerSettings {
    Objects.requireNonNull(accessLog, "accessLog");
    Objects.requireNonNull(accessLogLevel, "accessLogLevel");
    Objects.requireNonNull(serverHeader, "serverHeader");
    Objects.requireNonNull(timeouts, "timeouts");
    if (numTrustedHops < 0) {
      throw new IllegalArgumentException("numTrustedHops must not be negative: " + numTrustedHops);
    }
  }

  /**
   * Contour's defaults: Envoy's text access log of every request, no trusted X-Forwarded-For hop,
   * no PROXY protocol, slashes merged, {@code Server: envoy}, {@link Timeouts#contour()}.
   */
  public static ListenerSettings contour() {
    return new ListenerSettings(
        AccessLogFormat.ENVOY,
        AccessLogLevel.INFO,
        0,
        false,
        true,
        ServerHeader.OVERWRITE,
        Timeouts.contour());
  }

  public ListenerSettings withAccessLog(AccessLogFormat format, AccessLogLevel level) {
    return new ListenerSettings(
        format, level, numTrustedHops, proxyProtocol, mergeSlashes, serverHeader, timeouts);
  }

  public ListenerSettings withNumTrustedHops(int hops) {
    return new ListenerSettings(
        accessLog, accessLogLevel, hops, proxyProtocol, mergeSlashes, serverHeader, timeouts);
  }

  public ListenerSettings withProxyProtocol(boolean on) {
    return new ListenerSettings(
        accessLog, accessLogLevel, numTrustedHops, on, mergeSlashes, serverHeader, timeouts);
  }

  public ListenerSettings withMergeSlashes(boolean on) {
    return new ListenerSettings(
        accessLog, accessLogLevel, numTrustedHops, proxyProtocol, on, serverHeader, timeouts);
  }

  public ListenerSettings withServerHeader(ServerHeader header) {
    return new ListenerSettings(
        accessLog, accessLogLevel, numTrustedHops, proxyProtocol, mergeSlashes, header, timeouts);
  }

  public ListenerSettings withTimeouts(Timeouts t) {
    return new ListenerSettings(
        accessLog, accessLogLevel, numTrustedHops, proxyProtocol, mergeSlashes, serverHeader, t);
  }
}
