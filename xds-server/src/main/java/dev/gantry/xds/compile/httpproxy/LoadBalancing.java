package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.LoadBalancerPolicy;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable.HashKind;
import dev.gantry.xds.ir.RoutingTable.HashPolicy;
import dev.gantry.xds.ir.Upstream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A route's {@code loadBalancerPolicy}, read as Contour reads it: nothing here makes a proxy
 * invalid. An unknown strategy means RoundRobin; a bad request hash policy is left out with a
 * warning ({@code SpecError}/{@code IgnoredField}); with none left, RequestHash falls back to
 * RoundRobin. Warnings are added to the list; nothing is thrown.
 */
public final class LoadBalancing {
  static final String IGNORED = "IgnoredField";

  /** An HTTP header name (RFC 9110 token). */
  private LoadBalancing() {}

  /**
   * The strategy of the route's clusters and the hash policies of the route (empty unless the
   * strategy hashes).
   */
  public record Choice(Upstream.Strategy strategy, List<HashPolicy> hashPolicies) {
    public static final Choice DEFAULT = new Choice(Upstream.Strategy.ROUND_ROBIN, List.of());

    public Choice {
      hashPolicies = List.copyOf(hashPolicies);
    }
  }

  public static Choice choose(
      LoadBalancerPolicy policy, String where, List<ProxyVerdict.Error> warnings) {
    if (policy == null) {
      return Choice.DEFAULT;
    }
    String field = where + ".loadBalancerPolicy";
    boolean hashes =
        policy.getRequestHashPolicies() != null && !policy.getRequestHashPolicies().isEmpty();
    if (hashes && !Upstream.Strategy.REQUEST_HASH.contourName().equals(policy.getStrategy())) {
      // Contour drops them without a word; the author likely meant to hash.
      warnings.add(
          warning(
              field
                  + ".requestHashPolicies are ignored: they apply with the RequestHash strategy"
                  + " only"));
    }
    if (policy.getStrategy() == null || policy.getStrategy().isEmpty()) {
      return Choice.DEFAULT;
    }
    Upstream.Strategy strategy =
        Arrays.stream(Upstream.Strategy.values())
            .filter(s -> s.contourName().equals(policy.getStrategy()))
            .findFirst()
            .orElse(null);
    if (strategy == null) {
      // Contour says nothing here; a warning costs nothing and explains the round robin.
      warnings.add(
          warning(
              field
                  + ".strategy: unknown strategy \""
                  + policy.getStrategy()
                  + "\", using RoundRobin"));
      return Choice.DEFAULT;
    }
    return switch (strategy) {
      case COOKIE -> new Choice(strategy, List.of(HashPolicy.SESSION_COOKIE));
      case REQUEST_HASH -> requestHash(policy, field, warnings);
      default -> new Choice(strategy, List.of());
    };
  }

  private static Choice requestHash(
      LoadBalancerPolicy policy, String field, List<ProxyVerdict.Error> warnings) {
    List<HashPolicy> kept = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<LoadBalancerPolicy.RequestHashPolicy> given =
        policy.getRequestHashPolicies() == null ? List.of() : policy.getRequestHashPolicies();
    for (int i = 0; i < given.size(); i++) {
      String at = field + ".requestHashPolicies[" + i + "]";
      HashPolicy hash = hashPolicy(given.get(i), at, seen, warnings);
      if (hash != null) {
        kept.add(hash);
      }
    }
    if (kept.isEmpty()) {
      warnings.add(
          warning(
              field
                  + ": ignoring invalid request hash policy options, setting load balancer"
                  + " strategy to default RoundRobin"));
      return Choice.DEFAULT;
    }
    return new Choice(Upstream.Strategy.REQUEST_HASH, kept);
  }

  /**
   * One request hash policy, or null with a warning when it is left out.
   *
   * @param seen what the policies kept so far hash, which a later one may not repeat
   */
  private static HashPolicy hashPolicy(
      LoadBalancerPolicy.RequestHashPolicy p,
      String at,
      Set<String> seen,
      List<ProxyVerdict.Error> warnings) {
    boolean hashSourceIp = p != null && Boolean.TRUE.equals(p.getHashSourceIP());
    boolean header = p != null && p.getHeaderHashOptions() != null;
    boolean query = p != null && p.getQueryParameterHashOptions() != null;
    if ((hashSourceIp ? 1 : 0) + (header ? 1 : 0) + (query ? 1 : 0) != 1) {
      warnings.add(
          warning(
              at
                  + ": ignoring invalid request hash policy, must set exactly one of"
                  + " hashSourceIP or headerHashOptions or queryParameterHashOptions"));
      return null;
    }
    boolean terminal = Boolean.TRUE.equals(p.getTerminal());
    if (header) {
      return header(p.getHeaderHashOptions().getHeaderName(), terminal, at, seen, warnings);
    }
    if (query) {
      return query(
          p.getQueryParameterHashOptions().getParameterName(), terminal, at, seen, warnings);
    }
    if (!seen.add("sourceIP")) {
      warnings.add(
          warning(
              at
                  + ": ignoring invalid request hash policy, hashSourceIP specified multiple"
                  + " times"));
      return null;
    }
    return new HashPolicy(HashKind.SOURCE_IP, null, terminal);
  }

  private static HashPolicy header(
      String name,
      boolean terminal,
      String at,
      Set<String> seen,
      List<ProxyVerdict.Error> warnings) {
    if (name == null || !Syntax.token(name)) {
      warnings.add(
          warning(
              at
                  + ": ignoring invalid header hash policy options with invalid header name \""
                  + (name == null ? "" : name)
                  + "\""));
      return null;
    }
    // Envoy compares header names in lower case.
    String key = name.toLowerCase(Locale.ROOT);
    if (!seen.add("header:" + key)) {
      warnings.add(
          warning(
              at
                  + ": ignoring invalid header hash policy options with duplicated header name "
                  + name));
      return null;
    }
    return new HashPolicy(HashKind.HEADER, key, terminal);
  }

  private static HashPolicy query(
      String raw,
      boolean terminal,
      String at,
      Set<String> seen,
      List<ProxyVerdict.Error> warnings) {
    // Contour lowercases: most people take query parameter names to be case-insensitive.
    String name = raw == null ? "" : raw.toLowerCase(Locale.ROOT);
    if (name.isEmpty()) {
      warnings.add(
          warning(
              at
                  + ": ignoring invalid query parameter hash policy options with an invalid"
                  + " empty query parameter name"));
      return null;
    }
    if (!seen.add("query:" + name)) {
      warnings.add(
          warning(
              at
                  + ": ignoring invalid query parameter hash policy options with duplicated"
                  + " query parameter name "
                  + name));
      return null;
    }
    return new HashPolicy(HashKind.QUERY_PARAMETER, name, terminal);
  }

  private static ProxyVerdict.Error warning(String message) {
    return new ProxyVerdict.Error(ProxyVerdict.SPEC_ERROR, IGNORED, message);
  }
}
