package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.InternalRedirectPolicy;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import java.util.List;
import java.util.Set;

/**
 * A route's {@code internalRedirectPolicy}. Contour's CRD limits its values by enums; a proxy
 * written against another CRD may still carry others, which make the route invalid here rather than
 * reach Envoy ({@code RouteError}/{@code InternalRedirectPolicyNotValid}). Pure.
 */
final class InternalRedirects {
  static final String REASON = "InternalRedirectPolicyNotValid";
  private static final Set<Integer> CODES = Set.of(301, 302, 303, 307, 308);
  private static final long MAX = 0xFFFF_FFFFL;

  private InternalRedirects() {}

  /** The policy, null when there is none or (with an error added) when it does not read. */
  static RoutingTable.InternalRedirect parse(
      InternalRedirectPolicy policy, String where, List<ProxyVerdict.Error> errors) {
    if (policy == null) {
      return null;
    }
    String at = where + ".internalRedirectPolicy";
    long max = policy.getMaxInternalRedirects() == null ? 0 : policy.getMaxInternalRedirects();
    if (max < 0 || max > MAX) {
      errors.add(error(at + ".maxInternalRedirects " + max + " is not 0-4294967295"));
      return null;
    }
    List<Integer> codes =
        policy.getRedirectResponseCodes() == null ? List.of() : policy.getRedirectResponseCodes();
    for (Integer code : codes) {
      if (code == null || !CODES.contains(code)) {
        errors.add(
            error(
                at + ".redirectResponseCodes: " + code + " is not one of 301, 302, 303, 307, 308"));
        return null;
      }
    }
    String scheme = policy.getAllowCrossSchemeRedirect();
    RoutingTable.CrossScheme crossScheme;
    if (scheme == null || scheme.isEmpty() || scheme.equals("Never")) {
      crossScheme = RoutingTable.CrossScheme.NEVER;
    } else if (scheme.equals("Always")) {
      crossScheme = RoutingTable.CrossScheme.ALWAYS;
    } else if (scheme.equals("SafeOnly")) {
      crossScheme = RoutingTable.CrossScheme.SAFE_ONLY;
    } else {
      errors.add(
          error(
              at
                  + ".allowCrossSchemeRedirect \""
                  + scheme
                  + "\" is not Always, Never or SafeOnly"));
      return null;
    }
    return new RoutingTable.InternalRedirect(
        max,
        codes.stream().distinct().toList(),
        crossScheme,
        Boolean.TRUE.equals(policy.getDenyRepeatedRouteRedirect()));
  }

  private static ProxyVerdict.Error error(String message) {
    return new ProxyVerdict.Error(ProxyVerdict.ROUTE_ERROR, REASON, message);
  }
}
