package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.GoDurations;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.xds.compile.HeaderValues;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.HeaderPolicy;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.RoutingTable.Match;
import dev.gantry.xds.ir.RoutingTable.PathKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Header policies ({@code requestHeadersPolicy}, {@code responseHeadersPolicy}, on routes and on
 * services) and {@code pathRewritePolicy}, validated like Contour's, header values escaped for
 * Envoy ({@link HeaderValues}). Header and retry policies come as outcomes; the other policies add
 * their errors to the list and are left out. Nothing is thrown.
 */
public final class RoutePolicies {
  static final String REQUEST = "RequestHeadersPolicyInvalid";
  static final String RESPONSE = "ResponseHeadersPolicyInvalid";
  static final String REWRITE = "PathRewritePolicyNotValid";
  static final String TIMEOUT = "TimeoutPolicyNotValid";
  static final String RETRY = "RetryPolicyNotValid";

  /** Envoy's HTTP and gRPC retry conditions that Contour accepts in retryOn. */
  public static final Set<String> RETRY_ON =
      Set.of(
          "5xx",
          "gateway-error",
          "reset",
          "connect-failure",
          "retriable-4xx",
          "refused-stream",
          "retriable-status-codes",
          "retriable-headers",
          "cancelled",
          "deadline-exceeded",
          "internal",
          "resource-exhausted",
          "unavailable");

  /** An HTTP header name (RFC 9110 token). */
  private RoutePolicies() {}

  /** As {@link #headers(HTTPProxySpec.HeadersPolicy, boolean, Map, String)} without variables. */
  public static Outcome<HeaderPolicy> headers(
      HTTPProxySpec.HeadersPolicy policy, boolean response, String where) {
    return headers(policy, response, Map.of(), where);
  }

  /**
   * The policy with each value as Envoy's format string, except Host's, which is a literal.
   *
   * @param response whether the policy applies to responses ({@code responseHeadersPolicy})
   * @param variables Contour's variables that values may name, e.g. {@code CONTOUR_NAMESPACE}
   */
  public static Outcome<HeaderPolicy> headers(
      HTTPProxySpec.HeadersPolicy policy,
      boolean response,
      Map<String, String> variables,
      String where) {
    if (policy == null) {
      return Outcome.of(HeaderPolicy.NONE);
    }
    String reason = response ? RESPONSE : REQUEST;
    String field = where + (response ? ".responseHeadersPolicy" : ".requestHeadersPolicy");
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    Map<String, String> set = set(policy, response, variables, reason, field, errors);
    List<String> remove = remove(policy, set, reason, field, errors);
    return Outcome.unless(errors, () -> new HeaderPolicy(set, remove));
  }

  /** The headers to set, lower-case name to Envoy's value; the bad ones' errors to the list. */
  private static Map<String, String> set(
      HTTPProxySpec.HeadersPolicy policy,
      boolean response,
      Map<String, String> variables,
      String reason,
      String field,
      List<ProxyVerdict.Error> errors) {
    Map<String, String> set = new LinkedHashMap<>();
    List<HTTPProxySpec.HeaderValue> sets = policy.getSet() == null ? List.of() : policy.getSet();
    for (int i = 0; i < sets.size(); i++) {
      HTTPProxySpec.HeaderValue h = sets.get(i);
      String name = h == null ? null : h.getName();
      String problem = nameProblem(name);
      if (problem == null && name.equalsIgnoreCase("host")) {
        if (response) {
          problem = "the Host header cannot be set on responses";
        } else if (h.getValue() == null || h.getValue().isBlank()) {
          problem = "the Host header needs a value";
        }
      }
      if (problem != null) {
        errors.add(error(reason, field + ".set[" + i + "]: " + problem));
        continue;
      }
      String raw = h.getValue() == null ? "" : h.getValue();
      boolean host = name.equalsIgnoreCase("host");
      // Host becomes Envoy's host_rewrite_literal, which is not a format string.
      String value = host ? raw : HeaderValues.escape(raw, variables);
      problem = HeaderValues.problem(raw);
      if (problem == null && !host) {
        problem = HeaderValues.escapedProblem(value);
      }
      if (problem != null) {
        errors.add(error(reason, field + ".set[" + i + "].value of \"" + name + "\": " + problem));
        continue;
      }
      String key = name.toLowerCase(Locale.ROOT);
      if (set.containsKey(key)) {
        errors.add(error(reason, field + ".set[" + i + "]: duplicate header \"" + name + "\""));
        continue;
      }
      set.put(key, value);
    }
    return set;
  }

