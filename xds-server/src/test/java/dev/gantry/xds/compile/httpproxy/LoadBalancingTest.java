package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.LoadBalancerPolicy;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable.HashKind;
import dev.gantry.xds.ir.RoutingTable.HashPolicy;
import dev.gantry.xds.ir.Upstream.Strategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LoadBalancingTest {
  private static final String AT = "spec.routes[0].loadBalancerPolicy";

  record Case(
      String name,
      LoadBalancerPolicy policy,
      LoadBalancing.Choice expected,
      List<String> warnings) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("no policy: round robin", null, LoadBalancing.Choice.DEFAULT, List.of()),
        new Case("no strategy: round robin", policy(null), LoadBalancing.Choice.DEFAULT, List.of()),
        new Case("RoundRobin", policy("RoundRobin"), LoadBalancing.Choice.DEFAULT, List.of()),
        new Case(
            "WeightedLeastRequest",
            policy("WeightedLeastRequest"),
            choice(Strategy.WEIGHTED_LEAST_REQUEST),
            List.of()),
        new Case("Random", policy("Random"), choice(Strategy.RANDOM), List.of()),
        new Case(
            "Cookie: Contour's session affinity cookie",
            policy("Cookie"),
            choice(Strategy.COOKIE, HashPolicy.SESSION_COOKIE),
            List.of()),
        new Case(
            "hash policies without RequestHash are ignored, with a warning",
            policy("Random", header("X-User", false)),
            choice(Strategy.RANDOM),
            List.of(
                AT
                    + ".requestHashPolicies are ignored: they apply with the RequestHash strategy"
                    + " only")),
        new Case(
            "hash policies without a strategy: round robin, with a warning",
            policy(null, sourceIp()),
            LoadBalancing.Choice.DEFAULT,
            List.of(
                AT
                    + ".requestHashPolicies are ignored: they apply with the RequestHash strategy"
                    + " only")),
        new Case(
            "unknown strategy (names are case-sensitive): round robin, with a warning",
            policy("roundrobin"),
            LoadBalancing.Choice.DEFAULT,
            List.of(AT + ".strategy: unknown strategy \"roundrobin\", using RoundRobin")),
        new Case(
            "RequestHash: header (lower case), query parameter (lower case), source IP, in order",
            policy("RequestHash", header("X-User", true), query("Session"), sourceIp()),
            choice(
                Strategy.REQUEST_HASH,
                new HashPolicy(HashKind.HEADER, "x-user", true),
                new HashPolicy(HashKind.QUERY_PARAMETER, "session", false),
                new HashPolicy(HashKind.SOURCE_IP, null, false)),
            List.of()),
        new Case(
            "RequestHash: bad entries are left out with a warning each",
            policy(
                "RequestHash",
                header("X-User", false),
                header("x-user", false),
                header("bad header", false),
                query(""),
                query("a"),
                query("A"),
                sourceIp(),
                sourceIp(),
                new LoadBalancerPolicy.RequestHashPolicy(),
                both()),
            choice(
                Strategy.REQUEST_HASH,
                new HashPolicy(HashKind.HEADER, "x-user", false),
                new HashPolicy(HashKind.QUERY_PARAMETER, "a", false),
                new HashPolicy(HashKind.SOURCE_IP, null, false)),
            List.of(
                AT
                    + ".requestHashPolicies[1]: ignoring invalid header hash policy options with"
                    + " duplicated header name x-user",
                AT
                    + ".requestHashPolicies[2]: ignoring invalid header hash policy options with"
                    + " invalid header name \"bad header\"",
                AT
                    + ".requestHashPolicies[3]: ignoring invalid query parameter hash policy"
                    + " options with an invalid empty query parameter name",
                AT
                    + ".requestHashPolicies[5]: ignoring invalid query parameter hash policy"
                    + " options with duplicated query parameter name a",
                AT
                    + ".requestHashPolicies[7]: ignoring invalid request hash policy, hashSourceIP"
                    + " specified multiple times",
                AT
                    + ".requestHashPolicies[8]: ignoring invalid request hash policy, must set"
                    + " exactly one of hashSourceIP or headerHashOptions or"
                    + " queryParameterHashOptions",
                AT
                    + ".requestHashPolicies[9]: ignoring invalid request hash policy, must set"
                    + " exactly one of hashSourceIP or headerHashOptions or"
                    + " queryParameterHashOptions")),
        new Case(
            "RequestHash with nothing valid to hash: round robin, with a warning",
            policy("RequestHash", header("", false)),
            LoadBalancing.Choice.DEFAULT,
            List.of(
                AT
                    + ".requestHashPolicies[0]: ignoring invalid header hash policy options with"
                    + " invalid header name \"\"",
                AT
                    + ": ignoring invalid request hash policy options, setting load balancer"
                    + " strategy to default RoundRobin")),
        new Case(
            "RequestHash without hash policies: round robin, with a warning",
            policy("RequestHash"),
            LoadBalancing.Choice.DEFAULT,
            List.of(
                AT
                    + ": ignoring invalid request hash policy options, setting load balancer"
                    + " strategy to default RoundRobin")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void chooses(Case c) {
    List<ProxyVerdict.Error> warnings = new ArrayList<>();

    LoadBalancing.Choice choice = LoadBalancing.choose(c.policy(), "spec.routes[0]", warnings);

    assertThat(choice).isEqualTo(c.expected());
    assertThat(warnings)
        .allSatisfy(
            w -> assertThat(w.type() + "/" + w.reason()).isEqualTo("SpecError/IgnoredField"));
    assertThat(warnings).extracting(ProxyVerdict.Error::message).isEqualTo(c.warnings());
  }

  static LoadBalancing.Choice choice(Strategy strategy, HashPolicy... hashPolicies) {
    return new LoadBalancing.Choice(strategy, List.of(hashPolicies));
  }

  static LoadBalancerPolicy policy(
      String strategy, LoadBalancerPolicy.RequestHashPolicy... hashPolicies) {
    LoadBalancerPolicy p = new LoadBalancerPolicy();
    p.setStrategy(strategy);
    p.setRequestHashPolicies(new ArrayList<>(Arrays.asList(hashPolicies)));
    return p;
  }

  static LoadBalancerPolicy.RequestHashPolicy header(String name, boolean terminal) {
    LoadBalancerPolicy.RequestHashPolicy h = new LoadBalancerPolicy.RequestHashPolicy();
    h.setHeaderHashOptions(new LoadBalancerPolicy.HeaderHashOptions(name));
    h.setTerminal(terminal);
    return h;
  }

  static LoadBalancerPolicy.RequestHashPolicy query(String name) {
    LoadBalancerPolicy.RequestHashPolicy h = new LoadBalancerPolicy.RequestHashPolicy();
    h.setQueryParameterHashOptions(new LoadBalancerPolicy.QueryParameterHashOptions(name));
    return h;
  }

  static LoadBalancerPolicy.RequestHashPolicy sourceIp() {
    LoadBalancerPolicy.RequestHashPolicy h = new LoadBalancerPolicy.RequestHashPolicy();
    h.setHashSourceIP(true);
    return h;
  }

  static LoadBalancerPolicy.RequestHashPolicy both() {
    LoadBalancerPolicy.RequestHashPolicy h = header("X-Other", false);
    h.setHashSourceIP(true);
    return h;
  }
}
