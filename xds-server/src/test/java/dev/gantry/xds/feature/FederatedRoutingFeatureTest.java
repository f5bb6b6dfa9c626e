package dev.gantry.xds.feature;

import static dev.gantry.xds.feature.Expect.edsCluster;

import org.junit.jupiter.api.Test;

/** Where HTTPProxy routes send traffic across the federation: every cluster, one, or a split. */
class FederatedRoutingFeatureTest {
  @Test
  void proxyToAFederatedServiceReachesTheReadyEndpointsOfEveryCluster() {
    FeatureResult out =
        FeatureHarness.build(
            Federations.standard(),
            """
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: kuard, namespace: demo}
            spec:
              ingressClassName: gantry
              virtualhost: {fqdn: kuard.example.com}
              routes:
              - services: [{name: kuard, port: 80}]
            """);

    out.assertListeners(Expect.ingressHttpListener());
    // A route without conditions matches every path; the host answers with or without a port.
    out.assertRoutes(
        """
        - name: ingress_http
          virtual_hosts:
          - name: kuard.example.com
            domains: [kuard.example.com, "kuard.example.com:*"]
            routes:
            - match: {prefix: /}
              route: {cluster: demo/kuard/80/<hash>}
        """);
    out.assertClusters(edsCluster("demo/kuard/80"));
    out.assertEndpoints(Expect.kuardEndpoints());
    out.assertSecrets("[]");
    out.assertStatuses(Expect.valid("demo/kuard"));
  }

  @Test
  void routeToAMirrorReachesThatClusterOnly() {
    FeatureResult out =
        FeatureHarness.build(
            Federations.standard(),
            """
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: regions, namespace: demo}
            spec:
              ingressClassName: gantry
              virtualhost: {fqdn: regions.example.com}
              routes:
              - conditions: [{prefix: /north}]
                services: [{name: north-kuard, port: 80}]
              - services: [{name: kuard, port: 80}]
            """);

    out.assertRoutes(
        """
        - name: ingress_http
          virtual_hosts:
          - name: regions.example.com
            domains: [regions.example.com, "regions.example.com:*"]
            routes:
            - match: {prefix: /north}
              route: {cluster: demo/north-kuard/80/<hash>}
            - match: {prefix: /}
              route: {cluster: demo/kuard/80/<hash>}
        """);
    out.assertClusters(edsCluster("demo/kuard/80") + edsCluster("demo/north-kuard/80"));
    // The mirror has north's endpoints alone; north's lower preference means nothing within the
    // mirror, whose priorities start at 0 (Envoy and gRPC want them dense).
    out.assertEndpoints(
        Expect.kuardEndpoints()
            + """
            - cluster_name: demo/north-kuard/80/<hash>
              endpoints:
              - locality: {region: north}
                lb_endpoints:
                - endpoint: {address: {socket_address: {address: 10.3.0.1, port_value: 8080}}}
                  health_status: HEALTHY
                load_balancing_weight: 1
            """);
    out.assertStatuses(Expect.valid("demo/regions"));
  }

  @Test
  void weightedServicesSplitTheRouteByTheirWeights() {
    FeatureResult out =
        FeatureHarness.build(
            Federations.standard(),
            """
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: canary, namespace: demo}
            spec:
              ingressClassName: gantry
              virtualhost: {fqdn: canary.example.com}
              routes:
              - services:
                - {name: kuard, port: 80, weight: 90}
                - {name: echo, port: 80, weight: 10}
            """);

    // In the order written (Contour sorts them by name; Envoy does not care).
    out.assertRoutes(
        """
        - name: ingress_http
          virtual_hosts:
          - name: canary.example.com
            domains: [canary.example.com, "canary.example.com:*"]
            routes:
            - match: {prefix: /}
              route:
                weighted_clusters:
                  clusters:
                  - {name: demo/kuard/80/<hash>, weight: 90}
                  - {name: demo/echo/80/<hash>, weight: 10}
        """);
    out.assertClusters(edsCluster("demo/echo/80") + edsCluster("demo/kuard/80"));
    out.assertStatuses(Expect.valid("demo/canary"));
  }

  @Test
  void invalidProxyIsLeftOutWithItsReasonWhileAnotherKeepsServing() {
    FeatureResult out =
        FeatureHarness.build(
            Federations.standard(),
            """
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: good, namespace: demo}
            spec:
              ingressClassName: gantry
              virtualhost: {fqdn: good.example.com}
              routes:
              - services: [{name: kuard, port: 80}]
            ---
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: bad, namespace: demo}
            spec:
              ingressClassName: gantry
              virtualhost: {fqdn: bad.example.com}
              routes:
              - conditions: [{prefix: /echo}]
                services: [{name: echo, port: 80}]
              - services: [{name: missing, port: 80}]
            """);

    // Nothing of bad.example.com, not even its valid route to echo.
    out.assertRoutes(
        """
        - name: ingress_http
          virtual_hosts:
          - name: good.example.com
            domains: [good.example.com, "good.example.com:*"]
            routes:
            - match: {prefix: /}
              route: {cluster: demo/kuard/80/<hash>}
        """);
    out.assertClusters(edsCluster("demo/kuard/80"));
    out.assertStatuses(
        """
        demo/bad:
          currentStatus: invalid
          description: 'spec.routes[1].services[0]: service "demo/missing" is not found'
          conditions:
          - type: Valid
            status: "False"
            observedGeneration: 1
            reason: ErrorPresent
            message: At least one error present, see Errors for details
            errors:
            - type: ServiceError
              status: "True"
              reason: ServiceUnresolvedReference
              message: 'spec.routes[1].services[0]: service "demo/missing" is not found'
        """
            + Expect.valid("demo/good"));
  }
}
