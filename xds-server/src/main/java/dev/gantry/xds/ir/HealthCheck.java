package dev.gantry.xds.ir;

import dev.gantry.api.crd.contour.HealthCheckPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A route's {@code healthCheckPolicy}: Envoy's active HTTP health checks of the route's clusters,
 * with Contour's defaults filled in, so that a policy spelling out the defaults and one leaving
 * them out are the same value (and the same cluster).
 *
 * @param path requested on each endpoint
 * @param host the Host header of the checks
 * @param interval time between checks
 * @param timeout time to wait for an answer
 * @param unhealthyThreshold failed checks before an endpoint is taken out
 * @param healthyThreshold passed checks before it is put back
 */
public record HealthCheck(
    String path,
    String host,
    Duration interval,
    Duration timeout,
    long unhealthyThreshold,
    long healthyThreshold) {
  /** Contour's defaults (internal/envoy: HCHost, HCInterval, HCTimeout, thresholds). */
  public static final String DEFAULT_HOST = "contour-envoy-healthcheck";

  public static final long DEFAULT_INTERVAL_SECONDS = 5;
  public static final long DEFAULT_TIMEOUT_SECONDS = 2;
  public static final long DEFAULT_UNHEALTHY_THRESHOLD = 3;
  public static final long DEFAULT_HEALTHY_THRESHOLD = 2;

  static final String INVALID = "HealthCheckPolicyInvalid";

  /** Envoy keeps thresholds in a uint32. */
  private static final long MAX_COUNT = 0xFFFF_FFFFL;

  /** A day: longer intervals or timeouts are certainly a mistake, and fit every Envoy field. */
  private static final long MAX_SECONDS = 86_400;

  public HealthCheck {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * The policy of a route, null when it has none or when it is invalid; then a {@code
   * RouteError}/{@code HealthCheckPolicyInvalid} naming the field is added to {@code errors}. As in
   * Contour, an unset or zero number means the default: Contour's Go fields cannot tell the two
   * apart, so proxies written for it use 0 that way.
   *
   * @param where the route's path, e.g. {@code spec.routes[0]}
   */
  public static HealthCheck parse(
      HealthCheckPolicy policy, String where, List<ProxyVerdict.Error> errors) {
    if (policy == null) {
      return null;
    }
    String field = where + ".healthCheckPolicy";
    int before = errors.size();
    String path = policy.getPath();
    if (path == null || path.isEmpty()) {
      errors.add(error(field + ".path: must not be empty"));
    } else if (!headerValue(path)) {
      errors.add(error(field + ".path: \"" + printable(path) + "\" has a control character"));
    }
    String host = policy.getHost();
    if (host == null || host.isEmpty()) {
      host = DEFAULT_HOST;
    } else if (!headerValue(host)) {
      errors.add(error(field + ".host: \"" + printable(host) + "\" has a control character"));
    }
    long interval =
        number(
            policy.getIntervalSeconds(),
            DEFAULT_INTERVAL_SECONDS,
            MAX_SECONDS,
            field,
            "intervalSeconds",
            errors);
    long timeout =
        number(
            policy.getTimeoutSeconds(),
            DEFAULT_TIMEOUT_SECONDS,
            MAX_SECONDS,
            field,
            "timeoutSeconds",
            errors);
    long unhealthy =
        number(
            policy.getUnhealthyThresholdCount(),
            DEFAULT_UNHEALTHY_THRESHOLD,
            MAX_COUNT,
            field,
            "unhealthyThresholdCount",
            errors);
    long healthy =
        number(
            policy.getHealthyThresholdCount(),
            DEFAULT_HEALTHY_THRESHOLD,
            MAX_COUNT,
            field,
            "healthyThresholdCount",
            errors);
    if (errors.size() > before) {
      return null;
    }
    return new HealthCheck(
        path, host, Duration.ofSeconds(interval), Duration.ofSeconds(timeout), unhealthy, healthy);
  }

  /** A stable text of every value, for cluster names. */
  public String identity() {
    return path
        + "|"
        + host
        + "|"
        + interval.toSeconds()
        + "|"
        + timeout.toSeconds()
        + "|"
        + unhealthyThreshold
        + "|"
        + healthyThreshold;
  }

  private static long number(
      Long value,
      long fallback,
      long max,
      String field,
      String name,
      List<ProxyVerdict.Error> errors) {
    if (value == null || value == 0) {
      return fallback;
    }
    if (value < 0 || value > max) {
      errors.add(
          error(
              field
                  + "."
                  + name
                  + ": "
                  + value
                  + " is outside 1.."
                  + max
                  + " (0 or unset: "
                  + fallback
                  + ")"));
      return fallback;
    }
    return value;
  }

  /** What Envoy accepts in a header value: no NUL, CR or LF (it sends both as headers). */
  private static boolean headerValue(String value) {
    return value.chars().noneMatch(c -> c == 0 || c == '\r' || c == '\n');
  }

  private static String printable(String value) {
    return value.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
  }

  private static ProxyVerdict.Error error(String message) {
    return new ProxyVerdict.Error(ProxyVerdict.ROUTE_ERROR, INVALID, message);
  }
}
