package dev.gantry.xds.compile.ingress;

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
   */
  static Outcome<VirtualHostTls> of(
      String ns,
      String secretName,
      VirtualHostTls.Version minimumVersion,
      Map<String, TlsSecrets.Outcome> certificates) {
    String name = secretName;
    int slash = secretName.indexOf('/');
    if (slash >= 0) {
      // Another namespace's Secret needs a TLSCertificateDelegation, which Gantry does not
      // implement: the Ingress's own namespace only.
      if (!secretName.substring(0, slash).equals(ns)) {
        return failed(
            "DelegationNotPermitted",
            "Spec.VirtualHost.TLS Secret \""
                + secretName
                + "\" certificate delegation not permitted: the Secret must be in the"
                + " HTTPProxy's namespace \""
                + ns
                + "\"");
      }
      name = secretName.substring(slash + 1);
    }
    TlsSecrets.Outcome outcome = certificates.getOrDefault(ns + "/" + name, TlsSecrets.NOT_FOUND);
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
