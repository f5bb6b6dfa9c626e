package dev.gantry.xds.ir;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A route's {@code healthCheckPolicy}: Envoy's active HTTP health checks of the route's clusters,
 * with Contour's defaults filled in, so that a policy spelling out the defaults and one leaving
 * them out are the same value (and the same cluster); or a TCP proxy's, which only connects ({@link
 * #tcp}).
 *
 * @param path requested on each endpoint; null for a TCP check
 * @param host the Host header of the checks; null for a TCP check
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
    long healthyThreshold,
    List<StatusRange> expectedStatuses) {
  /** Contour's defaults (internal/envoy: HCHost, HCInterval, HCTimeout, thresholds). */
  public static final String DEFAULT_HOST = "contour-envoy-healthcheck";

  public static final long DEFAULT_INTERVAL_SECONDS = 5;
  public static final long DEFAULT_TIMEOUT_SECONDS = 2;
  public static final long DEFAULT_UNHEALTHY_THRESHOLD = 3;
  public static final long DEFAULT_HEALTHY_THRESHOLD = 2;

  public HealthCheck {
    if ((path == null) != (host == null)) {
      throw new IllegalArgumentException("an HTTP check has a path and a host, a TCP one neither");
    }
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    expectedStatuses = List.copyOf(expectedStatuses);
  }

  /** A check that passes on Envoy's default statuses (200-299). */
  public HealthCheck(
      String path,
      String host,
      Duration interval,
      Duration timeout,
      long unhealthyThreshold,
      long healthyThreshold) {
    this(path, host, interval, timeout, unhealthyThreshold, healthyThreshold, List.of());
  }

  /** A check that passes when Envoy can connect to the endpoint. */
  public static HealthCheck tcp(
      Duration interval, Duration timeout, long unhealthyThreshold, long healthyThreshold) {
    return new HealthCheck(
        null, null, interval, timeout, unhealthyThreshold, healthyThreshold, List.of());
  }

  /** Whether the check only connects. */
  public boolean isTcp() {
    return path == null;
  }

  /** Statuses from {@code start} up to, not including, {@code end}, that pass a check. */
  public record StatusRange(long start, long end) {}

  /** A stable text of every value, for cluster names. */
  public String identity() {
    return (isTcp() ? "tcp" : path + "|" + host)
        + "|"
        + interval.toSeconds()
        + "|"
        + timeout.toSeconds()
        + "|"
        + unhealthyThreshold
        + "|"
        + healthyThreshold
        + (expectedStatuses.isEmpty()
            ? ""
            : "|"
                + expectedStatuses.stream()
                    .map(r -> r.start() + "-" + r.end())
                    .collect(java.util.stream.Collectors.joining(",")));
  }
}
