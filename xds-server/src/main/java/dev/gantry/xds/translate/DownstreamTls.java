package dev.gantry.xds.translate;

import com.google.protobuf.BoolValue;
import dev.gantry.xds.ir.VirtualHostTls;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;

/**
 * The TLS a terminated virtual host's filter chain speaks to clients: its TLS versions, its
 * certificate and, with client validation, how a client's certificate is asked for and checked.
 * Certificates, CAs and revocation lists all come over SDS (see {@link SecretTranslator}), so a
 * rotated one changes a secret, never the listener.
 */
final class DownstreamTls {
  private DownstreamTls() {}

  /** {@code http}: the chain serves routes, so ALPN offers h2 and http/1.1. */
  static DownstreamTlsContext of(VirtualHostTls tls, boolean http) {
    CommonTlsContext.Builder common =
        CommonTlsContext.newBuilder()
            .setTlsParams(
                TlsParameters.newBuilder()
                    .setTlsMinimumProtocolVersion(protocol(tls.minimumVersion()))
                    .setTlsMaximumProtocolVersion(protocol(tls.maximumVersion())))
            .addTlsCertificateSdsSecretConfigs(sds(tls.certificate().name()));
    if (http) {
      common.addAlpnProtocols("h2").addAlpnProtocols("http/1.1");
    }
    DownstreamTlsContext.Builder context = DownstreamTlsContext.newBuilder();
    VirtualHostTls.ClientValidation clients = tls.clientValidation();
    if (clients != null) {
      validate(common, clients);
      context.setRequireClientCertificate(BoolValue.of(!clients.optional()));
    }
    return context.setCommonTlsContext(common).build();
  }

  /**
   * How client certificates are checked: against the trusted CAs and revocation lists of an SDS
   * secret, with what the host says about them (accept untrusted ones, check the leaf only) merged
   * in by Envoy; without CAs, a certificate is asked for and never verified.
   */
  private static void validate(
      CommonTlsContext.Builder common, VirtualHostTls.ClientValidation clients) {
    CertificateValidationContext.Builder own = CertificateValidationContext.newBuilder();
    if (clients.skipVerification()) {
      own.setTrustChainVerification(
          CertificateValidationContext.TrustChainVerification.ACCEPT_UNTRUSTED);
    }
    if (clients.crlOnlyLeaf()) {
      own.setOnlyVerifyLeafCertCrl(true);
    }
    if (clients.trust() == null) {
      common.setValidationContext(own);
      return;
    }
    common.setCombinedValidationContext(
        CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
            .setDefaultValidationContext(own)
            .setValidationContextSdsSecretConfig(sds(clients.trust().name())));
  }

  private static SdsSecretConfig sds(String name) {
    return SdsSecretConfig.newBuilder()
        .setName(name)
        .setSdsConfig(
            ConfigSource.newBuilder()
                .setAds(AggregatedConfigSource.getDefaultInstance())
                .setResourceApiVersion(ApiVersion.V3))
        .build();
  }

  private static TlsParameters.TlsProtocol protocol(VirtualHostTls.Version version) {
    return switch (version) {
      case TLS_1_2 -> TlsParameters.TlsProtocol.TLSv1_2;
      case TLS_1_3 -> TlsParameters.TlsProtocol.TLSv1_3;
    };
  }
}
