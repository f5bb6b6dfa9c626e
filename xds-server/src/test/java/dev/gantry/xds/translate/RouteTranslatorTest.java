package dev.gantry.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UInt32Value;
import dev.gantry.xds.ir.HeaderPolicy;
import dev.gantry.xds.ir.Routes;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.VirtualHostTls;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RouteTranslatorTest {
  static final String KUARD = "demo/kuard/80/486e3713fa";
  static final String EAST_KUARD = "demo/east-kuard/80/d18b3d96ed";

  record Case(String name, RoutingTable table, RouteConfiguration expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void translates(Case c) {
    assertThat(RouteTranslator.translate(c.table())).isEqualTo(c.expected());
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "empty table: the ingress_http configuration without hosts",
            table(),
            RouteConfiguration.newBuilder().setName("ingress_http").build()),
        new Case(
            "one cluster: a plain cluster action; domains are the fqdn with and without port",
            table(vhost("kuard.example.com", route("/", to(KUARD, 1)))),
            config(
                VirtualHost.newBuilder()
                    .setName("kuard.example.com")
                    .addDomains("kuard.example.com")
                    .addDomains("kuard.example.com:*")
                    .addRoutes(
                        Route.newBuilder()
                            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                            .setRoute(RouteAction.newBuilder().setCluster(KUARD)))
                    .build())),
        new Case(
            "Ingress: the host-less catch-all has domain * only; a path-element prefix is"
                + " path_separated_prefix",
            table(
                vhost(
                    RoutingTable.ANY_HOST,
                    Routes.route(
                        new RoutingTable.Match(
                            RoutingTable.PathKind.SEGMENT_PREFIX, "/foo", List.of(), List.of()),
                        List.of(to(KUARD, 1))),
                    route("/", to(EAST_KUARD, 1)))),
            config(
                VirtualHost.newBuilder()
                    .setName("*")
                    .addDomains("*")
                    .addRoutes(
                        Route.newBuilder()
                            .setMatch(RouteMatch.newBuilder().setPathSeparatedPrefix("/foo"))
                            .setRoute(RouteAction.newBuilder().setCluster(KUARD)))
                    .addRoutes(
                        Route.newBuilder()
                            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                            .setRoute(RouteAction.newBuilder().setCluster(EAST_KUARD)))
                    .build())),
        new Case(
            "several clusters: weighted_clusters with the table's weights, zero included",
            table(
                vhost(
                    "split.example.com",
                    route("/", to(EAST_KUARD, 80), to(KUARD, 20)),
                    route("/x"))),
            config(
                VirtualHost.newBuilder()
                    .setName("split.example.com")
                    .addDomains("split.example.com")
                    .addDomains("split.example.com:*")
                    .addRoutes(
                        Route.newBuilder()
                            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                            .setRoute(
                                RouteAction.newBuilder()
                                    .setWeightedClusters(
                                        WeightedCluster.newBuilder()
                                            .addClusters(weight(EAST_KUARD, 80))
                                            .addClusters(weight(KUARD, 20)))))
                    .build())),
        new Case(
            "hosts and routes keep the table's order; a route without clusters is left out",
            table(
                vhost(
                    "a.example.com",
                    route("/api", to(KUARD, 1)),
                    route("/empty"),
                    route("/", to(EAST_KUARD, 1))),
                vhost("b.example.com", route("/", to(KUARD, 1), to(EAST_KUARD, 0)))),
            config(
                VirtualHost.newBuilder()
                    .setName("a.example.com")
                    .addDomains("a.example.com")
                    .addDomains("a.example.com:*")
                    .addRoutes(
                        Route.newBuilder()
                            .setMatch(RouteMatch.newBuilder().setPrefix("/api"))
                            .setRoute(RouteAction.newBuilder().setCluster(KUARD)))
                    .addRoutes(
                        Route.newBuilder()
                            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                            .setRoute(RouteAction.newBuilder().setCluster(EAST_KUARD)))
                    .build(),
                VirtualHost.newBuilder()
                    .setName("b.example.com")
                    .addDomains("b.example.com")
                    .addDomains("b.example.com:*")
                    .addRoutes(
                        Route.newBuilder()
                            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                            .setRoute(
                                RouteAction.newBuilder()
                                    .setWeightedClusters(
                                        WeightedCluster.newBuilder()
                                            .addClusters(weight(KUARD, 1))
                                            .addClusters(weight(EAST_KUARD, 0)))))
                    .build())));
  }

  record PerHostCase(String name, RoutingTable table, List<RouteConfiguration> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("perHostCases")
  void translatesOneConfigurationPerHost(PerHostCase c) {
    assertThat(RouteTranslator.perHost(c.table())).isEqualTo(c.expected());
  }

  static Stream<PerHostCase> perHostCases() {
    return Stream.of(
        new PerHostCase("empty table: no configurations", table(), List.of()),
        new PerHostCase(
            "one host: a configuration named by the fqdn holding only that host",
            table(vhost("kuard.example.com", route("/", to(KUARD, 1)))),
            List.of(
                RouteConfiguration.newBuilder()
                    .setName("kuard.example.com")
                    .addVirtualHosts(
                        VirtualHost.newBuilder()
                            .setName("kuard.example.com")
                            .addDomains("kuard.example.com")
                            .addDomains("kuard.example.com:*")
                            .addRoutes(
                                Route.newBuilder()
                                    .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                                    .setRoute(RouteAction.newBuilder().setCluster(KUARD))))
                    .build())),
        new PerHostCase(
            "several hosts: sorted by fqdn whatever the table's order; routes as in ingress_http",
            table(
                vhost("b.example.com", route("/", to(KUARD, 1), to(EAST_KUARD, 0))),
                vhost("a.example.com", route("/api", to(KUARD, 1)), route("/empty"))),
            List.of(
                RouteConfiguration.newBuilder()
                    .setName("a.example.com")
                    .addVirtualHosts(
                        VirtualHost.newBuilder()
                            .setName("a.example.com")
                            .addDomains("a.example.com")
                            .addDomains("a.example.com:*")
                            .addRoutes(
                                Route.newBuilder()
                                    .setMatch(RouteMatch.newBuilder().setPrefix("/api"))
                                    .setRoute(RouteAction.newBuilder().setCluster(KUARD))))
                    .build(),
                RouteConfiguration.newBuilder()
                    .setName("b.example.com")
                    .addVirtualHosts(
                        VirtualHost.newBuilder()
                            .setName("b.example.com")
                            .addDomains("b.example.com")
                            .addDomains("b.example.com:*")
                            .addRoutes(
                                Route.newBuilder()
                                    .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                                    .setRoute(
                                        RouteAction.newBuilder()
                                            .setWeightedClusters(
                                                WeightedCluster.newBuilder()
                                                    .addClusters(weight(KUARD, 1))
                                                    .addClusters(weight(EAST_KUARD, 0))))))
                    .build())),
        new PerHostCase(
            "a host validating client certificates: no routes, for a gRPC client calls the"
                + " backends itself, past the TLS handshake with Envoy that checks them",
            table(
                new RoutingTable.VirtualHost(
                    "mtls.example.com",
                    List.of(route("/", to(KUARD, 1))),
                    null,
                    new VirtualHostTls(
                        new VirtualHostTls.Certificate("demo/cert", "CHAIN", "KEY"),
                        VirtualHostTls.Version.TLS_1_2,
                        VirtualHostTls.Version.TLS_1_3,
                        new VirtualHostTls.ClientValidation(
                            VirtualHostTls.TrustBundle.of("demo/ca", "CA", null, null),
                            false,
                            true,
                            false,
                            null),
                        List.of()))),
            List.of(
                RouteConfiguration.newBuilder()
                    .setName("mtls.example.com")
                    .addVirtualHosts(
                        VirtualHost.newBuilder()
                            .setName("mtls.example.com")
                            .addDomains("mtls.example.com")
                            .addDomains("mtls.example.com:*"))
                    .build())));
  }

  private static RouteConfiguration config(VirtualHost... hosts) {
    return RouteConfiguration.newBuilder()
        .setName("ingress_http")
        .addAllVirtualHosts(List.of(hosts))
        .build();
  }

  private static WeightedCluster.ClusterWeight weight(String cluster, int weight) {
    return WeightedCluster.ClusterWeight.newBuilder()
        .setName(cluster)
        .setWeight(UInt32Value.of(weight))
        .build();
  }

  private static RoutingTable table(RoutingTable.VirtualHost... hosts) {
    return new RoutingTable(List.of(hosts), Map.of());
  }

  private static RoutingTable.VirtualHost vhost(String fqdn, RoutingTable.Route... routes) {
    return Routes.host(fqdn, List.of(routes));
  }

  private static RoutingTable.Route route(
      String prefix, dev.gantry.xds.ir.WeightedCluster... clusters) {
    return Routes.route(prefix, List.of(clusters));
  }

  private static dev.gantry.xds.ir.WeightedCluster to(String cluster, long weight) {
    return new dev.gantry.xds.ir.WeightedCluster(cluster, weight);
  }

  @Test
  void matchesTranslateToEnvoyPathHeaderAndQueryMatchers() {
    RoutingTable.Match match =
        new RoutingTable.Match(
            RoutingTable.PathKind.REGEX,
            "/v[0-9]+/.*",
            List.of(
                new RoutingTable.HeaderMatch(
                    "x-canary", RoutingTable.ValueKind.PRESENT, null, false, false),
                new RoutingTable.HeaderMatch(
                    "x-env", RoutingTable.ValueKind.EXACT, "Prod", true, true)),
            List.of(
                new RoutingTable.QueryMatch("debug", RoutingTable.ValueKind.PRESENT, null, false),
                new RoutingTable.QueryMatch("v", RoutingTable.ValueKind.SUFFIX, "-rc", false)));

    io.envoyproxy.envoy.config.route.v3.RouteMatch expected =
        io.envoyproxy.envoy.config.route.v3.RouteMatch.newBuilder()
            .setSafeRegex(
                io.envoyproxy.envoy.type.matcher.v3.RegexMatcher.newBuilder()
                    .setRegex("/v[0-9]+/.*"))
            .addHeaders(
                io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder()
                    .setName("x-canary")
                    .setPresentMatch(true))
            .addHeaders(
                io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder()
                    .setName("x-env")
                    .setInvertMatch(true)
                    .setStringMatch(
                        io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder()
                            .setExact("Prod")
                            .setIgnoreCase(true)))
            .addQueryParameters(
                io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher.newBuilder()
                    .setName("debug")
                    .setPresentMatch(true))
            .addQueryParameters(
                io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher.newBuilder()
                    .setName("v")
                    .setStringMatch(
                        io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder()
                            .setSuffix("-rc")))
            .build();

    assertThat(RouteTranslator.match(match)).isEqualTo(expected);
    assertThat(
            RouteTranslator.match(
                    new RoutingTable.Match(
                        RoutingTable.PathKind.EXACT, "/healthz", List.of(), List.of()))
                .getPath())
        .isEqualTo("/healthz");
  }

  @Test
  void settingHostRewritesTheAuthorityOnTheRouteOrPerService() {
    HeaderPolicy routeHost =
        new HeaderPolicy(java.util.Map.of("host", "route.internal", "x-a", "1"), List.of());
    HeaderPolicy serviceHost =
        new HeaderPolicy(java.util.Map.of("host", "svc.internal"), List.of());
    RoutingTable.Route route =
        RoutingTable.Route.matching(RoutingTable.Match.prefix("/"))
            .clusters(
                List.of(
                    new dev.gantry.xds.ir.WeightedCluster(
                        "demo/a/80/abc", 1, serviceHost, HeaderPolicy.NONE),
                    new dev.gantry.xds.ir.WeightedCluster("demo/b/80/abc", 1)))
            .request(routeHost)
            .build();
    io.envoyproxy.envoy.config.route.v3.Route translated =
        RouteTranslator.translate(
                new RoutingTable(
                    List.of(Routes.host("a.example.com", List.of(route))), java.util.Map.of()))
            .getVirtualHosts(0)
            .getRoutes(0);
    assertThat(translated.getRoute().getHostRewriteLiteral()).isEqualTo("route.internal");
    assertThat(translated.getRequestHeadersToAddList())
        .extracting(h -> h.getHeader().getKey())
        .containsExactly("x-a");
    var clusters = translated.getRoute().getWeightedClusters().getClustersList();
    assertThat(clusters.get(0).getHostRewriteLiteral()).isEqualTo("svc.internal");
    assertThat(clusters.get(0).getRequestHeadersToAddList()).isEmpty();
    assertThat(clusters.get(1).hasHostRewriteLiteral()).isFalse();
  }

  @Test
  void appendedHeadersAndAWholePathRewriteForGatewayApi() {
    RoutingTable.Route base =
        RoutingTable.Route.matching(RoutingTable.Match.prefix("/api"))
            .clusters(List.of(new dev.gantry.xds.ir.WeightedCluster("demo/kuard/80/abc", 1)))
            .request(new HeaderPolicy(Map.of("x-set", "1"), List.of(), Map.of("x-add", "2")))
            .build();
    RoutingTable.Route route = base.toBuilder().fullPathRewrite("/replaced").build();

    Route translated =
        RouteTranslator.translate(
                new RoutingTable(List.of(Routes.host("a.example.com", List.of(route))), Map.of()))
            .getVirtualHosts(0)
            .getRoutes(0);

    assertThat(translated.getRequestHeadersToAddList())
        .extracting(h -> h.getHeader().getKey() + " " + h.getAppendAction())
        .containsExactly("x-set OVERWRITE_IF_EXISTS_OR_ADD", "x-add APPEND_IF_EXISTS_OR_ADD");
    assertThat(translated.getRoute().getRegexRewrite().getPattern().getRegex()).isEqualTo("^/.*$");
    assertThat(translated.getRoute().getRegexRewrite().getSubstitution()).isEqualTo("/replaced");
    assertThat(translated.getRoute().getPrefixRewrite()).isEmpty();
  }

  @Test
  void treatMissingAsEmptyReachesTheHeaderMatcher() {
    RoutingTable.Match match =
        new RoutingTable.Match(
            RoutingTable.PathKind.PREFIX,
            "/",
            List.of(
                new RoutingTable.HeaderMatch(
                    "x-env", RoutingTable.ValueKind.EXACT, "prod", false, true, true)),
            List.of());
    var header = RouteTranslator.match(match).getHeaders(0);
    assertThat(header.getTreatMissingHeaderAsEmpty()).isTrue();
    assertThat(header.getInvertMatch()).isTrue();
  }

  @Test
  void policiesBecomeHeaderMutationsAndAPrefixRewrite() {
    HeaderPolicy request = new HeaderPolicy(java.util.Map.of("x-a", "1"), List.of("x-gone"));
    HeaderPolicy service = new HeaderPolicy(java.util.Map.of("x-svc", "east"), List.of());
    RoutingTable.Route route =
        RoutingTable.Route.matching(RoutingTable.Match.prefix("/api"))
            .clusters(
                List.of(
                    new dev.gantry.xds.ir.WeightedCluster(
                        "demo/kuard/80/abc", 1, service, HeaderPolicy.NONE)))
            .request(request)
            .prefixRewrite("/v1")
            .build();

    io.envoyproxy.envoy.config.route.v3.Route translated =
        RouteTranslator.translate(
                new RoutingTable(
                    List.of(Routes.host("a.example.com", List.of(route))), java.util.Map.of()))
            .getVirtualHosts(0)
            .getRoutes(0);

    assertThat(translated.getRequestHeadersToAddList())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.getHeader().getKey()).isEqualTo("x-a");
              assertThat(h.getAppendAction())
                  .isEqualTo(
                      io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction
                          .OVERWRITE_IF_EXISTS_OR_ADD);
            });
    assertThat(translated.getRequestHeadersToRemoveList()).containsExactly("x-gone");
    assertThat(translated.getRoute().getPrefixRewrite()).isEqualTo("/v1");
    // A service's own headers need a weighted cluster, even a single one.
    assertThat(
            translated.getRoute().getWeightedClusters().getClusters(0).getRequestHeadersToAddList())
        .extracting(h -> h.getHeader().getKey() + "=" + h.getHeader().getValue())
        .containsExactly("x-svc=east");
  }

  @Test
  void hashPoliciesGoOnTheRouteActionInTheirOrder() {
    RoutingTable.Route route =
        RoutingTable.Route.matching(RoutingTable.Match.prefix("/"))
            .clusters(List.of(new dev.gantry.xds.ir.WeightedCluster("demo/kuard/80/c477814145", 1)))
            .hashPolicies(
                List.of(
                    new RoutingTable.HashPolicy(RoutingTable.HashKind.HEADER, "x-user", true),
                    new RoutingTable.HashPolicy(
                        RoutingTable.HashKind.QUERY_PARAMETER, "session", false),
                    new RoutingTable.HashPolicy(RoutingTable.HashKind.SOURCE_IP, null, false),
                    RoutingTable.HashPolicy.SESSION_COOKIE))
            .build();

    RouteAction action =
        RouteTranslator.translate(
                new RoutingTable(
                    List.of(Routes.host("a.example.com", List.of(route))), java.util.Map.of()))
            .getVirtualHosts(0)
            .getRoutes(0)
            .getRoute();

    assertThat(action)
        .isEqualTo(
            RouteAction.newBuilder()
                .setCluster("demo/kuard/80/c477814145")
                .addHashPolicy(
                    RouteAction.HashPolicy.newBuilder()
                        .setTerminal(true)
                        .setHeader(
                            RouteAction.HashPolicy.Header.newBuilder().setHeaderName("x-user")))
                .addHashPolicy(
                    RouteAction.HashPolicy.newBuilder()
                        .setQueryParameter(
                            RouteAction.HashPolicy.QueryParameter.newBuilder().setName("session")))
                .addHashPolicy(
                    RouteAction.HashPolicy.newBuilder()
                        .setConnectionProperties(
                            RouteAction.HashPolicy.ConnectionProperties.newBuilder()
                                .setSourceIp(true)))
                .addHashPolicy(
                    RouteAction.HashPolicy.newBuilder()
                        .setCookie(
                            RouteAction.HashPolicy.Cookie.newBuilder()
                                .setName("X-Contour-Session-Affinity")
                                // Present and zero: Envoy sets a session cookie when none is sent.
                                .setTtl(com.google.protobuf.Duration.newBuilder())
                                .setPath("/")))
                .build());
    assertThat(action.getHashPolicy(3).getCookie().hasTtl()).isTrue();
  }
}
