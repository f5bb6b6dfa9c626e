package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayApiStatusMergeTest {
  private static final String T1 = "2026-12-01T10:00:00Z";
  private static final String T2 = "2026-12-01T11:00:00Z";
  private final GatewayApiStatusMerge merge =
      new GatewayApiStatusMerge(new KubernetesSerialization());

  @Test
  void aConditionKeepsItsTransitionTimeWhileItsStatusStays() {
    List<Condition> current =
        List.of(
            condition("Accepted", "True", "Accepted", T1),
            condition("Programmed", "True", "Programmed", T1));
    List<Condition> next =
        List.of(
            condition("Accepted", "True", "Accepted", null),
            condition("Programmed", "False", "Invalid", null));

    assertThat(GatewayApiStatusMerge.conditions(current, next, T2))
        .extracting(Condition::getType, Condition::getLastTransitionTime)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Accepted", T1),
            org.assertj.core.groups.Tuple.tuple("Programmed", T2));
  }

  @Test
  void conditionsOfTypesWeDoNotSetAreKeptAsTheyAre() {
    Condition foreign =
        condition("conformance.gateway.networking.k8s.io/StaleCondition", "True", "Seeded", T1);
    List<Condition> current =
        List.of(
            condition("Accepted", "True", "Accepted", T1),
            foreign,
            condition("Programmed", "True", "Programmed", T1));
    List<Condition> next = List.of(condition("Accepted", "True", "Accepted", null));

    List<Condition> merged = GatewayApiStatusMerge.conditions(current, next, T2);
    // Programmed is ours: no longer computed, it goes; the other party's stays unchanged.
    assertThat(merged)
        .extracting(Condition::getType)
        .containsExactly("Accepted", foreign.getType());
    assertThat(merged.get(1)).isEqualTo(foreign);
  }

  @Test
  void aNewConditionTakesNowAndTheInputsAreNotChanged() {
    Condition fresh = condition("ResolvedRefs", "True", "ResolvedRefs", null);

    assertThat(GatewayApiStatusMerge.conditions(null, List.of(fresh), T2))
        .extracting(Condition::getLastTransitionTime)
        .containsExactly(T2);
    assertThat(fresh.getLastTransitionTime()).isNull();
  }

  @Test
  void otherControllersParentsAreKeptAndOursReplaced() {
    RouteParentStatus theirs =
        parent("example.com/other", "a", condition("Accepted", "True", "Accepted", T1));
    RouteParentStatus oursBefore =
        parent(
            GatewayApiStatusMerge.CONTROLLER,
            "gone",
            condition("Accepted", "True", "Accepted", T1));
    RouteParentStatus oursNow =
        parent(
            GatewayApiStatusMerge.CONTROLLER,
            "gw",
            condition("Accepted", "True", "Accepted", null));

    List<RouteParentStatus> merged =
        merge.parents(List.of(oursBefore, theirs), List.of(oursNow), T2);

    assertThat(merged)
        .extracting(p -> p.getControllerName() + "/" + p.getParentRef().getName())
        .containsExactly("example.com/other/a", GatewayApiStatusMerge.CONTROLLER + "/gw");
    assertThat(merged.get(1).getConditions().get(0).getLastTransitionTime()).isEqualTo(T2);
  }

  @Test
  void statusesThatDifferOnlyInTransitionTimesOrParentOrderAreTheSame() {
    RouteParentStatus a = parent("x/a", "a", condition("Accepted", "True", "Accepted", T1));
    RouteParentStatus b = parent("x/b", "b", condition("Accepted", "True", "Accepted", T1));
    RouteParentStatus bLater = parent("x/b", "b", condition("Accepted", "True", "Accepted", T2));
    var one = new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus(List.of(a, b));
    var two = new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus(List.of(bLater, a));
    var three =
        new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus(
            List.of(a, parent("x/b", "b", condition("Accepted", "False", "Accepted", T1))));

    assertThat(merge.same(one, two)).isTrue();
    assertThat(merge.same(one, three)).isFalse();
    assertThat(merge.same(null, one)).isFalse();
  }

  @Test
  void aGatewayTakesEnvoysAddressesUnlessTheStatusNamesItsOwnAndKeepsThemWhileUnknown() {
    GatewayStatus current = new GatewayStatus();
    current.setAddresses(List.of(new GatewayStatusAddress("IPAddress", "198.18.0.1")));
    ListenerStatus was = new ListenerStatus();
    was.setName("http");
    was.setConditions(List.of(condition("Accepted", "True", "Accepted", T1)));
    current.setListeners(List.of(was));
    GatewayStatus next = new GatewayStatus();
    ListenerStatus listener = new ListenerStatus();
    listener.setName("http");
    listener.setConditions(List.of(condition("Accepted", "True", "Accepted", null)));
    next.setListeners(List.of(listener));

    GatewayStatus unknown = merge.gateway(current, next, null, T2);
    GatewayStatus known =
        merge.gateway(
            current, next, List.of(new GatewayStatusAddress("Hostname", "lb.example")), T2);

    assertThat(unknown.getAddresses())
        .extracting(GatewayStatusAddress::getValue)
        .containsExactly("198.18.0.1");
    assertThat(known.getAddresses())
        .extracting(GatewayStatusAddress::getValue)
        .containsExactly("lb.example");
    assertThat(known.getListeners().get(0).getConditions().get(0).getLastTransitionTime())
        .isEqualTo(T1);
    assertThat(next.getAddresses()).isNullOrEmpty();
  }

  @Test
  void envoysLoadBalancerAddressesAreGatewayAddressesAndNoneIsUnknown() {
    var status =
        new io.fabric8.kubernetes.api.model.LoadBalancerStatusBuilder()
            .addNewIngress()
            .withIp("198.18.0.1")
            .endIngress()
            .addNewIngress()
            .withHostname("lb.example")
            .endIngress()
            .build();

    assertThat(GatewayApiStatusWriter.addresses(status))
        .extracting(a -> a.getType() + "=" + a.getValue())
        .containsExactly("IPAddress=198.18.0.1", "Hostname=lb.example");
    assertThat(GatewayApiStatusWriter.addresses(null)).isNull();
    assertThat(
            GatewayApiStatusWriter.addresses(
                new io.fabric8.kubernetes.api.model.LoadBalancerStatus()))
        .isNull();
  }

  private static RouteParentStatus parent(String controller, String gateway, Condition c) {
    RouteParentStatus p = new RouteParentStatus();
    p.setControllerName(controller);
    p.setParentRef(new ParentReferenceBuilder().withName(gateway).build());
    p.setConditions(List.of(c));
    return p;
  }

  private static Condition condition(String type, String status, String reason, String time) {
    return new Condition(time, "", 1L, reason, status, type);
  }
}
