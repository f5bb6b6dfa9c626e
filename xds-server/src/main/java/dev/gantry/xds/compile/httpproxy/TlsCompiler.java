package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.TCPProxy;
import dev.gantry.api.crd.contour.TLS;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.ServiceResolver;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.ir.WeightedCluster;
import dev.gantry.xds.tls.TlsSecrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles an HTTPProxy's {@code spec.virtualhost.tls}, {@code spec.tcpproxy} and the routes'
 * {@code permitInsecure} into a {@link VirtualHostTls}, with Contour's TLSError and TCPProxyError
 * reasons for what cannot be served. Pure: Secrets come in as a map.
 */
final class TlsCompiler {
  private TlsCompiler() {}

  /**
   * The host's TLS, absent when it has none; the clusters of {@code spec.tcpproxy} go to the
   * context's upstreams, TLS warnings to its warnings.
   */
  static Outcome<Optional<VirtualHostTls>> compile(CompileContext ctx, HTTPProxy p) {
    HTTPProxySpec spec = p.getSpec();
    TLS tls = spec.getVirtualhost().getTls();
    TCPProxy tcp = spec.getTcpproxy();
    if (tls == null) {
      return tcp == null
          ? Outcome.of(Optional.empty())
          : Outcome.failed(
              new ProxyVerdict.Error(
                  ProxyVerdict.TCP_PROXY_ERROR,
                  "TLSMustBeConfigured",
                  "Spec.TCPProxy requires that either Spec.TLS.Passthrough or Spec.TLS.SecretName"
                      + " be set"));
    }
    boolean passthrough = Boolean.TRUE.equals(tls.getPassthrough());
    boolean hasSecret = tls.getSecretName() != null && !tls.getSecretName().isBlank();
    if (passthrough == hasSecret) {
      return Outcome.failed(
          tlsError(
              "TLSConfigNotValid",
              passthrough
                  ? "Spec.VirtualHost.TLS: both Passthrough and SecretName were specified"
                  : "Spec.VirtualHost.TLS: neither Passthrough nor SecretName were specified"));
    }
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    VirtualHostTls.Version minimum = version(tls.getMinimumProtocolVersion(), errors);
    if (passthrough && tls.getMinimumProtocolVersion() != null && minimum != null) {
      ctx.warnings()
          .add(
              tlsError(
                  "IgnoredField",
                  "Spec.VirtualHost.TLS.MinimumProtocolVersion is ignored with Passthrough: the"
                      + " backend negotiates the TLS version"));
    }
    VirtualHostTls.Certificate certificate =
        hasSecret ? certificate(p, tls.getSecretName(), ctx.certificates(), errors) : null;
    if (passthrough && tcp == null) {
      errors.add(
          tlsError(
              "TLSConfigNotValid",
              "Spec.VirtualHost.TLS.Passthrough requires Spec.TCPProxy: a passthrough virtual host"
                  + " forwards the TLS stream to tcpproxy's services and cannot serve routes over"
                  + " HTTPS"));
    }
    List<WeightedCluster> clusters = tcp == null ? List.of() : tcpProxy(ctx, tcp, errors);
    return Outcome.unless(
        errors, () -> Optional.of(new VirtualHostTls(certificate, minimum, clusters)));
  }

  private static ProxyVerdict.Error tlsError(String reason, String message) {
    return new ProxyVerdict.Error(ProxyVerdict.TLS_ERROR, reason, message);
  }

  /** Contour accepts "1.2" (the default) and "1.3"; anything else is refused, not defaulted. */
  static VirtualHostTls.Version version(String value, List<ProxyVerdict.Error> errors) {
    if (value == null || value.isEmpty()) {
      return VirtualHostTls.Version.TLS_1_2;
    }
    for (VirtualHostTls.Version v : VirtualHostTls.Version.values()) {
      if (v.contourName().equals(value)) {
        return v;
      }
    }
    errors.add(
        tlsError(
            "TLSConfigNotValid",
            "Spec.VirtualHost.TLS.MinimumProtocolVersion \""
                + value
                + "\" is not supported: use \"1.2\" or \"1.3\""));
    return null;
  }

