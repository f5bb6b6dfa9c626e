package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.SlowStartPolicy;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SlowStartsTest {
  record Case(
      String name,
      String window,
      String aggression,
      Integer minimum,
      Upstream.Strategy strategy,
      Upstream.SlowStart expected,
      String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String AT = "ServiceError/SlowStartInvalid: spec.routes[0].services[0]";

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "a window only: aggression 1.0, 10 % to start (Contour's defaults)",
            "30s",
            null,
            null,
            Upstream.Strategy.ROUND_ROBIN,
            new Upstream.SlowStart(Duration.ofSeconds(30), 1.0, 10),
            null),
        new Case(
            "every field, with WeightedLeastRequest",
            "1m30s",
            "1.5",
            0,
            Upstream.Strategy.WEIGHTED_LEAST_REQUEST,
            new Upstream.SlowStart(Duration.ofSeconds(90), 1.5, 0),
            null),
        new Case(
            "a hashing strategy",
            "30s",
            null,
            null,
            Upstream.Strategy.COOKIE,
            null,
            AT
                + ".slowStartPolicy: slow start is only supported with RoundRobin or"
                + " WeightedLeastRequest load balancer strategy, not Cookie"),
        new Case(
            "Random",
            "30s",
            null,
            null,
            Upstream.Strategy.RANDOM,
            null,
            AT
                + ".slowStartPolicy: slow start is only supported with RoundRobin or"
                + " WeightedLeastRequest load balancer strategy, not Random"),
        new Case(
            "no window",
            null,
            null,
            null,
            Upstream.Strategy.ROUND_ROBIN,
            null,
            AT + ".slowStartPolicy.window \"null\" is not a duration such as 30s"),
        new Case(
            "a window without unit",
            "30",
            null,
            null,
            Upstream.Strategy.ROUND_ROBIN,
            null,
            AT + ".slowStartPolicy.window \"30\" is not a duration such as 30s"),
        new Case(
            "aggression not a number",
            "30s",
            "fast",
            null,
            Upstream.Strategy.ROUND_ROBIN,
            null,
            AT + ".slowStartPolicy.aggression \"fast\" is not a decimal number above 0"),
        new Case(
            "aggression 0",
            "30s",
            "0.0",
            null,
            Upstream.Strategy.ROUND_ROBIN,
            null,
            AT + ".slowStartPolicy.aggression \"0.0\" is not a decimal number above 0"),
        new Case(
            "a percent over 100",
            "30s",
            null,
            101,
            Upstream.Strategy.ROUND_ROBIN,
            null,
            AT + ".slowStartPolicy.minWeightPercent 101 is not 0-100"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void parses(Case c) {
    SlowStartPolicy policy = new SlowStartPolicy();
    policy.setWindow(c.window());
    policy.setAggression(c.aggression());
    policy.setMinimumWeightPercent(c.minimum());
    List<ProxyVerdict.Error> errors = new ArrayList<>();

    Upstream.SlowStart parsed =
        SlowStarts.parse(policy, c.strategy(), "spec.routes[0].services[0]", errors);

    assertThat(parsed).isEqualTo(c.expected());
    assertThat(errors)
        .extracting(e -> e.type() + "/" + e.reason() + ": " + e.message())
        .isEqualTo(c.error() == null ? List.of() : List.of(c.error()));
  }
}
