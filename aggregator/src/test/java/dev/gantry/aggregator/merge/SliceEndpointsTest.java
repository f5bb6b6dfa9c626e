package dev.gantry.aggregator.merge;

import static dev.gantry.aggregator.HubFixtures.hubSlice;
import static dev.gantry.aggregator.HubFixtures.notReady;
import static dev.gantry.aggregator.HubFixtures.ready;
import static dev.gantry.aggregator.HubFixtures.servingTerminating;
import static dev.gantry.api.federation.FederatedEndpoint.State.NOT_READY;
import static dev.gantry.api.federation.FederatedEndpoint.State.READY;
import static dev.gantry.api.federation.FederatedEndpoint.State.SERVING_TERMINATING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.aggregator.HubFixtures.SliceFixture;
import dev.gantry.api.federation.FederatedEndpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** An EndpointSlice's conditions read as Kubernetes means them, and an address in two slices. */
class SliceEndpointsTest {
  record ConditionsCase(
      String name,
      Boolean ready,
      Boolean serving,
      Boolean terminating,
      FederatedEndpoint.State state) {
    @Override
    public String toString() {
      return name;
    }

    EndpointConditions conditions() {
      EndpointConditions c = new EndpointConditions();
      c.setReady(ready);
      c.setServing(serving);
      c.setTerminating(terminating);
      return c;
    }
  }

  static Stream<ConditionsCase> conditions() {
    return Stream.of(
        new ConditionsCase("no condition set is ready", null, null, null, READY),
        new ConditionsCase("ready", true, true, false, READY),
        new ConditionsCase("ready alone", true, null, null, READY),
        new ConditionsCase(
            "ready and terminating (publishNotReadyAddresses) is ready", true, true, true, READY),
        new ConditionsCase("ready wins over serving false", true, false, null, READY),
        new ConditionsCase(
            "ready unset means true, whatever else is set", null, false, true, READY),
        new ConditionsCase("not ready", false, false, false, NOT_READY),
        new ConditionsCase("not ready alone", false, null, null, NOT_READY),
        new ConditionsCase(
            "not ready but serving and not terminating takes no traffic",
            false,
            true,
            false,
            NOT_READY),
        new ConditionsCase(
            "not ready, serving, terminating unset (false)", false, true, null, NOT_READY),
        new ConditionsCase(
            "not ready, terminating and no longer serving", false, false, true, NOT_READY),
        new ConditionsCase(
            "not ready, serving and terminating", false, true, true, SERVING_TERMINATING),
        new ConditionsCase(
            "not ready and terminating, serving unset (true)",
            false,
            null,
            true,
            SERVING_TERMINATING));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conditions")
  void conditionsGiveTheStateKubeProxyWouldUse(ConditionsCase c) {
    assertThat(SliceEndpoints.state(c.conditions())).isEqualTo(c.state());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conditions")
  void slicesCarryTheStateOfTheirEndpoints(ConditionsCase c) {
    EndpointSlice slice =
        hubSlice("shop/web", "a")
            .endpoint(c.ready(), c.serving(), c.terminating(), "198.18.0.1")
            .build();
    assertThat(SliceEndpoints.of(List.of(slice), new ArrayList<>()))
        .extracting(FederatedEndpoint::state)
        .containsExactly(c.state());
  }

  @Test
  void anEndpointWithoutConditionsIsReady() {
    assertThat(SliceEndpoints.state(null)).isEqualTo(READY);
    EndpointSlice slice = hubSlice("shop/web", "a").withoutConditions("198.18.0.1").build();
    assertThat(SliceEndpoints.of(List.of(slice), new ArrayList<>()))
        .containsExactly(ready("198.18.0.1"));
  }

  record TwoSlicesCase(
      String name, SliceFixture first, SliceFixture second, FederatedEndpoint expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<TwoSlicesCase> twoSlices() {
    return Stream.of(
        new TwoSlicesCase(
            "not ready, then ready: ready",
            hubSlice("shop/web", "a").notReady("198.18.0.1"),
            hubSlice("shop/web", "b").ready("198.18.0.1"),
            ready("198.18.0.1")),
        new TwoSlicesCase(
            "ready, then not ready: ready",
            hubSlice("shop/web", "a").ready("198.18.0.1"),
            hubSlice("shop/web", "b").notReady("198.18.0.1"),
            ready("198.18.0.1")),
        new TwoSlicesCase(
            "serving terminating, then ready: ready",
            hubSlice("shop/web", "a").servingTerminating("198.18.0.1"),
            hubSlice("shop/web", "b").ready("198.18.0.1"),
            ready("198.18.0.1")),
        new TwoSlicesCase(
            "ready, then serving terminating: ready",
            hubSlice("shop/web", "a").ready("198.18.0.1"),
            hubSlice("shop/web", "b").servingTerminating("198.18.0.1"),
            ready("198.18.0.1")),
        new TwoSlicesCase(
            "not ready, then serving terminating: serving terminating",
            hubSlice("shop/web", "a").notReady("198.18.0.1"),
            hubSlice("shop/web", "b").servingTerminating("198.18.0.1"),
            servingTerminating("198.18.0.1")),
        new TwoSlicesCase(
            "serving terminating, then not ready: serving terminating",
            hubSlice("shop/web", "a").servingTerminating("198.18.0.1"),
            hubSlice("shop/web", "b").notReady("198.18.0.1"),
            servingTerminating("198.18.0.1")),
        new TwoSlicesCase(
            "the same state twice: the first copy, with its slice's ports",
            hubSlice("shop/web", "a").notReady("198.18.0.1"),
            hubSlice("shop/web", "b").noPorts().port("http", 9090).notReady("198.18.0.1"),
            notReady("198.18.0.1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("twoSlices")
  void anAddressInTwoSlicesTakesTheBetterState(TwoSlicesCase c) {
    List<String> problems = new ArrayList<>();
    assertThat(SliceEndpoints.of(List.of(c.first().build(), c.second().build()), problems))
        .containsExactly(c.expected());
    assertThat(problems).isEmpty();
  }
}
