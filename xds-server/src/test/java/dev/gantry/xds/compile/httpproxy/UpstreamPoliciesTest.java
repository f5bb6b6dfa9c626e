package dev.gantry.xds.compile.httpproxy;

import static dev.gantry.xds.Fixtures.routeService;
import static dev.gantry.xds.compile.httpproxy.ClusterPoliciesTest.KUARD;
import static dev.gantry.xds.compile.httpproxy.ClusterPoliciesTest.PLAIN;
import static dev.gantry.xds.compile.httpproxy.ClusterPoliciesTest.SNAPSHOT;
import static dev.gantry.xds.compile.httpproxy.ClusterPoliciesTest.route;
import static dev.gantry.xds.compile.httpproxy.ClusterPoliciesTest.routes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.HealthCheckPolicy;
import dev.gantry.xds.ir.HealthCheck;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.UpstreamProtocol;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A service's {@code protocol} and a route's {@code healthCheckPolicy}, compiled through {@link
 * ProxyCompiler}: both belong to the route's clusters, so each distinct value gets a cluster of its
 * own (named by a hash that covers it), defaults spelled out or left out are the same cluster, and
 * bad values make the proxy invalid with Contour's reasons.
 */
class UpstreamPoliciesTest {
  // Literal names: a cluster's name must not change between releases (see ProxyCompilerTest).
  static final String H2C = "demo/kuard/80/b22c0d4c6f";
  static final String H2 = "demo/kuard/80/81a32b0f24";
  static final String TLS = "demo/kuard/80/395cce8267";
  static final String CHECKED = "demo/kuard/80/46af0e5231";
  static final String CHECKED_FAST = "demo/kuard/80/0f9bed6e3c";
  static final String H2C_CHECKED = "demo/kuard/80/4ce8995c3b";

  static final HealthCheck DEFAULTS =
      new HealthCheck(
          "/healthz",
          "contour-envoy-healthcheck",
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          3,
          2);