  private static VirtualHostTls.Certificate certificate(
      HTTPProxy p,
      String secretName,
      Map<String, TlsSecrets.Outcome> certificates,
      List<ProxyVerdict.Error> errors) {
    String ns = p.getMetadata().getNamespace();
    String name = secretName;
    int slash = secretName.indexOf('/');
    if (slash >= 0) {
      // Contour lets another namespace's Secret be used only through a TLSCertificateDelegation,
      // which Gantry does not implement: the proxy's own namespace only.
      if (!secretName.substring(0, slash).equals(ns)) {
        errors.add(
            tlsError(
                "DelegationNotPermitted",
                "Spec.VirtualHost.TLS Secret \""
                    + secretName
                    + "\" certificate delegation not permitted: the Secret must be in the"
                    + " HTTPProxy's namespace \""
                    + ns
                    + "\""));
        return null;
      }
      name = secretName.substring(slash + 1);
    }
    TlsSecrets.Outcome outcome = certificates.getOrDefault(ns + "/" + name, TlsSecrets.NOT_FOUND);
    if (outcome.error() != null) {
      errors.add(
          tlsError(
              "SecretNotValid",
              "Spec.VirtualHost.TLS Secret \""
                  + secretName
                  + "\" is invalid: "
                  + outcome.error()
                  + (outcome.error().equals("Secret not found")
                      ? " in namespace \"" + ns + "\""
                      : "")));
      return null;
    }
    return outcome.certificate();
  }

  private static List<WeightedCluster> tcpProxy(
      CompileContext ctx, TCPProxy tcp, List<ProxyVerdict.Error> errors) {
    List<HTTPProxySpec.RouteService> services =
        tcp.getServices() == null ? List.of() : tcp.getServices();
    if (services.isEmpty()) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.TCP_PROXY_ERROR,
              "NothingDefined",
              "Spec.TCPProxy: either services or inclusion must be specified"));
      return List.of();
    }
    boolean anyWeight =
        services.stream().anyMatch(s -> s != null && s.getWeight() != null && s.getWeight() > 0);
    List<WeightedCluster> clusters = new ArrayList<>();
    for (int i = 0; i < services.size(); i++) {
      HTTPProxySpec.RouteService s = services.get(i);
      if (s != null && s.getValidation() != null) {
        ctx.warnings()
            .add(
                new ProxyVerdict.Error(
                    ProxyVerdict.TCP_PROXY_ERROR,
                    "IgnoredField",
                    "spec.tcpproxy.services["
                        + i
                        + "].validation is ignored: Envoy forwards the TCP stream as it is"));
      }
      List<ProxyVerdict.Error> serviceErrors = new ArrayList<>();
      Upstream upstream =
          ServiceResolver.resolve(
              ctx.namespace(),
              s,
              ctx.snapshot(),
              ServiceResolver.ClusterPolicies.DEFAULT,
              "spec.tcpproxy.services[" + i + "]",
              serviceErrors);
      // Contour reports a TCP proxy's services under its own error type.
      for (ProxyVerdict.Error e : serviceErrors) {
        errors.add(new ProxyVerdict.Error(ProxyVerdict.TCP_PROXY_ERROR, e.reason(), e.message()));
      }
      if (upstream == null) {
        continue;
      }
      Long weight =
          ServiceResolver.weight(
              s, ProxyVerdict.TCP_PROXY_ERROR, "spec.tcpproxy.services[" + i + "]", errors);
      if (weight == null) {
        continue;
      }
      ctx.upstreams().put(upstream.name(), upstream);
      clusters.add(new WeightedCluster(upstream.name(), anyWeight ? weight : 1));
    }
    return clusters;
  }
}
