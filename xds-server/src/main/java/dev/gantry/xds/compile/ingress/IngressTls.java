package dev.gantry.xds.compile.ingress;

import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.compile.Outcome;
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
    return delegations
        .certificate(secretName, ns, certificates)
        .map(certificate -> new VirtualHostTls(certificate, minimumVersion, List.of()));
  }
}
