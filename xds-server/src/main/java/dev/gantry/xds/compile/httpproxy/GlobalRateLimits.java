package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.GlobalRateLimitPolicy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.RateLimitPolicy;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.GlobalRateLimit;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A virtual host's or route's {@code rateLimitPolicy.global}, read as Contour's {@code
 * globalRateLimitPolicy} reads it: {@code disabled} drops the descriptors (a route then leaves out
 * its host's); each entry sets exactly one of genericKey, requestHeader, requestHeaderValueMatch
 * and remoteAddress. What Contour's CRD refuses before Contour sees it (no descriptors in a given
 * list, a descriptor without entries, an empty value or name) and what Envoy would refuse (a header
 * name that is not a token, a bad header condition) is refused here, all with Contour's {@code
 * RateLimitPolicyNotValid}. Limits need the hub's rate limit service: without one, a policy with
 * descriptors is refused (Contour would serve it unlimited). Pure.
 */
final class GlobalRateLimits {
  private GlobalRateLimits() {}

  /**
   * The global limit of {@code where} (e.g. {@code spec.virtualhost}), absent when it has none;
   * {@code problem} says why the hub cannot count it (null: it can).
   */
  static Outcome<Optional<GlobalRateLimit>> parse(
      RateLimitPolicy policy, String where, boolean route, String problem) {
    GlobalRateLimitPolicy global = policy == null ? null : policy.getGlobal();
    if (global == null) {
      return Outcome.of(Optional.empty());
    }
    String type = route ? ProxyVerdict.ROUTE_ERROR : ProxyVerdict.VIRTUAL_HOST_ERROR;
    String field = where + ".rateLimitPolicy.global";
    if (Boolean.TRUE.equals(global.getDisabled())) {
      // Contour ignores the descriptors of a disabled policy.
      return Outcome.of(route ? Optional.of(GlobalRateLimit.DISABLED) : Optional.empty());
    }
    List<GlobalRateLimitPolicy.Descriptor> given = global.getDescriptors();
    if (given == null) {
      return Outcome.of(Optional.empty());
    }
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    if (given.isEmpty()) {
      errors.add(error(type, field + ".descriptors: at least one descriptor is required"));
    }
    List<GlobalRateLimit.Descriptor> descriptors = new ArrayList<>();
    for (int i = 0; i < given.size(); i++) {
      String at = field + ".descriptors[" + i + "]";
      GlobalRateLimitPolicy.Descriptor d = given.get(i);
      List<GlobalRateLimitPolicy.Entry> entries = d == null ? null : d.getEntries();
      if (entries == null || entries.isEmpty()) {
        errors.add(error(type, at + ".entries: at least one entry is required"));
        continue;
      }
      List<GlobalRateLimit.Entry> parsed = new ArrayList<>();
      for (int j = 0; j < entries.size(); j++) {
        GlobalRateLimit.Entry entry =
            entry(entries.get(j), at + ".entries[" + j + "]", type, errors);
        if (entry != null) {
          parsed.add(entry);
        }
      }
      if (parsed.size() == entries.size()) {
        descriptors.add(new GlobalRateLimit.Descriptor(parsed));
      }
    }
    if (errors.isEmpty() && problem != null) {
      errors.add(
          error(
              type,
              field
                  + ": "
                  + problem
                  + ", so the limit could not be enforced; the proxy is not served rather than"
                  + " served unlimited"));
    }
    return Outcome.unless(errors, () -> Optional.of(new GlobalRateLimit(descriptors, false)));
  }

  private static GlobalRateLimit.Entry entry(
      GlobalRateLimitPolicy.Entry e, String at, String type, List<ProxyVerdict.Error> errors) {
    int set =
        e == null
            ? 0
            : HeaderQueryConditions.count(
                e.getGenericKey(),
                e.getRequestHeader(),
                e.getRequestHeaderValueMatch(),
                e.getRemoteAddress());
    if (set != 1) {
      errors.add(error(type, at + ": rate limit descriptor entry must have exactly one field set"));
      return null;
    }
    if (e.getGenericKey() != null) {
      GlobalRateLimitPolicy.GenericKey g = e.getGenericKey();
      if (g.getValue() == null || g.getValue().isEmpty()) {
        errors.add(error(type, at + ".genericKey.value: is required"));
        return null;
      }
      // An empty key is Envoy's default, generic_key, as Contour passes it on.
      String key = g.getKey() == null || g.getKey().isEmpty() ? null : g.getKey();
      return new GlobalRateLimit.GenericKey(key, g.getValue());
    }
    if (e.getRequestHeader() != null) {
      GlobalRateLimitPolicy.RequestHeader h = e.getRequestHeader();
      boolean ok = true;
      String name = h.getHeaderName();
      if (name == null || !Syntax.token(name)) {
        errors.add(
            error(
                type, at + ".requestHeader.headerName: " + quoted(name) + " is not a header name"));
        ok = false;
      }
      if (h.getDescriptorKey() == null || h.getDescriptorKey().isEmpty()) {
        errors.add(error(type, at + ".requestHeader.descriptorKey: is required"));
        ok = false;
      }
      return ok
          ? new GlobalRateLimit.RequestHeader(name.toLowerCase(Locale.ROOT), h.getDescriptorKey())
          : null;
    }
    if (e.getRequestHeaderValueMatch() != null) {
      return headerValueMatch(e.getRequestHeaderValueMatch(), at, type, errors);
    }
    return new GlobalRateLimit.RemoteAddress();
  }

  private static GlobalRateLimit.Entry headerValueMatch(
      GlobalRateLimitPolicy.RequestHeaderValueMatch m,
      String at,
      String type,
      List<ProxyVerdict.Error> errors) {
    String field = at + ".requestHeaderValueMatch";
    boolean ok = true;
    List<HTTPProxySpec.HeaderMatchCondition> conditions = m.getHeaders();
    if (conditions == null || conditions.isEmpty()) {
      errors.add(error(type, field + ".headers: at least one header condition is required"));
      ok = false;
    }
    List<RoutingTable.HeaderMatch> headers = new ArrayList<>();
    for (int k = 0; conditions != null && k < conditions.size(); k++) {
      HTTPProxySpec.HeaderMatchCondition c = conditions.get(k);
      String where = field + ".headers[" + k + "]";
      if (c == null) {
        errors.add(error(type, where + ": name is required"));
        ok = false;
        continue;
      }
      List<ProxyVerdict.Error> found = new ArrayList<>();
      RoutingTable.HeaderMatch h = HeaderQueryConditions.header(c, where, found);
      // The condition's own problems, told as the rate limit policy's.
      found.forEach(f -> errors.add(error(type, f.message())));
      if (h == null || !found.isEmpty()) {
        ok = false;
      } else {
        headers.add(h);
      }
    }
    if (m.getValue() == null || m.getValue().isEmpty()) {
      errors.add(error(type, field + ".value: is required"));
      ok = false;
    }
    return ok
        ? new GlobalRateLimit.HeaderValueMatch(
            headers, m.getValue(), !Boolean.FALSE.equals(m.getExpectMatch()))
        : null;
  }

  private static String quoted(String value) {
    return value == null ? "(none)" : "\"" + value + "\"";
  }

  private static ProxyVerdict.Error error(String type, String message) {
    return new ProxyVerdict.Error(type, RateLimits.REASON, message);
  }
}
