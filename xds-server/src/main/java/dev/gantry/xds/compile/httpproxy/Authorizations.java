package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.GoDurations;
import dev.gantry.api.crd.contour.AuthorizationPolicy;
import dev.gantry.api.crd.contour.AuthorizationServer;
import dev.gantry.api.crd.contour.ExtensionService;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.TLS;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A root's {@code spec.virtualhost.authorization} and a route's {@code authPolicy}, checked as
 * Contour's HTTPProxyProcessor checks them, with its reasons: the host must terminate TLS ({@code
 * AuthNotPermitted}), the reference must be {@code projectcontour.io/v1alpha1} ({@code
 * AuthBadResourceVersion}) to a valid ExtensionService ({@code ExtensionServiceNotFound}), the
 * timeout a duration ({@code AuthResponseTimeoutInvalid}). Pure.
 */
final class Authorizations {
  static final long DEFAULT_MAX_REQUEST_BYTES = 1024;

  private Authorizations() {}

  /**
   * The root's authorization, absent when it has none; with the extension it uses, whose cluster
   * the host's clusters must include.
   */
  record Found(RoutingTable.Authorization authorization, ExtensionServices.Extension extension) {}

  /** Whether {@code auth} asks for requests to be checked (it names a server, or disables none). */
  static boolean checks(AuthorizationServer auth) {
    AuthorizationPolicy policy = auth.getAuthPolicy();
    boolean disabled = policy != null && Boolean.TRUE.equals(policy.getDisabled());
    String name = auth.getExtensionRef() == null ? null : auth.getExtensionRef().getName();
    return name != null && !name.isEmpty() || !disabled;
  }

  static Outcome<Optional<Found>> of(
      HTTPProxy root, Map<String, ExtensionServices.Extension> extensions) {
    AuthorizationServer auth = root.getSpec().getVirtualhost().getAuthorization();
    if (auth == null) {
      return Outcome.of(Optional.empty());
    }
    AuthorizationPolicy hostPolicy = auth.getAuthPolicy();
    boolean disabled = hostPolicy != null && Boolean.TRUE.equals(hostPolicy.getDisabled());
    AuthorizationServer.ExtensionServiceReference ref = auth.getExtensionRef();
    String refName = ref == null ? null : ref.getName();
    TLS tls = root.getSpec().getVirtualhost().getTls();
    boolean terminates = tls != null && !Boolean.TRUE.equals(tls.getPassthrough());
    if (!terminates && (refName != null && !refName.isEmpty() || !disabled)) {
      // Contour checks only that TLS is there; a passthrough host has no HTTP to filter, so it is
      // refused too rather than served without the check.
      return Outcome.failed(
          error(
              "AuthNotPermitted",
              "Spec.VirtualHost.Authorization.ExtensionServiceRef can only be defined for root"
                  + " HTTPProxies that terminate TLS"));
    }
    if (refName == null || refName.isEmpty()) {
      if (disabled) {
        return Outcome.of(Optional.empty());
      }
      // Contour would fall back to its global authorization server; Gantry has none.
      return Outcome.failed(
          error(
              "ExtensionServiceNotFound",
              "Spec.Virtualhost.Authorization.ServiceRef names no extension service, and there is"
                  + " no global authorization server"));
    }
    String apiVersion =
        ref.getApiVersion() == null || ref.getApiVersion().isEmpty()
            ? ExtensionService.API_VERSION
            : ref.getApiVersion();
    if (!apiVersion.equals(ExtensionService.API_VERSION)) {
      return Outcome.failed(
          error(
              "AuthBadResourceVersion",
              "Spec.Virtualhost.Authorization.extensionRef specifies an unsupported resource"
                  + " version \""
                  + apiVersion
                  + "\""));
    }
    String namespace =
        ref.getNamespace() == null || ref.getNamespace().isEmpty()
            ? root.getMetadata().getNamespace()
            : ref.getNamespace();
    ExtensionServices.Extension extension = extensions.get(namespace + "/" + refName);
    if (extension == null) {
      return Outcome.failed(
          error(
              "ExtensionServiceNotFound",
              "Spec.Virtualhost.Authorization.ServiceRef extension service \""
                  + namespace
                  + "/"
                  + refName
                  + "\" not found"));
    }
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    Duration timeout =
        timeout(
            auth.getResponseTimeout(),
            "Spec.Virtualhost.Authorization.ResponseTimeout is invalid: ",
            ProxyVerdict.AUTH_ERROR,
            "AuthResponseTimeoutInvalid",
            errors);
    if (!errors.isEmpty()) {
      return Outcome.failed(errors);
    }
    RoutingTable.RequestBody body = null;
    AuthorizationServer.RequestBody asked = auth.getWithRequestBody();
    if (asked != null) {
      long max =
          asked.getMaxRequestBytes() == null || asked.getMaxRequestBytes() == 0
              ? DEFAULT_MAX_REQUEST_BYTES
              : asked.getMaxRequestBytes();
      if (max < 0 || max > 0xFFFFFFFFL) {
        return Outcome.failed(
            error(
                "AuthRequestBodyInvalid",
                "Spec.Virtualhost.Authorization.WithRequestBody.MaxRequestBytes "
                    + max
                    + " is outside 1..4294967295"));
      }
      body =
          new RoutingTable.RequestBody(
              max,
              Boolean.TRUE.equals(asked.getAllowPartialMessage()),
              Boolean.TRUE.equals(asked.getPackAsBytes()));
    }
    Map<String, String> context =
        hostPolicy == null || hostPolicy.getContext() == null ? Map.of() : hostPolicy.getContext();
    return Outcome.of(
        Optional.of(
            new Found(
                new RoutingTable.Authorization(
                    extension.upstream().name(),
                    extension.upstream().tls() == null ? null : extension.upstream().tls().sni(),
                    timeout != null ? timeout : extension.responseTimeout(),
                    Boolean.TRUE.equals(auth.getFailOpen()),
                    disabled,
                    context,
                    body),
                extension)));
  }

