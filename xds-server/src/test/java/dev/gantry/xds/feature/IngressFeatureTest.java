package dev.gantry.xds.feature;

import static dev.gantry.xds.feature.Expect.edsCluster;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Ingresses of our class, alone, together, and beside HTTPProxies. */
class IngressFeatureTest {
  @Test
  void defaultBackendTakesWhatNoRuleMatchesAndPrefixPathsMatchWholeSegments() {
    FeatureResult out =
        FeatureHarness.build(
            Federations.standard(),
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: demo}
            spec:
              ingressClassName: gantry
              defaultBackend:
                service: {name: kuard, port: {number: 80}}
              rules:
              - host: web.example.com
                http:
                  paths:
                  - path: /static/
                    pathType: Prefix
                    backend: {service: {name: echo, port: {name: http}}}
                  - path: /api
                    pathType: Prefix
                    backend: {service: {name: echo, port: {number: 80}}}
            """);

    // Prefix matches by path element (/api, /api/x, not /apix) and ignores a trailing slash. The
    // default backend gets any other host ("*"), and, as Kubernetes says, the paths of
    // web.example.com that no rule matches.
    out.assertRoutes(
        """
        - name: ingress_http
          virtual_hosts:
          - name: "*"
            domains: ["*"]
            routes:
            - match: {prefix: /}
              route: {cluster: demo/kuard/80/<hash>}
          - name: web.example.com
            domains: [web.example.com, "web.example.com:*"]
            routes:
            - match: {path_separated_prefix: /static}
              route: {cluster: demo/echo/80/<hash>}
            - match: {path_separated_prefix: /api}
              route: {cluster: demo/echo/80/<hash>}
            - match: {prefix: /}
              route: {cluster: demo/kuard/80/<hash>}
        """);
    out.assertClusters(edsCluster("demo/echo/80") + edsCluster("demo/kuard/80"));
    // Ingresses have no status.
    out.assertStatuses("{}");
    out.assertIngressWarnings();
  }

  @Test
  void hostOfAnHttpProxyIsNotTakenByAnIngress() {
    FeatureResult out =
        FeatureHarness.build(
            Federations.standard(),
            """
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: site, namespace: demo}
            spec:
              ingressClassName: gantry
              virtualhost: {fqdn: shared.example.com}
              routes:
              - services: [{name: kuard, port: 80}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: legacy, namespace: demo}
            spec:
              ingressClassName: gantry
              rules:
              - host: shared.example.com
                http:
                  paths:
                  - path: /legacy
                    pathType: Prefix
                    backend: {service: {name: echo, port: {number: 80}}}
              - host: legacy.example.com
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend: {service: {name: echo, port: {number: 80}}}
            """);

    // The Ingress keeps its other host; adding it changes nothing of what the HTTPProxy serves.
    out.assertRoutes(
        """
        - name: ingress_http
          virtual_hosts:
          - name: legacy.example.com
            domains: [legacy.example.com, "legacy.example.com:*"]
            routes:
            - match: {prefix: /}
              route: {cluster: demo/echo/80/<hash>}
          - name: shared.example.com
            domains: [shared.example.com, "shared.example.com:*"]
            routes:
            - match: {prefix: /}
              route: {cluster: demo/kuard/80/<hash>}
        """);
    out.assertStatuses(Expect.valid("demo/site"));
    out.assertIngressWarnings(
        "demo/legacy: host \"shared.example.com\" is served by HTTPProxy demo/site; this"
            + " Ingress's rules for it are ignored");
  }

  @Test
  void ingressesOnOneHostAreMergedAndTheFirstByNameKeepsAPathBothRoute() {
    FeatureResult out =
        FeatureHarness.build(
            Federations.standard(),
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: b, namespace: demo}
            spec:
              ingressClassName: gantry
              rules:
              - host: shop.example.com
                http:
                  paths:
                  - path: /search
                    pathType: Exact
                    backend: {service: {name: echo, port: {number: 80}}}
                  - path: /cart
                    pathType: Prefix
                    backend: {service: {name: echo, port: {number: 80}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: a, namespace: demo}
            spec:
              ingressClassName: gantry
              rules:
              - host: shop.example.com
                http:
                  paths:
                  - path: /cart
                    pathType: Prefix
                    backend: {service: {name: kuard, port: {number: 80}}}
                  - path: /
                    pathType: Prefix
                    backend: {service: {name: kuard, port: {number: 80}}}
            """);

    // One virtual host with the paths of both; /cart stays demo/a's (before demo/b by name,
    // whatever the order the objects come in).
    out.assertRoutes(
        """
        - name: ingress_http
          virtual_hosts:
          - name: shop.example.com
            domains: [shop.example.com, "shop.example.com:*"]
            routes:
            - match: {path: /search}
              route: {cluster: demo/echo/80/<hash>}
            - match: {path_separated_prefix: /cart}
              route: {cluster: demo/kuard/80/<hash>}
            - match: {prefix: /}
              route: {cluster: demo/kuard/80/<hash>}
        """);
    out.assertClusters(edsCluster("demo/echo/80") + edsCluster("demo/kuard/80"));
    out.assertIngressWarnings(
        "demo/b: host \"shop.example.com\": path /cart is already routed by Ingress demo/a;"
            + " ignored");
  }

  static Stream<Arguments> prefixAndImplementationSpecific() {
    return Stream.of(
        Arguments.of(
            "in one Ingress",
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: mixed, namespace: demo}
            spec:
              ingressClassName: gantry
              rules:
              - host: foo.example.com
                http:
                  paths:
                  - path: /foo
                    pathType: Prefix
                    backend: {service: {name: kuard, port: {number: 80}}}
                  - path: /foo
                    pathType: ImplementationSpecific
                    backend: {service: {name: echo, port: {number: 80}}}
            """),
        Arguments.of(
            "in two Ingresses",
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: mixed-prefix, namespace: demo}
            spec:
              ingressClassName: gantry
              rules:
              - host: foo.example.com
                http:
                  paths:
                  - path: /foo
                    pathType: Prefix
                    backend: {service: {name: kuard, port: {number: 80}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: mixed-specific, namespace: demo}
            spec:
              ingressClassName: gantry
              rules:
              - host: foo.example.com
                http:
                  paths:
                  - path: /foo
                    pathType: ImplementationSpecific
                    backend: {service: {name: echo, port: {number: 80}}}
            """));
  }

  /**
   * {@code Prefix /foo} and {@code ImplementationSpecific /foo} are two different paths: Contour
   * reads ImplementationSpecific as a plain string prefix (/foo, /foobar) and Prefix by path
   * element (/foo, /foo/x), and keeps both, the element-wise one first, since the string prefix
   * would otherwise take all its requests. So /foo and /foo/x go to kuard and /foobar to echo,
   * whether the paths are in one Ingress or in two.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource
  void prefixAndImplementationSpecific(String name, String ingresses) {
    FeatureResult out = FeatureHarness.build(Federations.standard(), ingresses);

    out.assertRoutes(
        """
        - name: ingress_http
          virtual_hosts:
          - name: foo.example.com
            domains: [foo.example.com, "foo.example.com:*"]
            routes:
            - match: {path_separated_prefix: /foo}
              route: {cluster: demo/kuard/80/<hash>}
            - match: {prefix: /foo}
              route: {cluster: demo/echo/80/<hash>}
        """);
    out.assertClusters(edsCluster("demo/echo/80") + edsCluster("demo/kuard/80"));
    out.assertIngressWarnings();
  }
}
