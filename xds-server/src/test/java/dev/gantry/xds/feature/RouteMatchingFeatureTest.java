package dev.gantry.xds.feature;

import static dev.gantry.xds.feature.Expect.edsCluster;

import org.junit.jupiter.api.Test;

/** Which route a request takes: conditions, their order, and conditions inherited by includes. */
class RouteMatchingFeatureTest {
  @Test
  void exactPathsComeFirstThenLongerPrefixesThenMoreConditions() {
    FeatureResult out =
        FeatureHarness.build(
            Federations.standard(),
            """
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: matching, namespace: demo}
            spec:
              ingressClassName: gantry
              virtualhost: {fqdn: match.example.com}
              routes:
              - services: [{name: kuard, port: 80}]
              - conditions: [{prefix: /api}]
                services: [{name: echo, port: 80}]
              - conditions: [{prefix: /api}, {header: {name: X-Canary, exact: "yes"}}]
                services: [{name: kuard, port: 80}]
              - conditions: [{exact: /api/health}]
                services: [{name: echo, port: 80}]
              - conditions: [{prefix: /api/v2}]
                services: [{name: kuard, port: 80}]
            """);

    // Envoy takes the first route that matches, so the order written does not count: the exact
    // path, then prefixes longest first, and of two equal prefixes the one with a header
    // condition (the other would match all its requests too).
    out.assertRoutes(
        """
        - name: ingress_http
          virtual_hosts:
          - name: match.example.com
            domains: [match.example.com, "match.example.com:*"]
            routes:
            - match: {path: /api/health}
              route: {cluster: demo/echo/80/<hash>}
            - match: {prefix: /api/v2}
              route: {cluster: demo/kuard/80/<hash>}
            - match:
                prefix: /api
                headers: [{name: x-canary, string_match: {exact: "yes"}}]
              route: {cluster: demo/kuard/80/<hash>}
            - match: {prefix: /api}
              route: {cluster: demo/echo/80/<hash>}
            - match: {prefix: /}
              route: {cluster: demo/kuard/80/<hash>}
        """);
    out.assertClusters(edsCluster("demo/echo/80") + edsCluster("demo/kuard/80"));
    out.assertStatuses(Expect.valid("demo/matching"));
  }

  @Test
  void includedProxyServesUnderTheIncludesConditionsFromItsOwnNamespace() {
    FeatureResult out =
        FeatureHarness.build(
            Federations.standard(),
            """
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: app, namespace: demo}
            spec:
              ingressClassName: gantry
              virtualhost: {fqdn: app.example.com}
              includes:
              - name: billing
                namespace: team
                conditions: [{prefix: /billing}]
              routes:
              - services: [{name: kuard, port: 80}]
            ---
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: billing, namespace: team}
            spec:
              ingressClassName: gantry
              routes:
              - services: [{name: billing, port: 80}]
              - conditions: [{prefix: /v2}, {header: {name: x-beta, present: true}}]
                services: [{name: billing, port: 80}]
            """);

    // The include's prefix goes before the child's own; a child route without a path condition
    // gets the prefix alone. "billing" is team/billing, the child's namespace.
    out.assertRoutes(
        """
        - name: ingress_http
          virtual_hosts:
          - name: app.example.com
            domains: [app.example.com, "app.example.com:*"]
            routes:
            - match:
                prefix: /billing/v2
                headers: [{name: x-beta, present_match: true}]
              route: {cluster: team/billing/80/<hash>}
            - match: {prefix: /billing}
              route: {cluster: team/billing/80/<hash>}
            - match: {prefix: /}
              route: {cluster: demo/kuard/80/<hash>}
        """);
    out.assertClusters(edsCluster("demo/kuard/80") + edsCluster("team/billing/80"));
    // team/billing runs in the hub itself too: its own Service is one more locality, "hub".
    out.assertEndpoints(
        Expect.kuardEndpoints()
            + """
            - cluster_name: team/billing/80/<hash>
              endpoints:
              - locality: {region: east}
                lb_endpoints:
                - endpoint: {address: {socket_address: {address: 10.1.3.1, port_value: 8080}}}
                  health_status: HEALTHY
                load_balancing_weight: 1
              - locality: {region: hub}
                lb_endpoints:
                - endpoint: {address: {socket_address: {address: 10.0.0.5, port_value: 8080}}}
                  health_status: HEALTHY
                load_balancing_weight: 1
            """);
    out.assertStatuses(Expect.valid("demo/app") + Expect.valid("team/billing"));
  }
}