  /**
   * A warning when a route of {@code host} that is checked asks for {@code permitInsecure}: plain
   * HTTP has no authorization filter, so it is redirected to HTTPS instead (fail closed).
   */
  static List<ProxyVerdict.Error> insecureChecked(RoutingTable.VirtualHost host) {
    boolean any =
        host.routes().stream()
            .anyMatch(
                r -> {
                  RoutingTable.AuthCheck check = host.authCheckOf(r);
                  return r.actions().permitInsecure() && check != null && !check.disabled();
                });
    return any
        ? List.of(
            new ProxyVerdict.Error(
                ProxyVerdict.SPEC_ERROR,
                LoadBalancing.IGNORED,
                "spec.routes[].permitInsecure is ignored on routes that are authorized: plain"
                    + " HTTP has no authorization, so they redirect to HTTPS"))
        : List.of();
  }

  /**
   * A warning when routes of a host without an authorization server set {@code authPolicy}: it only
   * adjusts the host's checks (Contour ignores it without saying so; there is no global server in
   * Gantry for it to apply to).
   */
  static List<ProxyVerdict.Error> policyWithoutServer(RoutingTable.VirtualHost host) {
    boolean any =
        host.authorization() == null
            && host.routes().stream().anyMatch(r -> r.authPolicy() != null);
    return any
        ? List.of(
            new ProxyVerdict.Error(
                ProxyVerdict.AUTH_ERROR,
                LoadBalancing.IGNORED,
                "spec.routes[].authPolicy is ignored: the virtual host has no authorization"
                    + " server (spec.virtualhost.authorization), so no request is checked"))
        : List.of();
  }

  /** A route's own policy; null when it has none. */
  static RoutingTable.AuthPolicy routePolicy(AuthorizationPolicy policy) {
    if (policy == null) {
      return null;
    }
    return new RoutingTable.AuthPolicy(
        Boolean.TRUE.equals(policy.getDisabled()),
        policy.getContext() == null ? Map.of() : policy.getContext());
  }

  /**
   * A timeout as Contour parses it: null when unset (the default), ZERO for {@code infinity}, else
   * a Go duration; anything else is an error of {@code type} and {@code reason}.
   */
  static Duration timeout(
      String value, String prefix, String type, String reason, List<ProxyVerdict.Error> errors) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.equals("infinity") || value.equals("infinite")) {
      return Duration.ZERO;
    }
    Duration d = GoDurations.parse(value);
    if (d == null || d.isNegative()) {
      errors.add(
          new ProxyVerdict.Error(
              type, reason, prefix + "unable to parse timeout string \"" + value + "\""));
      return null;
    }
    return d;
  }

  private static ProxyVerdict.Error error(String reason, String message) {
    return new ProxyVerdict.Error(ProxyVerdict.AUTH_ERROR, reason, message);
  }
}