  /** The headers to remove, in lower case, none of those {@code set} sets. */
  private static List<String> remove(
      HTTPProxySpec.HeadersPolicy policy,
      Map<String, String> set,
      String reason,
      String field,
      List<ProxyVerdict.Error> errors) {
    List<String> remove = new ArrayList<>();
    List<String> removes = policy.getRemove() == null ? List.of() : policy.getRemove();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < removes.size(); i++) {
      String name = removes.get(i);
      String problem = nameProblem(name);
      if (problem == null && name.equalsIgnoreCase("host")) {
        problem = "the Host header cannot be removed";
      }
      if (problem != null) {
        errors.add(error(reason, field + ".remove[" + i + "]: " + problem));
        continue;
      }
      String key = name.toLowerCase(Locale.ROOT);
      if (set.containsKey(key)) {
        errors.add(
            error(reason, field + ".remove[" + i + "]: \"" + name + "\" is both set and removed"));
      } else if (seen.add(key)) {
        remove.add(key);
      }
    }
    return remove;
  }

  private static String nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "header name is empty";
    }
    if (!Syntax.token(name)) {
      return "\"" + name + "\" is not a valid header name";
    }
    return null;
  }

  /**
   * The prefix that replaces the route's matched prefix, or null to keep the path. An entry applies
   * when its {@code prefix} equals the route's prefix condition, or is empty.
   */
  public static String prefixRewrite(
      HTTPProxySpec.PathRewritePolicy policy,
      Match match,
      String where,
      List<ProxyVerdict.Error> errors) {
    if (policy == null
        || policy.getReplacePrefix() == null
        || policy.getReplacePrefix().isEmpty()) {
      return null;
    }
    String field = where + ".pathRewritePolicy.replacePrefix";
    if (match != null && match.pathKind() != PathKind.PREFIX) {
      errors.add(error(REWRITE, field + ": only routes with a prefix condition can replace it"));
      return null;
    }
    String exact = null;
    String any = null;
    Set<String> prefixes = new HashSet<>();
    List<HTTPProxySpec.ReplacePrefix> entries = policy.getReplacePrefix();
    for (int i = 0; i < entries.size(); i++) {
      HTTPProxySpec.ReplacePrefix r = entries.get(i);
      if (r == null || r.getReplacement() == null || r.getReplacement().isEmpty()) {
        errors.add(error(REWRITE, field + "[" + i + "]: replacement is empty"));
        return null;
      }
      if (HeaderValues.problem(r.getReplacement()) != null) {
        // Envoy's prefix_rewrite is validated as a header value; it refuses CR, LF and NUL.
        errors.add(
            error(
                REWRITE,
                field + "[" + i + "].replacement: " + HeaderValues.problem(r.getReplacement())));
        return null;
      }
      String prefix = r.getPrefix() == null ? "" : r.getPrefix();
      if (!prefixes.add(prefix)) {
        errors.add(error(REWRITE, field + "[" + i + "]: prefix \"" + prefix + "\" is given twice"));
        return null;
      }
      if (prefix.isEmpty()) {
        any = r.getReplacement();
      } else if (match != null && prefix.equals(match.path())) {
        exact = r.getReplacement();
      }
    }
    if (exact == null && any == null) {
      errors.add(
          error(
              REWRITE,
              field
                  + ": no entry matches the route's prefix \""
                  + (match == null ? "" : match.path())
                  + "\""));
      return null;
    }
    return exact != null ? exact : any;
  }

  /** The route's timeouts; an invalid one is reported and the route keeps Envoy's default. */
  public static RoutingTable.Timeouts timeouts(
      HTTPProxySpec.TimeoutPolicy policy, String where, List<ProxyVerdict.Error> errors) {
    if (policy == null) {
      return RoutingTable.Timeouts.DEFAULT;
    }
    String field = where + ".timeoutPolicy";
    return new RoutingTable.Timeouts(
        timeout(policy.getResponse(), field + ".response", errors),
        timeout(policy.getIdle(), field + ".idle", errors));
  }

  /**
   * {@code timeoutPolicy.idleConnection}, a property of the route's Envoy clusters: null for
   * Envoy's default, ZERO for {@code infinity}; an invalid value is reported.
   */
  public static java.time.Duration idleConnection(
      HTTPProxySpec.TimeoutPolicy policy, String where, List<ProxyVerdict.Error> errors) {
    return policy == null
        ? null
        : timeout(policy.getIdleConnection(), where + ".timeoutPolicy.idleConnection", errors);
  }

  /** Null for absent, ZERO for {@code infinity}, else the duration; errors for anything else. */
  private static java.time.Duration timeout(
      String value, String field, List<ProxyVerdict.Error> errors) {
    if (value == null) {
      return null;
    }
    if (value.equals("infinity") || value.equals("infinite")) {
      return java.time.Duration.ZERO;
    }
    java.time.Duration d = GoDurations.parse(value);
    if (d == null) {
      errors.add(
          error(
              TIMEOUT,
              field + ": \"" + value + "\" is not a duration (e.g. 30s, 1m30s, 250ms, infinity)"));
    }
    return d;
  }

  /** The route's retry policy, absent when it has none. */
  public static Outcome<Optional<RoutingTable.Retry>> retry(
      HTTPProxySpec.RetryPolicy policy, String where) {
    if (policy == null) {
      return Outcome.of(Optional.empty());
    }
    String field = where + ".retryPolicy";
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    long count = policy.getCount() == null ? 0 : policy.getCount();
    if (count < -1 || count > 100) {
      errors.add(error(RETRY, field + ".count: " + count + " is outside -1..100"));
    }
    java.time.Duration perTry =
        policy.getPerTryTimeout() == null ? null : GoDurations.parse(policy.getPerTryTimeout());
    if (policy.getPerTryTimeout() != null) {
      if (perTry == null) {
        errors.add(
            error(
                RETRY,
                field
                    + ".perTryTimeout: \""
                    + policy.getPerTryTimeout()
                    + "\" is not a duration (e.g. 250ms, 1s)"));
      }
    }
    List<String> on = policy.getRetryOn() == null ? List.of() : policy.getRetryOn();
    for (String condition : on) {
      if (!RETRY_ON.contains(condition)) {
        errors.add(
            error(
                RETRY,
                field
                    + ".retryOn: \""
                    + condition
                    + "\" is not one of "
                    + RETRY_ON.stream().sorted().toList()));
      }
    }
    List<Long> codes =
        policy.getRetriableStatusCodes() == null ? List.of() : policy.getRetriableStatusCodes();
    for (Long code : codes) {
      if (code == null || code < 100 || code > 599) {
        errors.add(
            error(RETRY, field + ".retriableStatusCodes: " + code + " is not an HTTP status code"));
      }
    }
    return Outcome.unless(
        errors,
        () ->
            Optional.of(
                new RoutingTable.Retry(
                    on.isEmpty() ? List.of("5xx") : on,
                    retries(count),
                    perTry,
                    codes.stream().map(Long::intValue).toList())));
  }

  /** Contour's count: -1 disables retries, 0 (or none) is Envoy's default of 1. */
  public static int retries(long count) {
    return count == -1 ? 0 : count == 0 ? 1 : (int) count;
  }

  private static ProxyVerdict.Error error(String reason, String message) {
    return new ProxyVerdict.Error(ProxyVerdict.ROUTE_ERROR, reason, message);
  }
}
