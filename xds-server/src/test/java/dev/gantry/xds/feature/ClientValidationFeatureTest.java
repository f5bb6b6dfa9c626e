package dev.gantry.xds.feature;

import dev.gantry.xds.TestCertificates;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * Client certificates (HTTPProxy {@code tls.clientValidation}) and the highest TLS version ({@code
 * tls.maximumProtocolVersion}) on Envoy's HTTPS listener.
 */
class ClientValidationFeatureTest {
  @Test
  void clientCertificatesAreCheckedAgainstCasAndRevocationListsFromSdsAndForwarded() {
    TestCertificates.Issued ca = TestCertificates.authority("client ca");
    FeatureResult out =
        FeatureHarness.build(
            Federations.standard(),
            FeatureHarness.tlsSecret("demo/mtls-tls", "mtls.example.com"),
            FeatureHarness.tlsSecret("demo/any-tls", "any.example.com"),
            TestCertificates.caSecret("demo/client-ca", ca),
            TestCertificates.crlSecret("demo/client-crl", TestCertificates.crl(ca, BigInteger.TWO)),
            """
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: mtls, namespace: demo}
            spec:
              ingressClassName: gantry
              virtualhost:
                fqdn: mtls.example.com
                tls:
                  secretName: mtls-tls
                  maximumProtocolVersion: "1.2"
                  clientValidation:
                    caSecret: client-ca
                    crlSecret: client-crl
                    crlOnlyVerifyLeafCert: true
                    forwardClientCertificate: {subject: true, uri: true}
              routes:
              - services: [{name: kuard, port: 80}]
            ---
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: any, namespace: demo}
            spec:
              ingressClassName: gantry
              virtualhost:
                fqdn: any.example.com
                tls:
                  secretName: any-tls
                  clientValidation: {skipClientCertValidation: true, optionalClientCertificate: true}
              routes:
              - services: [{name: kuard, port: 80}]
            """);

    // The CAs and revocation lists come over SDS, so new ones change a secret, not the listener;
    // what the host says about them (leaf only, accept untrusted) is merged in by Envoy. Without
    // a CA, a certificate is asked for and never verified. A host that forwards the certificate
    // sets X-Forwarded-Client-Cert; the other removes one a client sent (Envoy's default).
    out.assertListeners(
        Expect.ingressHttpListener()
            + Expect.ingressHttpsListener()
            + """
              - filter_chain_match: {server_names: [any.example.com]}
                transport_socket:
                  name: envoy.transport_sockets.tls
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                    common_tls_context:
                      tls_params: {tls_minimum_protocol_version: TLSv1_2, tls_maximum_protocol_version: TLSv1_3}
                      tls_certificate_sds_secret_configs:
                      - name: demo/any-tls
                        sds_config: {ads: {}, resource_api_version: V3}
                      validation_context: {trust_chain_verification: ACCEPT_UNTRUSTED}
                      alpn_protocols: [h2, http/1.1]
                    require_client_certificate: false
                filters:
                - name: envoy.filters.network.http_connection_manager
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                    stat_prefix: ingress_https
            """
            + Expect.connectionManagerDefaults().indent(8)
            + """
                    rds:
                      config_source: {ads: {}, resource_api_version: V3}
                      route_config_name: https/any.example.com
                    http_filters:
            """
            + Expect.misdirectedRequestFilter("any.example.com").indent(8)
            + Expect.httpFilters().indent(8)
            + """
              - filter_chain_match: {server_names: [mtls.example.com]}
                transport_socket:
                  name: envoy.transport_sockets.tls
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                    common_tls_context:
                      tls_params: {tls_minimum_protocol_version: TLSv1_2, tls_maximum_protocol_version: TLSv1_2}
                      tls_certificate_sds_secret_configs:
                      - name: demo/mtls-tls
                        sds_config: {ads: {}, resource_api_version: V3}
                      combined_validation_context:
                        default_validation_context: {only_verify_leaf_cert_crl: true}
                        validation_context_sds_secret_config:
                          name: demo/client-ca/ca.crt+demo/client-crl/crl.pem
                          sds_config: {ads: {}, resource_api_version: V3}
                      alpn_protocols: [h2, http/1.1]
                    require_client_certificate: true
                filters:
                - name: envoy.filters.network.http_connection_manager
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                    stat_prefix: ingress_https
            """
            + Expect.connectionManagerDefaults().indent(8)
            + """
                    forward_client_cert_details: SANITIZE_SET
                    set_current_client_cert_details: {subject: true, uri: true}
                    rds:
                      config_source: {ads: {}, resource_api_version: V3}
                      route_config_name: https/mtls.example.com
                    http_filters:
            """
            + Expect.misdirectedRequestFilter("mtls.example.com").indent(8)
            + Expect.httpFilters().indent(8));
    out.assertSecrets(
        """
        - name: demo/any-tls
          tls_certificate:
            certificate_chain: {inline_string: <tls.crt of demo/any-tls>}
            private_key: {inline_string: <tls.key of demo/any-tls>}
        - name: demo/client-ca/ca.crt+demo/client-crl/crl.pem
          validation_context:
            trusted_ca: {inline_string: <ca.crt of demo/client-ca>}
            crl: {inline_string: <crl.pem of demo/client-crl>}
        - name: demo/mtls-tls
          tls_certificate:
            certificate_chain: {inline_string: <tls.crt of demo/mtls-tls>}
            private_key: {inline_string: <tls.key of demo/mtls-tls>}
        """);
    out.assertStatuses(Expect.valid("demo/any") + Expect.valid("demo/mtls"));
  }
}
