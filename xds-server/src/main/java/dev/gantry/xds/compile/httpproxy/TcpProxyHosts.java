package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.RateLimitPolicy;
import dev.gantry.api.crd.contour.TLS;
import dev.gantry.xds.ir.ProxyVerdict;
import java.util.List;

/**
 * What a root with {@code tcpproxy} cannot apply to its TLS stream. Envoy forwards that stream with
 * a TCP proxy, which reads no HTTP: the virtual host's authorization server, JWT providers, IP
 * filters, rate limits and forwarded client certificate details would not hold there. Contour
 * ignores them without saying so, which for the access-restricting ones serves the stream to
 * everyone; here each makes the proxy invalid. CORS only shapes browsers' answers, so it is ignored
 * with a warning. The routes such a root serves over plain HTTP are not concerned: they are refused
 * with the rest of the proxy. Pure.
 */
final class TcpProxyHosts {
  private TcpProxyHosts() {}

  /** The errors and warnings of {@code spec}'s virtual host, when it has a {@code tcpproxy}. */
  static void check(
      HTTPProxySpec spec,
      List<ProxyVerdict.Error> errors,
      java.util.Collection<ProxyVerdict.Error> warnings) {
    HTTPProxySpec.VirtualHost vhost = spec.getVirtualhost();
    if (spec.getTcpproxy() == null || vhost == null) {
      return;
    }
    TLS tls = vhost.getTls();
    boolean passthrough = tls != null && Boolean.TRUE.equals(tls.getPassthrough());
    // A passthrough host's authorization and providers are refused by their own checks already.
    if (!passthrough
        && vhost.getAuthorization() != null
        && Authorizations.checks(vhost.getAuthorization())) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.AUTH_ERROR,
              "AuthNotPermitted",
              "Spec.VirtualHost.Authorization cannot check the TLS stream of Spec.TCPProxy,"
                  + " which Envoy forwards without reading its HTTP: the proxy is not served"
                  + " rather than served unchecked"));
    }
    if (!passthrough && vhost.getJwtProviders() != null && !vhost.getJwtProviders().isEmpty()) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.JWT_VERIFICATION_ERROR,
              "JWTVerificationNotPermitted",
              "Spec.VirtualHost.JWTProviders cannot verify the TLS stream of Spec.TCPProxy,"
                  + " which Envoy forwards without reading its HTTP: the proxy is not served"
                  + " rather than served unverified"));
    }
    if (present(vhost.getIpAllowPolicy())) {
      errors.add(notImplemented("ipAllowPolicy"));
    }
    if (present(vhost.getIpDenyPolicy())) {
      errors.add(notImplemented("ipDenyPolicy"));
    }
    RateLimitPolicy limits = vhost.getRateLimitPolicy();
    if (limits != null && limits.getLocal() != null) {
      errors.add(notImplemented("rateLimitPolicy.local"));
    }
    if (limits != null
        && limits.getGlobal() != null
        && !Boolean.TRUE.equals(limits.getGlobal().getDisabled())) {
      errors.add(notImplemented("rateLimitPolicy.global"));
    }
    if (tls != null
        && tls.getClientValidation() != null
        && tls.getClientValidation().getForwardClientCertificate() != null) {
      errors.add(notImplemented("tls.clientValidation.forwardClientCertificate"));
    }
    if (vhost.getCorsPolicy() != null) {
      warnings.add(
          new ProxyVerdict.Error(
              ProxyVerdict.TCP_PROXY_ERROR,
              "IgnoredField",
              "Spec.VirtualHost.CorsPolicy is ignored on the TLS stream of Spec.TCPProxy, which"
                  + " Envoy forwards without reading its HTTP"));
    }
  }

  private static boolean present(List<?> list) {
    return list != null && !list.isEmpty();
  }

  private static ProxyVerdict.Error notImplemented(String field) {
    return new ProxyVerdict.Error(
        ProxyVerdict.TCP_PROXY_ERROR,
        UnimplementedFields.REASON,
        "spec.virtualhost."
            + field
            + " cannot apply to the TLS stream of spec.tcpproxy, which Envoy forwards without"
            + " reading its HTTP: the proxy is not served rather than served without it");
  }
}
