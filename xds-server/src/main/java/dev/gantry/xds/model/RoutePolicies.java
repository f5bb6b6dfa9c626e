package dev.gantry.xds.model;

import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.xds.model.RoutingTable.HeaderPolicy;
import dev.gantry.xds.model.RoutingTable.Match;
import dev.gantry.xds.model.RoutingTable.PathKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Header policies ({@code requestHeadersPolicy}, {@code responseHeadersPolicy}, on routes and on
 * services) and {@code pathRewritePolicy}, validated like Contour's. Errors are added to the list
 * and the policy is left out; nothing is thrown.
 */
public final class RoutePolicies {
  static final String REQUEST = "RequestHeadersPolicyInvalid";
  static final String RESPONSE = "ResponseHeadersPolicyInvalid";
  static final String REWRITE = "PathRewritePolicyNotValid";

  /** An HTTP header name (RFC 9110 token). */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private RoutePolicies() {}

  /**
   * @param response whether the policy applies to responses ({@code responseHeadersPolicy})
   */
  public static HeaderPolicy headers(
      HTTPProxySpec.HeadersPolicy policy,
      boolean response,
      String where,
      List<ProxyVerdict.Error> errors) {
    if (policy == null) {
      return HeaderPolicy.NONE;
    }
    String reason = response ? RESPONSE : REQUEST;
    String field = where + (response ? ".responseHeadersPolicy" : ".requestHeadersPolicy");
    int before = errors.size();
    Map<String, String> set = new LinkedHashMap<>();
    List<HTTPProxySpec.HeaderValue> sets = policy.getSet() == null ? List.of() : policy.getSet();
    for (int i = 0; i < sets.size(); i++) {
      HTTPProxySpec.HeaderValue h = sets.get(i);
      String name = h == null ? null : h.getName();
      String problem = nameProblem(name);
      if (problem != null) {
        errors.add(error(reason, field + ".set[" + i + "]: " + problem));
        continue;
      }
      String key = name.toLowerCase(Locale.ROOT);
      if (set.containsKey(key)) {
        errors.add(error(reason, field + ".set[" + i + "]: duplicate header \"" + name + "\""));
        continue;
      }
      set.put(key, h.getValue() == null ? "" : h.getValue());
    }
    List<String> remove = new ArrayList<>();
    List<String> removes = policy.getRemove() == null ? List.of() : policy.getRemove();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < removes.size(); i++) {
      String name = removes.get(i);
      String problem = nameProblem(name);
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
    return errors.size() > before ? HeaderPolicy.NONE : new HeaderPolicy(set, remove);
  }

  private static String nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "header name is empty";
    }
    if (!TOKEN.matcher(name).matches()) {
      return "\"" + name + "\" is not a valid header name";
    }
    if (name.equalsIgnoreCase("host")) {
      return "rewriting the Host header is not supported yet";
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

  private static ProxyVerdict.Error error(String reason, String message) {
    return new ProxyVerdict.Error("Valid", reason, message);
  }
}
