package dev.gantry.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gantry.xds.ir.CookieRewrite;
import dev.gantry.xds.ir.HeaderPolicy;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.WeightedCluster;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.http.lua.v3.LuaPerRoute;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Set-Cookie rewrites become, as in Contour, a per-route Lua script on each weighted cluster (a
 * single cluster too), with the route's rules merged under the cluster's; proxyless clients get
 * none.
 */
class SetCookieRewritesTest {
  private static final CookieRewrite ROUTE_SESSION =
      new CookieRewrite("session", "/app", null, true, null);
  private static final CookieRewrite SERVICE_SESSION =
      new CookieRewrite("session", null, "b.example.com", false, null);

  private static RoutingTable table(List<CookieRewrite> route, List<CookieRewrite> cluster) {
    RoutingTable.Route r =
        RoutingTable.Route.matching(RoutingTable.Match.prefix("/"))
            .clusters(
                List.of(
                    new WeightedCluster(
                        "demo/a/80/abc", 1, HeaderPolicy.NONE, HeaderPolicy.NONE, cluster),
                    new WeightedCluster("demo/b/80/abc", 1)))
            .cookieRewrites(route)
            .build();
    return new RoutingTable(
        List.of(new RoutingTable.VirtualHost("a.example.com", List.of(r), null, null)), Map.of());
  }

  private static String script(Route route, int cluster) throws InvalidProtocolBufferException {
    return route
        .getRoute()
        .getWeightedClusters()
        .getClusters(cluster)
        .getTypedPerFilterConfigOrThrow(SetCookieRewrites.FILTER)
        .unpack(LuaPerRoute.class)
        .getSourceCode()
        .getInlineString();
  }

  @Test
  void routeRulesGoOnEveryClusterUnderTheClustersOwn() throws Exception {
    Route route =
        RouteTranslator.translate(table(List.of(ROUTE_SESSION), List.of(SERVICE_SESSION)))
            .getVirtualHosts(0)
            .getRoutes(0);

    assertThat(script(route, 0))
        .isEqualTo(
            SetCookieRewrites.script(
                List.of(new CookieRewrite("session", "/app", "b.example.com", false, null))));
    assertThat(script(route, 0))
        .startsWith(
            "local rules = {\n"
                + "  [\"session\"] = {{\"path\", \"Path=/app\"}, {\"domain\","
                + " \"Domain=b.example.com\"}, {\"secure\", false}, },\n"
                + "}\n");
    assertThat(script(route, 1)).isEqualTo(SetCookieRewrites.script(List.of(ROUTE_SESSION)));
  }

  @Test
  void aServiceRuleAloneNeedsAWeightedClusterOfItsOwn() throws Exception {
    Route route =
        RouteTranslator.translate(table(List.of(), List.of(SERVICE_SESSION)))
            .getVirtualHosts(0)
            .getRoutes(0);

    assertThat(script(route, 0)).isEqualTo(SetCookieRewrites.script(List.of(SERVICE_SESSION)));
    assertThat(route.getRoute().getWeightedClusters().getClusters(1).getTypedPerFilterConfigMap())
        .isEmpty();
  }

  @Test
  void proxylessClientsGetNoScript() {
    List<io.envoyproxy.envoy.config.route.v3.RouteConfiguration> perHost =
        RouteTranslator.perHost(table(List.of(ROUTE_SESSION), List.of(SERVICE_SESSION)));

    assertThat(perHost.get(0).getVirtualHosts(0).getRoutes(0).getRoute().getWeightedClusters())
        .satisfies(
            w ->
                assertThat(w.getClustersList())
                    .allSatisfy(c -> assertThat(c.getTypedPerFilterConfigMap()).isEmpty()));
  }

  @Test
  void valuesAreEscapedLuaStrings() {
    assertThat(SetCookieRewrites.lua("a\"b\\c\nd\u00e9"))
        .isEqualTo("\"a\\\"b\\\\c\\010d\\195\\169\"");
  }
}
