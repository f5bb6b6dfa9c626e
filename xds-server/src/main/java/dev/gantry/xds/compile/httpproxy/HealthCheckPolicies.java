package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HealthCheckPolicy;
import dev.gantry.api.crd.contour.TCPHealthCheckPolicy;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.ir.HealthCheck;
import dev.gantry.xds.ir.ProxyVerdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A route's {@code healthCheckPolicy}, validated, with Contour's defaults filled in. */
final class HealthCheckPolicies {
  static final String INVALID = "HealthCheckPolicyInvalid";

  /** Envoy keeps thresholds in a uint32. */
  private static final long MAX_COUNT = 0xFFFF_FFFFL;

  /** A day: longer intervals or timeouts are certainly a mistake, and fit every Envoy field. */
  private static final long MAX_SECONDS = 86_400;

  private HealthCheckPolicies() {}

  /**
   * The policy of a route, empty when it has none; when it is invalid, a {@code RouteError}/{@code
   * HealthCheckPolicyInvalid} naming each bad field. As in Contour, an unset or zero number means
   * the default: Contour's Go fields cannot tell the two apart, so proxies written for it use 0
   * that way.
   *
   * @param where the route's path, e.g. {@code spec.routes[0]}
   */
  static Outcome<Optional<HealthCheck>> of(HealthCheckPolicy policy, String where) {
    if (policy == null) {
      return Outcome.of(Optional.empty());
    }
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    String field = where + ".healthCheckPolicy";
    String path = policy.getPath();
    if (path == null || path.isEmpty()) {
      errors.add(error(field + ".path: must not be empty"));
    } else if (!headerValue(path)) {
      errors.add(error(field + ".path: \"" + printable(path) + "\" has a control character"));
    }
    String host = policy.getHost();
    if (host == null || host.isEmpty()) {
      host = HealthCheck.DEFAULT_HOST;
    } else if (!headerValue(host)) {
      errors.add(error(field + ".host: \"" + printable(host) + "\" has a control character"));
    }
    long[] numbers = numbers(policy, field, errors);
    List<HealthCheck.StatusRange> statuses = statuses(policy.getExpectedStatuses(), field, errors);
    String checkedHost = host;
    return Outcome.unless(
        errors,
        () ->
            Optional.of(
                new HealthCheck(
                    path,
                    checkedHost,
                    Duration.ofSeconds(numbers[0]),
                    Duration.ofSeconds(numbers[1]),
                    numbers[2],
                    numbers[3],
                    statuses)));
  }

  /**
   * The TCP proxy's {@code healthCheckPolicy}, empty when it has none; a bad number is a {@code
   * TCPProxyError}/{@code HealthCheckPolicyInvalid}. Unset or 0 is the default, as for routes.
   */
  static Outcome<Optional<HealthCheck>> tcp(TCPHealthCheckPolicy policy) {
    if (policy == null) {
      return Outcome.of(Optional.empty());
    }
    List<ProxyVerdict.Error> found = new ArrayList<>();
    long[] numbers = numbers(policy, "spec.tcpproxy.healthCheckPolicy", found);
    List<ProxyVerdict.Error> errors =
        found.stream()
            .map(e -> new ProxyVerdict.Error(ProxyVerdict.TCP_PROXY_ERROR, e.reason(), e.message()))
            .toList();
    return Outcome.unless(
        errors,
        () ->
            Optional.of(
                HealthCheck.tcp(
                    Duration.ofSeconds(numbers[0]),
                    Duration.ofSeconds(numbers[1]),
                    numbers[2],
                    numbers[3])));
  }

  /**
   * Interval and timeout in seconds, unhealthy and healthy thresholds, with Contour's defaults for
   * unset or 0; each out of range is an error in {@code errors}.
   */
  private static long[] numbers(
      TCPHealthCheckPolicy policy, String field, List<ProxyVerdict.Error> errors) {
    return new long[] {
      number(
          policy.getIntervalSeconds(),
          HealthCheck.DEFAULT_INTERVAL_SECONDS,
          MAX_SECONDS,
          field,
          "intervalSeconds",
          errors),
      number(
          policy.getTimeoutSeconds(),
          HealthCheck.DEFAULT_TIMEOUT_SECONDS,
          MAX_SECONDS,
          field,
          "timeoutSeconds",
          errors),
      number(
          policy.getUnhealthyThresholdCount(),
          HealthCheck.DEFAULT_UNHEALTHY_THRESHOLD,
          MAX_COUNT,
          field,
          "unhealthyThresholdCount",
          errors),
      number(
          policy.getHealthyThresholdCount(),
          HealthCheck.DEFAULT_HEALTHY_THRESHOLD,
          MAX_COUNT,
          field,
          "healthyThresholdCount",
          errors)
    };
  }

  /** The statuses that pass, each a range within 100..600 whose start is below its end. */
  private static List<HealthCheck.StatusRange> statuses(
      List<HealthCheckPolicy.StatusRange> ranges, String field, List<ProxyVerdict.Error> errors) {
    List<HealthCheck.StatusRange> statuses = new ArrayList<>();
    if (ranges == null) {
      return statuses;
    }
    for (int i = 0; i < ranges.size(); i++) {
      HealthCheckPolicy.StatusRange r = ranges.get(i);
      Long start = r == null ? null : r.getStart();
      Long end = r == null ? null : r.getEnd();
      if (start == null || end == null || start < 100 || end > 600 || start >= end) {
        errors.add(
            error(
                field
                    + ".expectedStatuses["
                    + i
                    + "]: ["
                    + start
                    + ", "
                    + end
                    + ") is not a range of statuses within 100..600 (start below end)"));
        continue;
      }
      statuses.add(new HealthCheck.StatusRange(start, end));
    }
    return statuses;
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
