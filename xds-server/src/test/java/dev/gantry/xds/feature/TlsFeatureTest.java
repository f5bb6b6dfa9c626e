package dev.gantry.xds.feature;

import static dev.gantry.xds.feature.Expect.edsCluster;

import org.junit.jupiter.api.Test;

/** Virtual hosts on Envoy's HTTPS listener: terminated with a Secret, or passed through by SNI. */
class TlsFeatureTest {
  @Test
  void tlsHostIsTerminatedWithItsSecretAndPlainHttpRedirectsUnlessPermitted() {
    FeatureResult out =
        FeatureHarness.build(
            Federations.standard(),
            FeatureHarness.tlsSecret("demo/secure-tls", "secure.example.com"),
            """
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: secure, namespace: demo}
            spec:
              ingressClassName: gantry
              virtualhost:
                fqdn: secure.example.com
                tls: {secretName: secure-tls}
              routes:
              - services: [{name: kuard, port: 80}]
              - conditions: [{prefix: /.well-known/acme-challenge}]
                permitInsecure: true
                services: [{name: echo, port: 80}]
            """);

    // One filter chain per TLS host, chosen by SNI, with the certificate from SDS (a rotated
    // Secret changes the secret only) and its own route configuration; a request for another host
    // on its connections is answered 421.
    out.assertListeners(
        Expect.ingressHttpListener()
            + Expect.ingressHttpsListener()
            + """
              - filter_chain_match: {server_names: [secure.example.com]}
                transport_socket:
                  name: envoy.transport_sockets.tls
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                    common_tls_context:
                      tls_params: {tls_minimum_protocol_version: TLSv1_2, tls_maximum_protocol_version: TLSv1_3}
                      tls_certificate_sds_secret_configs:
                      - name: demo/secure-tls
                        sds_config: {ads: {}, resource_api_version: V3}
                      alpn_protocols: [h2, http/1.1]
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
                      route_config_name: https/secure.example.com
                    http_filters:
            """
            + Expect.misdirectedRequestFilter("secure.example.com").indent(8)
            + Expect.httpFilters().indent(8));
    // Over HTTPS every route serves. Over plain HTTP only the route that permits it does; the
    // others answer 301 to the same URL on https.
    out.assertRoutes(
        """
        - name: https/secure.example.com
          virtual_hosts:
          - name: secure.example.com
            domains: [secure.example.com, "secure.example.com:*"]
            routes:
            - match: {prefix: /.well-known/acme-challenge}
              route: {cluster: demo/echo/80/<hash>}
            - match: {prefix: /}
              route: {cluster: demo/kuard/80/<hash>}
        - name: ingress_http
          virtual_hosts:
          - name: secure.example.com
            domains: [secure.example.com, "secure.example.com:*"]
            routes:
            - match: {prefix: /.well-known/acme-challenge}
              route: {cluster: demo/echo/80/<hash>}
            - match: {prefix: /}
              redirect: {https_redirect: true}
        """);
    out.assertSecrets(
        """
        - name: demo/secure-tls
          tls_certificate:
            certificate_chain: {inline_string: <tls.crt of demo/secure-tls>}
            private_key: {inline_string: <tls.key of demo/secure-tls>}
        """);
    out.assertClusters(edsCluster("demo/echo/80") + edsCluster("demo/kuard/80"));
    out.assertStatuses(Expect.valid("demo/secure"));
  }

  @Test
  void passthroughHostForwardsTheTlsStreamToItsTcpProxyService() {
    FeatureResult out =
        FeatureHarness.build(
            Federations.standard(),
            """
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: passthrough, namespace: demo}
            spec:
              ingressClassName: gantry
              virtualhost:
                fqdn: tcp.example.com
                tls: {passthrough: true}
              tcpproxy:
                services: [{name: tlsapp, port: 443}]
            """);

    // Chosen by SNI, not decrypted: no transport socket, no certificate, no HTTP.
    out.assertListeners(
        Expect.ingressHttpListener()
            + Expect.ingressHttpsListener()
            + """
              - filter_chain_match: {server_names: [tcp.example.com]}
                filters:
                - name: envoy.filters.network.tcp_proxy
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                    stat_prefix: ingress_https
                    access_log:
                    - name: envoy.access_loggers.file
                      typed_config: {"@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog, path: /dev/stdout}
                    cluster: demo/tlsapp/443/<hash>
            """);
    // The host has no routes. Plain HTTP to it answers 404 as it would without the empty host
    // (Contour leaves the host out of ingress_http).
    out.assertRoutes(
        """
        - name: ingress_http
          virtual_hosts:
          - name: tcp.example.com
            domains: [tcp.example.com, "tcp.example.com:*"]
        """);
    out.assertSecrets("[]");
    out.assertClusters(edsCluster("demo/tlsapp/443"));
    out.assertEndpoints(
        """
        - cluster_name: demo/tlsapp/443/<hash>
          endpoints:
          - locality: {region: east}
            lb_endpoints:
            - endpoint: {address: {socket_address: {address: 10.1.2.1, port_value: 8443}}}
              health_status: HEALTHY
            load_balancing_weight: 1
          - locality: {region: west}
            lb_endpoints:
            - endpoint: {address: {socket_address: {address: 10.2.2.1, port_value: 8443}}}
              health_status: HEALTHY
            load_balancing_weight: 3
        """);
    out.assertStatuses(Expect.valid("demo/passthrough"));
  }
}
