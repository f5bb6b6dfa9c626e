package dev.gantry.xds.compile.ingress;

import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.tls.TlsSecrets;
import java.util.List;
import java.util.Map;

/**
 * The TLS of an Ingress host from its {@code spec.tls} Secret, with the reasons and messages an
 * HTTPProxy's Secret gets. Pure: Secrets come in validated, as a map.
 */
final class IngressTls {
  private IngressTls() {}

  /**
   * The host's TLS, terminated with the Secret's certificate, or why not.
   *
   * @param minimumVersion the lowest TLS version accepted
   * @param certificates validated Secrets by {@code namespace/name} ({@link
   *     TlsSecrets#validateAll})
   * @param delegations which Secrets of other namespaces the Ingress may use
   */
  static Outcome<VirtualHostTls> of(
      String ns,
      String secretName,
      VirtualHostTls.Version minimumVersion,
      Map<String, TlsSecrets.Outcome> certificates,
      Delegations delegations) {
    // Another namespace's Secret needs a TLSCertificateDelegation to the Ingress's namespace.
    String key = delegations.key(secretName, ns);
    if (key == null) {
      return failed(
          "DelegationNotPermitted",
          "Spec.VirtualHost.TLS Secret \""
              + secretName
              + "\" certificate delegation not permitted"
              + Delegations.howToDelegate(secretName, ns));
    }
    TlsSecrets.Outcome outcome = certificates.getOrDefault(key, TlsSecrets.NOT_FOUND);
    if (outcome.error() != null) {
      return failed(
          "SecretNotValid",
          "Spec.VirtualHost.TLS Secret \""
              + secretName
              + "\" is invalid: "
              + outcome.error()
              + (outcome.error().equals("Secret not found") ? " in namespace \"" + ns + "\"" : ""));
    }
    return Outcome.of(new VirtualHostTls(outcome.certificate(), minimumVersion, List.of()));
  }

  private static Outcome<VirtualHostTls> failed(String reason, String message) {
    return Outcome.failed(new ProxyVerdict.Error(ProxyVerdict.TLS_ERROR, reason, message));
  }
}