  /** What a case expects: the upstreams by name and the proxy's errors (type/reason: message). */
  record Case(String name, HTTPProxy proxy, Map<String, Upstream> upstreams, List<String> errors) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "no protocol, no health checks: the plain cluster, name unchanged",
            routes(route("/", r -> {})),
            Map.of(PLAIN, upstream(PLAIN, UpstreamProtocol.HTTP1, null)),
            List.of()),
        new Case(
            "h2c: a cluster of its own",
            routes(route("/", protocol("h2c"))),
            Map.of(H2C, upstream(H2C, UpstreamProtocol.H2C, null)),
            List.of()),
        new Case(
            "h2 and tls: clusters of their own",
            routes(route("/h2", protocol("h2")), route("/tls", protocol("tls"))),
            Map.of(
                H2, upstream(H2, UpstreamProtocol.H2, null),
                TLS, upstream(TLS, UpstreamProtocol.TLS, null)),
            List.of()),
        new Case(
            "one service, three routes with and without h2c: two clusters",
            routes(
                route("/", r -> {}),
                route("/grpc", protocol("h2c")),
                route("/also-grpc", protocol("h2c"))),
            Map.of(
                PLAIN, upstream(PLAIN, UpstreamProtocol.HTTP1, null),
                H2C, upstream(H2C, UpstreamProtocol.H2C, null)),
            List.of()),
        new Case(
            "one route, the same service twice with different protocols: two clusters",
            routes(
                route(
                    "/",
                    r -> {
                      HTTPProxySpec.RouteService tls = routeService("kuard", 80, null);
                      tls.setProtocol("tls");
                      r.getServices().add(tls);
                    })),
            Map.of(
                PLAIN, upstream(PLAIN, UpstreamProtocol.HTTP1, null),
                TLS, upstream(TLS, UpstreamProtocol.TLS, null)),
            List.of()),
        new Case(
            "an unknown protocol: invalid, Contour's UnsupportedProtocol",
            routes(route("/", protocol("h3"))),
            Map.of(),
            List.of(
                "ServiceError/UnsupportedProtocol: spec.routes[0].services[0].protocol:"
                    + " unsupported protocol \"h3\" (h2, h2c or tls)")),
        new Case(
            "protocol names are case-sensitive, as Contour's enum",
            routes(route("/", protocol("H2C"))),
            Map.of(),
            List.of(
                "ServiceError/UnsupportedProtocol: spec.routes[0].services[0].protocol:"
                    + " unsupported protocol \"H2C\" (h2, h2c or tls)")),
        new Case(
            "a health check with only a path: Contour's defaults",
            routes(route("/", health(hc("/healthz", null, null, null, null, null)))),
            Map.of(CHECKED, upstream(CHECKED, UpstreamProtocol.HTTP1, DEFAULTS)),
            List.of()),
        new Case(
            "the defaults spelled out, or as zeros, are the same cluster",
            routes(
                route("/", health(hc("/healthz", "contour-envoy-healthcheck", 5L, 2L, 3L, 2L))),
                route("/zeros", health(hc("/healthz", "", 0L, 0L, 0L, 0L)))),
            Map.of(CHECKED, upstream(CHECKED, UpstreamProtocol.HTTP1, DEFAULTS)),
            List.of()),
        new Case(
            "every value given; a route without checks keeps the plain cluster",
            routes(
                route("/", r -> {}),
                route("/checked", health(hc("/ready", "kuard.local", 1L, 1L, 1L, 1L)))),
            Map.of(
                PLAIN,
                upstream(PLAIN, UpstreamProtocol.HTTP1, null),
                CHECKED_FAST,
                upstream(
                    CHECKED_FAST,
                    UpstreamProtocol.HTTP1,
                    new HealthCheck(
                        "/ready",
                        "kuard.local",
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        1,
                        1))),
            List.of()),
        new Case(
            "h2c with health checks: one cluster with both",
            routes(
                route(
                    "/",
                    r -> {
                      protocol("h2c").accept(r);
                      health(hc("/healthz", null, null, null, null, null)).accept(r);
                    })),
            Map.of(H2C_CHECKED, upstream(H2C_CHECKED, UpstreamProtocol.H2C, DEFAULTS)),
            List.of()),
        new Case(
            "no path: invalid",
            routes(route("/", health(hc(null, null, null, null, null, null)))),
            Map.of(),
            List.of(
                "RouteError/HealthCheckPolicyInvalid: spec.routes[0].healthCheckPolicy.path: must"
                    + " not be empty")),
        new Case(
            "an empty path: invalid",
            routes(route("/", health(hc("", null, null, null, null, null)))),
            Map.of(),
            List.of(
                "RouteError/HealthCheckPolicyInvalid: spec.routes[0].healthCheckPolicy.path: must"
                    + " not be empty")),
        new Case(
            "a line break in the path or host: invalid (Envoy sends both as headers)",
            routes(route("/", health(hc("/a\r\nb", "x\ny", null, null, null, null)))),
            Map.of(),
            List.of(
                "RouteError/HealthCheckPolicyInvalid: spec.routes[0].healthCheckPolicy.path:"
                    + " \"/a\\r\\nb\" has a control character",
                "RouteError/HealthCheckPolicyInvalid: spec.routes[0].healthCheckPolicy.host:"
                    + " \"x\\ny\" has a control character")),
        new Case(
            "negative numbers: invalid, each named",
            routes(route("/", health(hc("/healthz", null, -1L, -2L, -3L, -4L)))),
            Map.of(),
            List.of(
                "RouteError/HealthCheckPolicyInvalid: spec.routes[0].healthCheckPolicy"
                    + ".intervalSeconds: -1 is outside 1..86400 (0 or unset: 5)",
                "RouteError/HealthCheckPolicyInvalid: spec.routes[0].healthCheckPolicy"
                    + ".timeoutSeconds: -2 is outside 1..86400 (0 or unset: 2)",
                "RouteError/HealthCheckPolicyInvalid: spec.routes[0].healthCheckPolicy"
                    + ".unhealthyThresholdCount: -3 is outside 1..4294967295 (0 or unset: 3)",
                "RouteError/HealthCheckPolicyInvalid: spec.routes[0].healthCheckPolicy"
                    + ".healthyThresholdCount: -4 is outside 1..4294967295 (0 or unset: 2)")),
        new Case(
            "expected statuses outside 100..600, reversed or missing an end: invalid, each named",
            routes(
                route(
                    "/",
                    health(
                        withStatuses(
                            hc("/healthz", null, null, null, null, null),
                            new HealthCheckPolicy.StatusRange(99L, 300L),
                            new HealthCheckPolicy.StatusRange(200L, 601L),
                            new HealthCheckPolicy.StatusRange(500L, 400L),
                            new HealthCheckPolicy.StatusRange(200L, null),
                            new HealthCheckPolicy.StatusRange(200L, 600L))))),
            Map.of(),
            List.of(
                "RouteError/HealthCheckPolicyInvalid: spec.routes[0].healthCheckPolicy"
                    + ".expectedStatuses[0]: [99, 300) is not a range of statuses within 100..600"
                    + " (start below end)",
                "RouteError/HealthCheckPolicyInvalid: spec.routes[0].healthCheckPolicy"
                    + ".expectedStatuses[1]: [200, 601) is not a range of statuses within 100..600"
                    + " (start below end)",
                "RouteError/HealthCheckPolicyInvalid: spec.routes[0].healthCheckPolicy"
                    + ".expectedStatuses[2]: [500, 400) is not a range of statuses within 100..600"
                    + " (start below end)",
                "RouteError/HealthCheckPolicyInvalid: spec.routes[0].healthCheckPolicy"
                    + ".expectedStatuses[3]: [200, null) is not a range of statuses within"
                    + " 100..600 (start below end)")),
        new Case(
            "too large: invalid (a threshold beyond Envoy's uint32, an interval beyond a day)",
            routes(route("/", health(hc("/healthz", null, 86_401L, null, 4_294_967_296L, null)))),
            Map.of(),
            List.of(
                "RouteError/HealthCheckPolicyInvalid: spec.routes[0].healthCheckPolicy"
                    + ".intervalSeconds: 86401 is outside 1..86400 (0 or unset: 5)",
                "RouteError/HealthCheckPolicyInvalid: spec.routes[0].healthCheckPolicy"
                    + ".unhealthyThresholdCount: 4294967296 is outside 1..4294967295 (0 or unset:"
                    + " 3)")));
  }

  private static HealthCheckPolicy withStatuses(
      HealthCheckPolicy policy, HealthCheckPolicy.StatusRange... ranges) {
    policy.setExpectedStatuses(new java.util.ArrayList<>(List.of(ranges)));
    return policy;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void compiles(Case c) {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry").compile(List.of(c.proxy()), SNAPSHOT, Map.of());

    assertThat(result.table().upstreams()).isEqualTo(c.upstreams());
    assertThat(result.verdicts())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.errors())
                  .extracting(e -> e.type() + "/" + e.reason() + ": " + e.message())
                  .isEqualTo(c.errors());
              assertThat(v.valid()).isEqualTo(c.errors().isEmpty());
            });
  }

  static Consumer<HTTPProxySpec.Route> protocol(String protocol) {
    return r -> r.getServices().forEach(s -> s.setProtocol(protocol));
  }

  static Consumer<HTTPProxySpec.Route> health(HealthCheckPolicy policy) {
    return r -> r.setHealthCheckPolicy(policy);
  }

  static HealthCheckPolicy hc(
      String path, String host, Long interval, Long timeout, Long unhealthy, Long healthy) {
    HealthCheckPolicy p = new HealthCheckPolicy();
    p.setPath(path);
    p.setHost(host);
    p.setIntervalSeconds(interval);
    p.setTimeoutSeconds(timeout);
    p.setUnhealthyThresholdCount(unhealthy);
    p.setHealthyThresholdCount(healthy);
    return p;
  }

  static Upstream upstream(String name, UpstreamProtocol protocol, HealthCheck healthCheck) {
    return Upstream.of(name, KUARD, KUARD.ports().get(0), true)
        .protocol(protocol)
        .healthCheck(healthCheck)
        .build();
  }
}
