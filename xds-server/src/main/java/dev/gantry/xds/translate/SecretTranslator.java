package dev.gantry.xds.translate;

import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.VirtualHostTls;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SDS secrets of the HTTPS listener's terminating hosts: their certificates (and the fallback
 * certificate of those that enable it), named {@code namespace/name}, and the CAs and revocation
 * lists they check client certificates with (see {@link VirtualHostTls.TrustBundle}). A rotated
 * certificate or a new revocation list changes the secret only, so Envoy swaps it without draining
 * the listener.
 */
public final class SecretTranslator {
  private SecretTranslator() {}

  /** One SDS secret per certificate and per trust bundle, by name (hosts may share one), sorted. */
  public static List<Secret> translate(RoutingTable table) {
    Map<String, Secret> byName = new TreeMap<>();
    for (RoutingTable.VirtualHost host : table.virtualHosts()) {
      VirtualHostTls tls = host.tls();
      if (tls == null || tls.certificate() == null) {
        continue;
      }
      byName.computeIfAbsent(tls.certificate().name(), n -> certificate(tls.certificate()));
      if (tls.fallback() != null) {
        byName.computeIfAbsent(tls.fallback().name(), n -> certificate(tls.fallback()));
      }
      if (tls.clientValidation() != null && tls.clientValidation().trust() != null) {
        VirtualHostTls.TrustBundle trust = tls.clientValidation().trust();
        byName.computeIfAbsent(trust.name(), n -> validation(trust));
      }
    }
    return List.copyOf(byName.values());
  }

  private static Secret certificate(VirtualHostTls.Certificate c) {
    return Secret.newBuilder()
        .setName(c.name())
        .setTlsCertificate(
            TlsCertificate.newBuilder()
                .setCertificateChain(DataSource.newBuilder().setInlineString(c.chainPem()))
                .setPrivateKey(DataSource.newBuilder().setInlineString(c.privateKeyPem())))
        .build();
  }

  /**
   * Only what comes from Secrets: the trust chain verification and leaf-only revocation checks are
   * the host's, in its listener's default validation context, which Envoy merges with this.
   */
  private static Secret validation(VirtualHostTls.TrustBundle trust) {
    CertificateValidationContext.Builder context =
        CertificateValidationContext.newBuilder()
            .setTrustedCa(DataSource.newBuilder().setInlineString(trust.caPem()));
    if (trust.crlPem() != null) {
      context.setCrl(DataSource.newBuilder().setInlineString(trust.crlPem()));
    }
    return Secret.newBuilder().setName(trust.name()).setValidationContext(context).build();
  }
}
