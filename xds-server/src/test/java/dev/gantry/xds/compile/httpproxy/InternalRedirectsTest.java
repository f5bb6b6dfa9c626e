package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.InternalRedirectPolicy;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class InternalRedirectsTest {
  record Case(
      String name,
      Long max,
      List<Integer> codes,
      String crossScheme,
      Boolean denyRepeated,
      RoutingTable.InternalRedirect expected,
      String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "empty: Envoy's defaults",
            null,
            null,
            null,
            null,
            new RoutingTable.InternalRedirect(0, List.of(), RoutingTable.CrossScheme.NEVER, false),
            null),
        new Case(
            "every field",
            3L,
            List.of(301, 302, 307, 302),
            "SafeOnly",
            true,
            new RoutingTable.InternalRedirect(
                3, List.of(301, 302, 307), RoutingTable.CrossScheme.SAFE_ONLY, true),
            null),
        new Case(
            "Always",
            null,
            null,
            "Always",
            false,
            new RoutingTable.InternalRedirect(0, List.of(), RoutingTable.CrossScheme.ALWAYS, false),
            null),
        new Case(
            "a status that is not a redirect",
            null,
            List.of(302, 200),
            null,
            null,
            null,
            "RouteError/InternalRedirectPolicyNotValid: spec.routes[0].internalRedirectPolicy"
                + ".redirectResponseCodes: 200 is not one of 301, 302, 303, 307, 308"),
        new Case(
            "a negative count",
            -1L,
            null,
            null,
            null,
            null,
            "RouteError/InternalRedirectPolicyNotValid: spec.routes[0].internalRedirectPolicy"
                + ".maxInternalRedirects -1 is not 0-4294967295"),
        new Case(
            "an unknown cross-scheme mode",
            null,
            null,
            "always",
            null,
            null,
            "RouteError/InternalRedirectPolicyNotValid: spec.routes[0].internalRedirectPolicy"
                + ".allowCrossSchemeRedirect \"always\" is not Always, Never or SafeOnly"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void parses(Case c) {
    InternalRedirectPolicy policy = new InternalRedirectPolicy();
    policy.setMaxInternalRedirects(c.max());
    policy.setRedirectResponseCodes(c.codes() == null ? null : new ArrayList<>(c.codes()));
    policy.setAllowCrossSchemeRedirect(c.crossScheme());
    policy.setDenyRepeatedRouteRedirect(c.denyRepeated());
    List<ProxyVerdict.Error> errors = new ArrayList<>();

    RoutingTable.InternalRedirect parsed =
        InternalRedirects.parse(policy, "spec.routes[0]", errors);

    assertThat(parsed).isEqualTo(c.expected());
    assertThat(errors)
        .extracting(e -> e.type() + "/" + e.reason() + ": " + e.message())
        .isEqualTo(c.error() == null ? List.of() : List.of(c.error()));
  }
}
