package dev.gantry.xds.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
  @Test
  void duplicateFqdnIsRejectedNamingTheHost() {
    List<RoutingTable.VirtualHost> hosts =
        List.of(
            Routes.host("kuard.example.com", List.of()),
            Routes.host("kuard.example.com", List.of()));

    assertThatThrownBy(() -> new RoutingTable(hosts, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("virtualHosts")
        .hasMessageContaining("kuard.example.com");
  }

  @Test
  void aRouteLeftUnsetChangesNothingAndAnswersNothingOfItsOwn() {
    RoutingTable.Route r = RoutingTable.Route.matching(RoutingTable.Match.prefix("/")).build();

    assertThat(r.clusters()).isEmpty();
    assertThat(r.request()).isEqualTo(HeaderPolicy.NONE);
    assertThat(r.response()).isEqualTo(HeaderPolicy.NONE);
    assertThat(r.timeouts()).isEqualTo(RoutingTable.Timeouts.DEFAULT);
    assertThat(r.actions()).isEqualTo(RoutingTable.Actions.NONE);
    assertThat(r.hashPolicies()).isEmpty();
    assertThat(r.cookieRewrites()).isEmpty();
    assertThat(r.prefixRewrite()).isNull();
    assertThat(r.fullPathRewrite()).isNull();
    assertThat(r.retry()).isNull();
    assertThat(r.ipFilter()).isNull();
    assertThat(r.rateLimit()).isNull();
    assertThat(r.internalRedirect()).isNull();
    assertThat(r.authPolicy()).isNull();
    assertThat(r.jwtPolicy()).isNull();
    assertThat(r.globalRateLimit()).isNull();
  }

  @Test
  void aRouteDerivedFromAnotherKeepsAllButWhatItSets() {
    RoutingTable.Route r =
        RoutingTable.Route.matching(RoutingTable.Match.prefix("/api"))
            .clusters(List.of(new WeightedCluster("demo/kuard/80/abc", 1)))
            .prefixRewrite("/")
            .retry(new RoutingTable.Retry(List.of("5xx"), 2, null, List.of()))
            .hashPolicies(List.of(RoutingTable.HashPolicy.SESSION_COOKIE))
            .ipFilter(new RoutingTable.IpFilter(true, List.of()))
            .authPolicy(new RoutingTable.AuthPolicy(true, Map.of()))
            .jwtPolicy(new RoutingTable.JwtPolicy("main", false))
            .build();
    HeaderPolicy request = new HeaderPolicy(Map.of("host", "kuard"), List.of(), Map.of());

    RoutingTable.Route derived = r.toBuilder().request(request).build();

    assertThat(r.toBuilder().build()).isEqualTo(r);
    assertThat(derived.request()).isEqualTo(request);
    assertThat(derived.toBuilder().request(HeaderPolicy.NONE).build()).isEqualTo(r);
  }

  @Test
  void aRouteRewritesItsPrefixOrItsWholePathNotBoth() {
    RoutingTable.Route.Builder both =
        RoutingTable.Route.matching(RoutingTable.Match.prefix("/api"))
            .prefixRewrite("/")
            .fullPathRewrite("/all");

    assertThatThrownBy(both::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefix or its whole path");
  }
}
