package dev.gantry.xds.compile.httpproxy;

import static dev.gantry.xds.Fixtures.proxy;
import static dev.gantry.xds.Fixtures.routeService;
import static dev.gantry.xds.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.LoadBalancerPolicy;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Route policies that land on Envoy clusters ({@code timeoutPolicy.idleConnection}, {@code
 * loadBalancerPolicy}), compiled through {@link ProxyCompiler}: each distinct policy gets its own
 * cluster, named by a hash that covers it, and bad values make the proxy invalid.
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

  static final String COOKIE = "demo/kuard/80/48836b39c0";
  static final String HASHED = "demo/kuard/80/c477814145";
  static final String RANDOM = "demo/kuard/80/f672939a4b";
  static final String LEAST = "demo/kuard/80/7a6c499059";
  static final String COOKIE_IDLE_5M = "demo/kuard/80/c803b789df";

  /**
   * A load balancing case: the upstreams, each route's hash policies (in route order), warnings.
   */
  record LbCase(
      String name,
      HTTPProxy proxy,
      Map<String, Upstream> upstreams,
      List<List<RoutingTable.HashPolicy>> hashPolicies,
      List<String> warnings) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<LbCase> balancing() {
    RoutingTable.HashPolicy user =
        new RoutingTable.HashPolicy(RoutingTable.HashKind.HEADER, "x-user", false);
    return Stream.of(
        new LbCase(
            "Cookie: a ring hash cluster of its own and the session cookie on the route",
            routes(route("/", r -> r.setLoadBalancerPolicy(lb("Cookie")))),
            Map.of(COOKIE, upstream(COOKIE, Upstream.Strategy.COOKIE, null)),
            List.of(List.of(RoutingTable.HashPolicy.SESSION_COOKIE)),
            List.of()),
        new LbCase(
            "Random and WeightedLeastRequest: clusters of their own, no hash policies",
            routes(
                route("/random", r -> r.setLoadBalancerPolicy(lb("Random"))),
                route("/least", r -> r.setLoadBalancerPolicy(lb("WeightedLeastRequest")))),
            Map.of(
                RANDOM, upstream(RANDOM, Upstream.Strategy.RANDOM, null),
                LEAST, upstream(LEAST, Upstream.Strategy.WEIGHTED_LEAST_REQUEST, null)),
            List.of(List.of(), List.of()),
            List.of()),
        new LbCase(
            "RequestHash on a header; a round robin route to the same service keeps the plain"
                + " cluster",
            routes(
                route("/", r -> {}),
                route(
                    "/hashed",
                    r ->
                        r.setLoadBalancerPolicy(
                            lb("RequestHash", LoadBalancingTest.header("X-User", false))))),
            Map.of(
                PLAIN, upstream(PLAIN, Upstream.Strategy.ROUND_ROBIN, null),
                HASHED, upstream(HASHED, Upstream.Strategy.REQUEST_HASH, null)),
            List.of(List.of(user), List.of()),
            List.of()),
        new LbCase(
            "a strategy and an idle connection timeout together make one cluster",
            routes(
                route(
                    "/",
                    r -> {
                      r.setLoadBalancerPolicy(lb("Cookie"));
                      r.setTimeoutPolicy(timeout("5m"));
                    })),
            Map.of(
                COOKIE_IDLE_5M,
                upstream(COOKIE_IDLE_5M, Upstream.Strategy.COOKIE, Duration.ofMinutes(5))),
            List.of(List.of(RoutingTable.HashPolicy.SESSION_COOKIE)),
            List.of()),
        new LbCase(
            "RequestHash with nothing to hash: round robin, still valid, with warnings",
            routes(route("/", r -> r.setLoadBalancerPolicy(lb("RequestHash")))),
            Map.of(PLAIN, upstream(PLAIN, Upstream.Strategy.ROUND_ROBIN, null)),
            List.of(List.of()),
            List.of(
                "SpecError/IgnoredField: spec.routes[0].loadBalancerPolicy: ignoring invalid"
                    + " request hash policy options, setting load balancer strategy to default"
                    + " RoundRobin")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("balancing")
  void balances(LbCase c) {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry").compile(List.of(c.proxy()), SNAPSHOT, Map.of());

    assertThat(result.table().upstreams()).isEqualTo(c.upstreams());
    assertThat(result.table().virtualHosts().get(0).routes())
        .extracting(RoutingTable.Route::hashPolicies)
        .isEqualTo(c.hashPolicies());
    ProxyVerdict verdict = result.verdicts().get(0);
    assertThat(verdict.valid()).isTrue();
    assertThat(verdict.warnings())
        .extracting(w -> w.type() + "/" + w.reason() + ": " + w.message())
        .isEqualTo(c.warnings());
  }

  static LoadBalancerPolicy lb(
      String strategy, LoadBalancerPolicy.RequestHashPolicy... hashPolicies) {
    return LoadBalancingTest.policy(strategy, hashPolicies);
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
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry").compile(List.of(c.proxy()), SNAPSHOT, Map.of());

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
    return Upstream.of(name, KUARD, KUARD.ports().get(0), true)
        .strategy(strategy)
        .idleConnectionTimeout(idle)
        .build();
  }
}
