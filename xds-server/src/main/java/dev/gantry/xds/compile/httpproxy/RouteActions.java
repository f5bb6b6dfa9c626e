package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.DirectResponsePolicy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.RequestRedirectPolicy;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a route does besides forwarding, validated as Contour does: answer with a redirect or a
 * fixed response instead of forwarding (exactly one of services, {@code requestRedirectPolicy} and
 * {@code directResponsePolicy}), and at most one mirror service. A redirect comes as an outcome;
 * the other checks add their errors to the list. Nothing is thrown.
 */
public final class RouteActions {
  static final String ACTION_COUNT = "RouteActionCountNotValid";
  static final String REDIRECT = "RequestRedirectPolicy";
  static final String DIRECT = "DirectResponsePolicy";
  static final String ONLY_ONE_MIRROR = "OnlyOneMirror";

  /** Envoy's default limit of a route configuration's direct response body. */
  static final int MAX_BODY_BYTES = 4096;

  private RouteActions() {}

  /** Whether the route has one action: services, a redirect or a direct response. */
  public static boolean oneAction(
      HTTPProxySpec.Route route, String where, List<ProxyVerdict.Error> errors) {
    boolean services = route.getServices() != null && !route.getServices().isEmpty();
    int actions =
        (services ? 1 : 0)
            + (route.getRequestRedirectPolicy() != null ? 1 : 0)
            + (route.getDirectResponsePolicy() != null ? 1 : 0);
    if (actions == 0) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.ROUTE_ERROR,
              "NoServicesPresent",
              where
                  + ": route.services must have at least one entry, or give a"
                  + " requestRedirectPolicy or a directResponsePolicy"));
      return false;
    }
    if (actions > 1) {
      errors.add(
          error(
              ACTION_COUNT,
              where
                  + ": must set exactly one of route.services, route.requestRedirectPolicy and"
                  + " route.directResponsePolicy"));
      return false;
    }
    return true;
  }

  /** The redirect a route answers with, absent when it has none. */
  public static Outcome<Optional<RoutingTable.Redirect>> redirect(
      RequestRedirectPolicy policy, String where) {
    if (policy == null) {
      return Outcome.of(Optional.empty());
    }
    String field = where + ".requestRedirectPolicy";
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    String scheme =
        blankToNull(policy.getScheme()) == null
            ? null
            : blankToNull(policy.getScheme()).toLowerCase(Locale.ROOT);
    if (scheme != null) {
      if (!scheme.equals("http") && !scheme.equals("https")) {
        errors.add(
            error(
                REDIRECT, field + ".scheme: \"" + policy.getScheme() + "\" is not http or https"));
      }
    }
    String host = blankToNull(policy.getHostname());
    if (host != null && !Syntax.validFqdn(host.toLowerCase(Locale.ROOT))) {
      errors.add(error(REDIRECT, field + ".hostname: \"" + host + "\" is not a valid host name"));
    }
    Integer port = policy.getPort();
    if (port != null && (port < 1 || port > 65535)) {
      errors.add(error(REDIRECT, field + ".port: " + port + " is not 1-65535"));
    }
    int status = policy.getStatusCode() == null ? 301 : policy.getStatusCode();
    if (status != 301 && status != 302) {
      errors.add(error(REDIRECT, field + ".statusCode: " + status + " is not 301 or 302"));
    }
    String path = blankToNull(policy.getPath());
    String prefix = blankToNull(policy.getPrefix());
    if (path != null && prefix != null) {
      errors.add(error(REDIRECT, field + ": cannot specify both path and prefix"));
    }
    for (String p : new String[] {path, prefix}) {
      if (p != null && (!p.startsWith("/") || p.chars().anyMatch(c -> c < 0x21 || c == 0x7f))) {
        errors.add(
            error(
                REDIRECT,
                field
                    + ": \""
                    + p
                    + "\" must start with / and hold no spaces or control characters"));
      }
    }
    return Outcome.unless(
        errors,
        () -> Optional.of(new RoutingTable.Redirect(scheme, host, port, path, prefix, status)));
  }

  /** The fixed response a route answers with, or null when it has none or it is invalid. */
  public static RoutingTable.DirectResponse directResponse(
      DirectResponsePolicy policy, String where, List<ProxyVerdict.Error> errors) {
    if (policy == null) {
      return null;
    }
    String field = where + ".directResponsePolicy";
    Integer status = policy.getStatusCode();
    if (status == null || status < 200 || status > 599) {
      errors.add(error(DIRECT, field + ".statusCode: " + status + " is not 200-599"));
      return null;
    }
    String body = policy.getBody() == null ? "" : policy.getBody();
    if (body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
      errors.add(error(DIRECT, field + ".body: longer than " + MAX_BODY_BYTES + " bytes"));
      return null;
    }
    return new RoutingTable.DirectResponse(status, body);
  }

  /** Whether at most one of the services is a mirror; else an error. */
  public static boolean atMostOneMirror(
      List<HTTPProxySpec.RouteService> services, String where, List<ProxyVerdict.Error> errors) {
    long mirrors =
        services.stream().filter(s -> s != null && Boolean.TRUE.equals(s.getMirror())).count();
    if (mirrors > 1) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SERVICE_ERROR,
              ONLY_ONE_MIRROR,
              where + ": only one service per route may be nominated as mirror"));
      return false;
    }
    return true;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static ProxyVerdict.Error error(String reason, String message) {
    return new ProxyVerdict.Error(ProxyVerdict.ROUTE_ERROR, reason, message);
  }
}
