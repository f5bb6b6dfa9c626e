package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.GoDurations;
import dev.gantry.api.crd.contour.CORSPolicy;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A virtual host's {@code corsPolicy}, validated as Contour does: origins are {@code *}, exact
 * origins ({@code scheme://host[:port]}, compared ignoring case) or RE2 regular expressions;
 * methods are required; header names are tokens; {@code maxAge} is a non-negative Go duration.
 * Errors make a failed outcome; nothing is thrown.
 */
public final class CorsPolicies {
  static final String REASON = "PolicyDidNotParse";

  private CorsPolicies() {}

  /** The virtual host's CORS policy, absent when it has none. */
  public static Outcome<Optional<RoutingTable.Cors>> parse(CORSPolicy policy) {
    if (policy == null) {
      return Outcome.of(Optional.empty());
    }
    String field = "spec.virtualhost.corsPolicy";
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    List<RoutingTable.OriginMatch> origins = origins(policy, field, errors);
    List<String> methods = names(policy.getAllowMethods(), field + ".allowMethods", errors);
    if (methods != null && methods.isEmpty()) {
      errors.add(error(field + ".allowMethods: at least one method is required"));
    }
    List<String> allowHeaders = names(policy.getAllowHeaders(), field + ".allowHeaders", errors);
    List<String> exposeHeaders = names(policy.getExposeHeaders(), field + ".exposeHeaders", errors);
    Long maxAge = maxAge(policy, field, errors);
    return Outcome.unless(
        errors,
        () ->
            Optional.of(
                new RoutingTable.Cors(
                    origins,
                    methods,
                    allowHeaders,
                    exposeHeaders,
                    maxAge,
                    Boolean.TRUE.equals(policy.getAllowCredentials()),
                    Boolean.TRUE.equals(policy.getAllowPrivateNetwork()))));
  }

  /** The allowed origins: {@code *}, exact origins or regular expressions. */
  private static List<RoutingTable.OriginMatch> origins(
      CORSPolicy policy, String field, List<ProxyVerdict.Error> errors) {
    List<RoutingTable.OriginMatch> origins = new ArrayList<>();
    List<String> allowOrigin =
        policy.getAllowOrigin() == null ? List.of() : policy.getAllowOrigin();
    if (allowOrigin.isEmpty()) {
      errors.add(error(field + ".allowOrigin: at least one origin is required"));
    }
    for (int i = 0; i < allowOrigin.size(); i++) {
      String origin = allowOrigin.get(i) == null ? "" : allowOrigin.get(i).strip();
      if (origin.equals("*")) {
        origins.add(new RoutingTable.OriginMatch(false, ".*"));
      } else if (isOrigin(origin)) {
        origins.add(new RoutingTable.OriginMatch(true, origin));
      } else if (!origin.isEmpty() && MatchConditions.regexProblem(origin) == null) {
        origins.add(new RoutingTable.OriginMatch(false, origin));
      } else {
        errors.add(
            error(
                field
                    + ".allowOrigin["
                    + i
                    + "]: \""
                    + origin
                    + "\" is neither *, an origin (scheme://host[:port]) nor a valid regular"
                    + " expression"));
      }
    }
    return origins;
  }

  /** {@code maxAge} in seconds, or null when unset. */
  private static Long maxAge(CORSPolicy policy, String field, List<ProxyVerdict.Error> errors) {
    if (policy.getMaxAge() == null || policy.getMaxAge().isBlank()) {
      return null;
    }
    java.time.Duration d = GoDurations.parse(policy.getMaxAge().strip());
    if (d == null) {
      errors.add(
          error(
              field
                  + ".maxAge: \""
                  + policy.getMaxAge()
                  + "\" is not a non-negative duration like 10m or 0s"));
      return null;
    }
    return d.getSeconds();
  }

  /** Whether {@code value} is an origin as browsers send it: a scheme and a host, no path. */
  private static boolean isOrigin(String value) {
    try {
      URI uri = new URI(value);
      return uri.getScheme() != null
          && uri.getHost() != null
          && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null
          && uri.getRawUserInfo() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static List<String> names(
      List<String> values, String field, List<ProxyVerdict.Error> errors) {
    List<String> out = new ArrayList<>();
    List<String> list = values == null ? List.of() : values;
    for (int i = 0; i < list.size(); i++) {
      String v = list.get(i) == null ? "" : list.get(i).strip();
      if (!Syntax.token(v)) {
        errors.add(error(field + "[" + i + "]: \"" + v + "\" is not a valid name"));
        return null;
      }
      if (!out.contains(v)) {
        out.add(v);
      }
    }
    return out;
  }

  private static ProxyVerdict.Error error(String message) {
    return new ProxyVerdict.Error(ProxyVerdict.CORS_ERROR, REASON, message);
  }
}
