package dev.gantry.xds.compile.ingress;

import dev.gantry.api.GoDurations;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.xds.compile.httpproxy.RoutePolicies;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.VirtualHostTls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * What an Ingress asks of its routes and TLS in Contour's annotations, read as Contour reads them:
 * {@code projectcontour.io/response-timeout}, {@code retry-on} (with {@code num-retries} and {@code
 * per-try-timeout}), {@code websocket-routes} and {@code tls-minimum-protocol-version}. A value
 * that does not read is named in a warning and the setting left at its default; the Ingress is
 * served.
 *
 * @param timeouts every route's timeouts
 * @param retry every route's retry policy; null for none
 * @param websocketPaths the paths (as written in the Ingress) whose routes take WebSocket upgrades
 * @param minimumVersion the lowest TLS version its TLS hosts accept
 */
record IngressPolicies(
    RoutingTable.Timeouts timeouts,
    RoutingTable.Retry retry,
    Set<String> websocketPaths,
    VirtualHostTls.Version minimumVersion) {
  static final String PREFIX = "projectcontour.io/";
  static final String RESPONSE_TIMEOUT = PREFIX + "response-timeout";
  static final String RETRY_ON = PREFIX + "retry-on";
  static final String NUM_RETRIES = PREFIX + "num-retries";
  static final String PER_TRY_TIMEOUT = PREFIX + "per-try-timeout";
  static final String WEBSOCKET_ROUTES = PREFIX + "websocket-routes";
  static final String TLS_MINIMUM_VERSION = PREFIX + "tls-minimum-protocol-version";

  /** The annotations read here. */
  static final Set<String> NAMES =
      Set.of(
          RESPONSE_TIMEOUT,
          RETRY_ON,
          NUM_RETRIES,
          PER_TRY_TIMEOUT,
          WEBSOCKET_ROUTES,
          TLS_MINIMUM_VERSION);

  static final IngressPolicies NONE =
      new IngressPolicies(
          RoutingTable.Timeouts.DEFAULT, null, Set.of(), VirtualHostTls.Version.TLS_1_2);

  IngressPolicies {
    websocketPaths = Set.copyOf(websocketPaths);
  }

  /**
   * The policies the annotations ask for.
   *
   * @param warn told of each value that does not read (the annotation's name and why)
   */
  static IngressPolicies of(Map<String, String> annotations, Consumer<String> warn) {
    if (annotations == null || annotations.keySet().stream().noneMatch(NAMES::contains)) {
      return NONE;
    }
    return new IngressPolicies(
        timeouts(annotations.get(RESPONSE_TIMEOUT), warn),
        retry(annotations, warn),
        list(annotations.get(WEBSOCKET_ROUTES)),
        minimumVersion(annotations.get(TLS_MINIMUM_VERSION), warn));
  }

  /** The route's timeouts: the response timeout as HTTPProxy's {@code timeoutPolicy.response}. */
  private static RoutingTable.Timeouts timeouts(String value, Consumer<String> warn) {
    if (value == null) {
      return RoutingTable.Timeouts.DEFAULT;
    }
    HTTPProxySpec.TimeoutPolicy policy = new HTTPProxySpec.TimeoutPolicy();
    policy.setResponse(value.trim());
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    RoutingTable.Timeouts timeouts = RoutePolicies.timeouts(policy, RESPONSE_TIMEOUT, errors);
    if (!errors.isEmpty()) {
      warn.accept(RESPONSE_TIMEOUT + ": \"" + value + "\" is not a duration (e.g. 30s, infinity)");
      return RoutingTable.Timeouts.DEFAULT;
    }
    return timeouts;
  }

  /**
   * Contour's: no retries without {@code retry-on}; {@code num-retries} -1 disables them, 0 or none
   * is Envoy's default of one; {@code per-try-timeout} a duration or {@code infinity} (none).
   */
  private static RoutingTable.Retry retry(Map<String, String> annotations, Consumer<String> warn) {
    List<String> on = new ArrayList<>(list(annotations.get(RETRY_ON)));
    if (on.isEmpty()) {
      for (String name : List.of(NUM_RETRIES, PER_TRY_TIMEOUT)) {
        if (annotations.containsKey(name)) {
          warn.accept(name + " applies only with " + RETRY_ON + "; ignored");
        }
      }
      return null;
    }
    long count = 0;
    String retries = annotations.get(NUM_RETRIES);
    if (retries != null) {
      try {
        count = Long.parseLong(retries.trim());
      } catch (NumberFormatException e) {
        count = -2;
      }
      if (count < -1 || count > 100) {
        warn.accept(
            NUM_RETRIES
                + ": \""
                + retries
                + "\" is not a number of retries from -1 to 100; one retry is made");
        count = 0;
      }
    }
    Duration perTry = null;
    String perTryValue = annotations.get(PER_TRY_TIMEOUT);
    if (perTryValue != null && !perTryValue.trim().matches("infinity|infinite")) {
      perTry = GoDurations.parse(perTryValue.trim());
      if (perTry == null) {
        warn.accept(
            PER_TRY_TIMEOUT
                + ": \""
                + perTryValue
                + "\" is not a duration (e.g. 250ms, 1s); no per-try timeout");
      }
    }
    List<String> unknown = on.stream().filter(c -> !RoutePolicies.RETRY_ON.contains(c)).toList();
    if (!unknown.isEmpty()) {
      warn.accept(
          RETRY_ON
              + ": "
              + unknown
              + " not among "
              + RoutePolicies.RETRY_ON.stream().sorted().toList()
              + "; no retries");
      return null;
    }
    return new RoutingTable.Retry(on, RoutePolicies.retries(count), perTry, List.of());
  }

  private static VirtualHostTls.Version minimumVersion(String value, Consumer<String> warn) {
    if (value == null) {
      return VirtualHostTls.Version.TLS_1_2;
    }
    for (VirtualHostTls.Version v : VirtualHostTls.Version.values()) {
      if (v.contourName().equals(value.trim())) {
        return v;
      }
    }
    warn.accept(
        TLS_MINIMUM_VERSION + ": \"" + value + "\" is not 1.2 or 1.3; TLS 1.2 is the minimum");
    return VirtualHostTls.Version.TLS_1_2;
  }

  /** A comma-separated list, trimmed, without empty entries, sorted. */
  private static Set<String> list(String value) {
    Set<String> out = new TreeSet<>();
    if (value != null) {
      Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
    }
    return out;
  }
}
