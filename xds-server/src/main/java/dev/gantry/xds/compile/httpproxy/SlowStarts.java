package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.GoDurations;
import dev.gantry.api.crd.contour.SlowStartPolicy;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A service's {@code slowStartPolicy}, as Contour reads it: a Go duration window, a decimal
 * aggression (1.0 when unset), a minimum weight percent (10 when unset, Contour's CRD default);
 * only with the RoundRobin or WeightedLeastRequest strategy, the ones Envoy ramps up. Anything else
 * is {@code ServiceError}/{@code SlowStartInvalid}. Pure.
 */
final class SlowStarts {
  static final String REASON = "SlowStartInvalid";
  // Contour's CRD pattern for aggression.
  private static final Pattern DECIMAL = Pattern.compile("[0-9]+([.][0-9]+)?|[.][0-9]+");

  private SlowStarts() {}

  /** The slow start, null when there is none or (with an error added) when it does not read. */
  static Upstream.SlowStart parse(
      SlowStartPolicy policy,
      Upstream.Strategy strategy,
      String where,
      List<ProxyVerdict.Error> errors) {
    if (policy == null) {
      return null;
    }
    String at = where + ".slowStartPolicy";
    if (strategy != Upstream.Strategy.ROUND_ROBIN
        && strategy != Upstream.Strategy.WEIGHTED_LEAST_REQUEST) {
      return invalid(
          errors,
          at
              + ": slow start is only supported with RoundRobin or WeightedLeastRequest load"
              + " balancer strategy, not "
              + strategy.contourName());
    }
    Duration window = GoDurations.parse(policy.getWindow());
    if (window == null) {
      return invalid(
          errors, at + ".window \"" + policy.getWindow() + "\" is not a duration such as 30s");
    }
    double aggression = 1.0;
    String written = policy.getAggression();
    if (written != null && !written.isEmpty()) {
      if (!DECIMAL.matcher(written).matches() || Double.parseDouble(written) <= 0) {
        return invalid(
            errors, at + ".aggression \"" + written + "\" is not a decimal number above 0");
      }
      aggression = Double.parseDouble(written);
    }
    int minimum = policy.getMinimumWeightPercent() == null ? 10 : policy.getMinimumWeightPercent();
    if (minimum < 0 || minimum > 100) {
      return invalid(errors, at + ".minWeightPercent " + minimum + " is not 0-100");
    }
    return new Upstream.SlowStart(window, aggression, minimum);
  }

  private static Upstream.SlowStart invalid(List<ProxyVerdict.Error> errors, String message) {
    errors.add(new ProxyVerdict.Error(ProxyVerdict.SERVICE_ERROR, REASON, message));
    return null;
  }
}
