package dev.gantry.xds.compile.gateway;

import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteTimeouts;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule's {@code timeouts} as the route's Envoy timeout. Gantry makes one backend request per
 * request (no retries), so {@code request} and {@code backendRequest} limit the same time: the
 * shorter one set is the route's timeout; "0s" disables one (Envoy's no limit).
 */
final class Timeouts {
  /** GEP-2257's durations: up to four number-unit pairs. */
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,5})(h|ms|m|s)");

  private Timeouts() {}

  static RoutingTable.Timeouts of(
      HTTPRouteTimeouts t, String where, List<ProxyVerdict.Error> refused) {
    if (t == null) {
      return RoutingTable.Timeouts.DEFAULT;
    }
    Duration request = parse(t.getRequest(), where + ".request", refused);
    Duration backend = parse(t.getBackendRequest(), where + ".backendRequest", refused);
    Duration limit;
    if (request == null || request.isZero()) {
      limit = backend != null && !backend.isZero() ? backend : request;
    } else if (backend == null || backend.isZero()) {
      limit = request;
    } else {
      limit = backend.compareTo(request) < 0 ? backend : request;
    }
    return limit == null ? RoutingTable.Timeouts.DEFAULT : new RoutingTable.Timeouts(limit, null);
  }

  /** Null when unset or refused (with an error). */
  static Duration parse(String value, String where, List<ProxyVerdict.Error> refused) {
    if (value == null) {
      return null;
    }
    Matcher m = DURATION.matcher(value);
    Duration total = Duration.ZERO;
    int end = 0;
    int pairs = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
              });
      end = m.end();
      pairs++;
    }
    if (value.isEmpty() || end != value.length() || pairs > 4) {
      RouteFilters.refuse(where + " \"" + value + "\" is not a Gateway API duration", refused);
      return null;
    }
    return total;
  }
}
