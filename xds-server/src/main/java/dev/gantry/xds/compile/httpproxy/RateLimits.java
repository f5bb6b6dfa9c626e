package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.RateLimitPolicy;
import dev.gantry.xds.compile.HeaderValues;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A virtual host's or route's {@code rateLimitPolicy.local}, validated as Contour does ({@code
 * RateLimitPolicyNotValid}): at least one request per {@code second}, {@code minute} or {@code
 * hour}; the bucket holds the rate plus the {@code burst}; a refused request's status an HTTP error
 * Envoy knows (400-599, default 429); response header names tokens, each once, values escaped for
 * Envoy. Errors make a failed outcome; nothing is thrown. ({@code global} is {@link
 * GlobalRateLimits}' step.)
 */
public final class RateLimits {
  static final String REASON = "RateLimitPolicyNotValid";
  private static final long UINT32_MAX = 0xFFFF_FFFFL;

  private RateLimits() {}

  /**
   * The local limit of {@code where} (e.g. {@code spec.virtualhost} or {@code spec.routes[0]}),
   * absent when it has none.
   */
  public static Outcome<Optional<RoutingTable.LocalRateLimit>> parse(
      RateLimitPolicy policy, String where, boolean route) {
    if (policy == null || policy.getLocal() == null) {
      return Outcome.of(Optional.empty());
    }
    RateLimitPolicy.Local local = policy.getLocal();
    String field = where + ".rateLimitPolicy.local";
    String type = route ? ProxyVerdict.ROUTE_ERROR : ProxyVerdict.VIRTUAL_HOST_ERROR;
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    long requests = local.getRequests() == null ? 0 : local.getRequests();
    long burst = local.getBurst() == null ? 0 : local.getBurst();
    if (requests <= 0 || requests > UINT32_MAX) {
      errors.add(error(type, field + ".requests: " + local.getRequests() + " is not 1 or more"));
    }
    if (burst < 0 || requests + burst > UINT32_MAX) {
      errors.add(error(type, field + ".burst: " + burst + " is out of range"));
    }
    Duration interval = interval(local.getUnit());
    if (interval == null) {
      errors.add(
          error(
              type,
              field
                  + ".unit: "
                  + (local.getUnit() == null ? "(none)" : "\"" + local.getUnit() + "\"")
                  + " is not second, minute or hour"));
    }
    int status = local.getResponseStatusCode() == null ? 0 : local.getResponseStatusCode();
    if (status != 0 && (status < 400 || status > 599 || StatusCode.forNumber(status) == null)) {
      errors.add(
          error(
              type,
              field
                  + ".responseStatusCode: "
                  + status
                  + " is not an HTTP error status Envoy knows (400-599)"));
    }
    Map<String, String> headers = headers(local.getResponseHeadersToAdd(), type, field, errors);
    return Outcome.unless(
        errors,
        () ->
            Optional.of(
                new RoutingTable.LocalRateLimit(
                    requests + burst, requests, interval, status, headers)));
  }

  private static Duration interval(String unit) {
    if (unit == null) {
      return null;
    }
    return switch (unit) {
      case "second" -> Duration.ofSeconds(1);
      case "minute" -> Duration.ofMinutes(1);
      case "hour" -> Duration.ofHours(1);
      default -> null;
    };
  }

  private static Map<String, String> headers(
      List<HTTPProxySpec.HeaderValue> list,
      String type,
      String field,
      List<ProxyVerdict.Error> errors) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (list == null) {
      return headers;
    }
    for (int i = 0; i < list.size(); i++) {
      HTTPProxySpec.HeaderValue h = list.get(i);
      String at = field + ".responseHeadersToAdd[" + i + "]";
      String name = h == null ? null : h.getName();
      if (name == null || !Syntax.token(name)) {
        errors.add(error(type, at + ": " + quoted(name) + " is not a header name"));
        continue;
      }
      String key = name.toLowerCase(Locale.ROOT);
      if (headers.containsKey(key)) {
        errors.add(error(type, at + ": header " + quoted(name) + " is added twice"));
        continue;
      }
      String value = h.getValue() == null ? "" : h.getValue();
      String problem = HeaderValues.problem(value);
      String escaped = problem == null ? HeaderValues.escape(value, Map.of()) : null;
      if (problem == null) {
        problem = HeaderValues.escapedProblem(escaped);
      }
      if (problem != null) {
        errors.add(error(type, at + ": " + problem));
        continue;
      }
      headers.put(key, escaped);
    }
    return headers;
  }

  private static String quoted(String value) {
    return value == null ? "(none)" : "\"" + value + "\"";
  }

  private static ProxyVerdict.Error error(String type, String message) {
    return new ProxyVerdict.Error(type, REASON, message);
  }
}
