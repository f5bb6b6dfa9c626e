package dev.gantry.xds.feature;

import org.junit.jupiter.api.Test;

/** Headers set and removed on the way to the service and back. */
class HeaderPolicyFeatureTest {
  @Test
  void percentSignsInValuesAreEscapedButVariablesAndEnvoyCommandsAreNot() {
    FeatureResult out =
        FeatureHarness.build(
            Federations.standard(),
            """
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: headers, namespace: demo}
            spec:
              ingressClassName: gantry
              virtualhost: {fqdn: headers.example.com}
              routes:
              - services: [{name: kuard, port: 80}]
                requestHeadersPolicy:
                  set:
                  - {name: X-Discount, value: 50% off}
                  - {name: X-Namespace, value: "%CONTOUR_NAMESPACE%"}
                  - {name: X-Client, value: "%DOWNSTREAM_REMOTE_ADDRESS%"}
                  remove: [X-Internal]
                responseHeadersPolicy:
                  set:
                  - {name: X-Progress, value: 100%}
            """);

    // Envoy reads a header value as a format string: a lone % would make it refuse the whole
    // route configuration, so it is doubled. Contour's variable is replaced by its value; the
    // Envoy command Contour allows stays a command. Set replaces any value the header had.
    out.assertRoutes(
        """
        - name: ingress_http
          virtual_hosts:
          - name: headers.example.com
            domains: [headers.example.com, "headers.example.com:*"]
            routes:
            - match: {prefix: /}
              route: {cluster: demo/kuard/80/<hash>}
              request_headers_to_add:
              - header: {key: x-client, value: "%DOWNSTREAM_REMOTE_ADDRESS%"}
                append_action: OVERWRITE_IF_EXISTS_OR_ADD
              - header: {key: x-discount, value: 50%% off}
                append_action: OVERWRITE_IF_EXISTS_OR_ADD
              - header: {key: x-namespace, value: demo}
                append_action: OVERWRITE_IF_EXISTS_OR_ADD
              request_headers_to_remove: [x-internal]
              response_headers_to_add:
              - header: {key: x-progress, value: 100%%}
                append_action: OVERWRITE_IF_EXISTS_OR_ADD
        """);
    out.assertStatuses(Expect.valid("demo/headers"));
  }
}
