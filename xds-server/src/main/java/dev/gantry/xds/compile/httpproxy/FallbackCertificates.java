package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.tls.TlsSecrets;
import java.util.List;

/**
 * A terminated host's {@code tls.enableFallbackCertificate}, checked as Contour's
 * HTTPProxyProcessor checks it, with its TLSError reasons: not with client validation or
 * authorization ({@code TLSIncompatibleFeatures}: clients without SNI reach the host through
 * another connection manager, which asks for no client certificate and has no authorization
 * filter), nor, unlike Contour, with JWT verification (no {@code jwt_authn} filter there either),
 * only when the hub names a fallback Secret ({@code FallbackNotPresent}), which must be delegated
 * to the proxy's namespace ({@code FallbackNotDelegated}) and hold a valid certificate ({@code
 * FallbackNotValid}). Pure.
 */
final class FallbackCertificates {
  private FallbackCertificates() {}

  /**
   * The fallback certificate of root {@code p}, which enables it, or null after adding why not to
   * {@code errors}; {@code secret} is the hub's fallback Secret ({@code namespace/name}), null when
   * it has none.
   */
  static VirtualHostTls.Certificate compile(
      CompileContext ctx, HTTPProxy p, String secret, List<ProxyVerdict.Error> errors) {
    HTTPProxySpec.VirtualHost vhost = p.getSpec().getVirtualhost();
    if (vhost.getTls().getClientValidation() != null) {
      errors.add(
          incompatible("Spec.Virtualhost.TLS fallback & client validation are incompatible"));
      return null;
    }
    if (vhost.getAuthorization() != null) {
      errors.add(
          incompatible("Spec.Virtualhost.TLS fallback & client authorization are incompatible"));
      return null;
    }
    if (vhost.getJwtProviders() != null && !vhost.getJwtProviders().isEmpty()) {
      // Contour lets this through, and its fallback chain has no jwt_authn filter: requests
      // without SNI would skip the token check. Refused as authorization is.
      errors.add(incompatible("Spec.Virtualhost.TLS fallback & JWT verification are incompatible"));
      return null;
    }
    if ("1.3".equals(vhost.getTls().getMinimumProtocolVersion())) {
      // Contour lets this through, and its fallback chain serves TLS 1.2: a client without SNI
      // would reach the host with the version it refuses. Refused as authorization is.
      errors.add(
          incompatible(
              "Spec.Virtualhost.TLS fallback & minimum protocol version 1.3 are incompatible:"
                  + " the fallback certificate is served from TLS 1.2"));
      return null;
    }
    if (p.getSpec().getTcpproxy() != null) {
      // Contour accepts it, but its fallback route configuration has no routes of a TCP proxy:
      // such a client would get 404s from a connection manager the host never meant to use.
      ctx.warnings()
          .add(
              new ProxyVerdict.Error(
                  ProxyVerdict.TLS_ERROR,
                  "IgnoredField",
                  "Spec.VirtualHost.TLS.EnableFallbackCertificate is ignored with Spec.TCPProxy:"
                      + " a TCP proxy is reached by SNI only"));
      return null;
    }
    if (secret == null) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.TLS_ERROR,
              "FallbackNotPresent",
              "Spec.Virtualhost.TLS enabled fallback but the fallback Certificate Secret is not"
                  + " configured in the hub's --fallback-certificate flag"));
      return null;
    }
    if (!ctx.delegations().permits(secret, ctx.namespace())) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.TLS_ERROR,
              "FallbackNotDelegated",
              "Spec.VirtualHost.TLS Secret \""
                  + secret
                  + "\" is not configured for certificate delegation"
                  + Delegations.howToDelegate(secret, ctx.namespace())));
      return null;
    }
    TlsSecrets.Outcome outcome = ctx.certificates().getOrDefault(secret, TlsSecrets.NOT_FOUND);
    if (outcome.error() != null) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.TLS_ERROR,
              "FallbackNotValid",
              "Spec.Virtualhost.TLS Secret \""
                  + secret
                  + "\" fallback certificate is invalid: "
                  + outcome.error()));
      return null;
    }
    return outcome.certificate();
  }

  private static ProxyVerdict.Error incompatible(String message) {
    return new ProxyVerdict.Error(ProxyVerdict.TLS_ERROR, "TLSIncompatibleFeatures", message);
  }
}
