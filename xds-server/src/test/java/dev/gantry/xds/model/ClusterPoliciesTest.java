package dev.gantry.xds.model;

import static dev.gantry.xds.Fixtures.proxy;
import static dev.gantry.xds.Fixtures.routeService;
import static dev.gantry.xds.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.Fixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Route policies that land on Envoy clusters ({@code timeoutPolicy.idleConnection}), compiled
 * through {@link ProxyCompiler}: each distinct policy gets its own cluster, named by a hash that
 * covers it, and bad values make the proxy invalid.
 */
class ClusterPoliciesTest {
  static final FederatedService KUARD =
      service("demo/kuard").port("http", 80).cluster("east", 0, 1, "http", "10.0.0.1:8080").build();
  static final FederationSnapshot SNAPSHOT =
      new FederationSnapshot(Map.of(KUARD.name(), KUARD), Map.of());

  // Literal names: a cluster's name must not change between releases (see ProxyCompilerTest).
  static final String PLAIN = "demo/kuard/80/486e3713fa";
  static final String IDLE_5M = "demo/kuard/80/a965567248";
  static final String IDLE_NONE = "demo/kuard/80/2ee0cdf009";

  /** What a case expects: the upstreams by name and the proxy's error reasons and messages. */
  record Case(String name, HTTPProxy proxy, Map<String, Upstream> upstreams, List<String> errors) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "no policy: the plain cluster",
            routes(route("/", r -> {})),
            Map.of(PLAIN, upstream(PLAIN, Upstream.Strategy.ROUND_ROBIN, null)),
            List.of()),
        new Case(
            "idleConnection 5m: its own cluster",
            routes(route("/", r -> r.setTimeoutPolicy(timeout("5m")))),
            Map.of(
                IDLE_5M, upstream(IDLE_5M, Upstream.Strategy.ROUND_ROBIN, Duration.ofMinutes(5))),
            List.of()),
        new Case(
            "idleConnection infinity: zero, a cluster of its own",
            routes(route("/", r -> r.setTimeoutPolicy(timeout("infinity")))),
            Map.of(IDLE_NONE, upstream(IDLE_NONE, Upstream.Strategy.ROUND_ROBIN, Duration.ZERO)),
            List.of()),
        new Case(
            "one service, two routes with different idle timeouts: two clusters",
            routes(
                route("/", r -> {}),
                route("/slow", r -> r.setTimeoutPolicy(timeout("5m"))),
                route("/also-slow", r -> r.setTimeoutPolicy(timeout("300s")))),
            Map.of(
                PLAIN, upstream(PLAIN, Upstream.Strategy.ROUND_ROBIN, null),
                IDLE_5M, upstream(IDLE_5M, Upstream.Strategy.ROUND_ROBIN, Duration.ofMinutes(5))),
            List.of()),
        new Case(
            "idleConnection that is no duration: invalid",
            routes(route("/", r -> r.setTimeoutPolicy(timeout("-1s")))),
            Map.of(),
            List.of(
                "TimeoutPolicyNotValid: spec.routes[0].timeoutPolicy.idleConnection: \"-1s\" is"
                    + " not a duration (e.g. 30s, 1m30s, 250ms, infinity)")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void compiles(Case c) {
    ProxyCompiler.Result result = new ProxyCompiler("gantry").compile(List.of(c.proxy()), SNAPSHOT);

    assertThat(result.table().upstreams()).isEqualTo(c.upstreams());
    assertThat(result.verdicts())
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.errors())
                    .extracting(e -> e.reason() + ": " + e.message())
                    .isEqualTo(c.errors()));
  }

  static HTTPProxySpec.TimeoutPolicy timeout(String idleConnection) {
    HTTPProxySpec.TimeoutPolicy t = new HTTPProxySpec.TimeoutPolicy();
    t.setIdleConnection(idleConnection);
    return t;
  }

  static HTTPProxySpec.Route route(String prefix, Consumer<HTTPProxySpec.Route> policy) {
    HTTPProxySpec.Route r = new HTTPProxySpec.Route();
    r.getConditions().add(Fixtures.prefix(prefix));
    r.getServices().add(routeService("kuard", 80, null));
    policy.accept(r);
    return r;
  }

  static HTTPProxy routes(HTTPProxySpec.Route... routes) {
    Fixtures.ProxyBuilder p = proxy("demo/a").fqdn("kuard.example.com");
    for (HTTPProxySpec.Route r : routes) {
      p.rawRoute(r);
    }
    return p.build();
  }

  static Upstream upstream(String name, Upstream.Strategy strategy, Duration idle) {
    return new Upstream(name, KUARD, KUARD.ports().get(0), true, strategy, idle);
  }
}
