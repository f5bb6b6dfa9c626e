package dev.gantry.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.xds.ir.Routes;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.ir.WeightedCluster;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contour's secure first rule in ingress_http: routes of TLS hosts answer 301 to https unless
 * permitInsecure.
 */
class SecureFirstTest {
  private static final List<WeightedCluster> WEB =
      List.of(new WeightedCluster("demo/web/80/abc", 1));
  private static final RoutingTable.Route API = Routes.route("/api", WEB);
  private static final RoutingTable.Route ROOT = Routes.route("/", WEB);
  private static final VirtualHostTls.Certificate CERT =
      new VirtualHostTls.Certificate("demo/cert", "CHAIN", "KEY");

  private static final RoutingTable.Route INSECURE_API =
      RoutingTable.Route.matching(RoutingTable.Match.prefix("/api"))
          .clusters(WEB)
          .actions(new RoutingTable.Actions(null, false, null, null, true))
          .build();

  /** For each route of the host in order: true = still served, false = redirected. */
  record Case(String name, VirtualHostTls tls, RoutingTable.Route api, List<Boolean> served) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    VirtualHostTls.Version v12 = VirtualHostTls.Version.TLS_1_2;
    return Stream.of(
        new Case("no TLS: every route served", null, API, List.of(true, true)),
        new Case(
            "TLS: every route redirected",
            new VirtualHostTls(CERT, v12, List.of()),
            API,
            List.of(false, false)),
        new Case(
            "TLS with /api permitInsecure: /api served, / redirected",
            new VirtualHostTls(CERT, v12, List.of()),
            INSECURE_API,
            List.of(true, false)),
        new Case(
            "passthrough with routes: they are redirected too",
            new VirtualHostTls(null, v12, WEB),
            API,
            List.of(false, false)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void tlsHostsRedirectPlainHttpExceptPermitInsecureRoutes(Case c) {
    RoutingTable table =
        new RoutingTable(
            List.of(
                Routes.host("web.example", List.of(c.api(), ROOT), c.tls()),
                Routes.host("plain.example", List.of(ROOT))),
            Map.of());
    RouteConfiguration plain = RouteTranslator.translate(withoutTls(table));

    RouteConfiguration redirected = RouteTranslator.translate(table);

    VirtualHost before = plain.getVirtualHosts(0);
    VirtualHost after = redirected.getVirtualHosts(0);
    assertThat(after.getName()).isEqualTo("web.example");
    assertThat(after.getDomainsList()).isEqualTo(before.getDomainsList());
    for (int i = 0; i < c.served().size(); i++) {
      Route expected =
          c.served().get(i)
              ? before.getRoutes(i)
              : Route.newBuilder()
                  .setMatch(before.getRoutes(i).getMatch())
                  .setRedirect(RedirectAction.newBuilder().setHttpsRedirect(true))
                  .build();
      assertThat(after.getRoutes(i)).isEqualTo(expected);
    }
    assertThat(redirected.getVirtualHosts(1)).isEqualTo(plain.getVirtualHosts(1));
  }

  @org.junit.jupiter.api.Test
  void aRouteOfAnIncludedProxyCarriesItsOwnPermitInsecure() {
    RoutingTable.Route insecure =
        RoutingTable.Route.matching(RoutingTable.Match.prefix("/blog/open"))
            .clusters(WEB)
            .actions(new RoutingTable.Actions(null, false, null, null, true))
            .build();
    RoutingTable table =
        new RoutingTable(
            List.of(
                Routes.host(
                    "web.example",
                    List.of(insecure, ROOT),
                    new VirtualHostTls(CERT, VirtualHostTls.Version.TLS_1_2, List.of()))),
            Map.of());
    RouteConfiguration plain = RouteTranslator.translate(withoutTls(table));

    VirtualHost after = RouteTranslator.translate(table).getVirtualHosts(0);

    assertThat(after.getRoutes(0)).isEqualTo(plain.getVirtualHosts(0).getRoutes(0));
    assertThat(after.getRoutes(1).getRedirect().getHttpsRedirect()).isTrue();
  }

  @org.junit.jupiter.api.Test
  void aSecureOnlyRouteIsNeitherServedNorRedirectedOverPlainHttp() {
    RoutingTable.Route secureOnly =
        RoutingTable.Route.matching(RoutingTable.Match.prefix("/admin"))
            .clusters(WEB)
            .actions(new RoutingTable.Actions(null, false, null, null, false, 100, true))
            .build();
    RoutingTable table =
        new RoutingTable(
            List.of(
                Routes.host(
                    "web.example",
                    List.of(secureOnly, ROOT),
                    new VirtualHostTls(CERT, VirtualHostTls.Version.TLS_1_2, List.of()))),
            Map.of());

    VirtualHost after = RouteTranslator.translate(table).getVirtualHosts(0);

    assertThat(after.getRoutesList()).hasSize(1);
    assertThat(after.getRoutes(0).getMatch().getPrefix()).isEqualTo("/");
    assertThat(after.getRoutes(0).getRedirect().getHttpsRedirect()).isTrue();
    // Over HTTPS it is served as any other route.
    assertThat(RouteTranslator.envoyVirtualHost(table.virtualHosts().get(0)).getRoutesList())
        .hasSize(2);
  }

  @org.junit.jupiter.api.Test
  void anInsecureOnlyRouteIsServedOverPlainHttpAndNotOverHttps() {
    RoutingTable.Route insecureOnly =
        RoutingTable.Route.matching(RoutingTable.Match.prefix("/plain"))
            .clusters(WEB)
            .actions(
                new RoutingTable.Actions(
                    null, false, null, null, true, 100, false, true, List.of()))
            .build();
    RoutingTable table =
        new RoutingTable(
            List.of(
                Routes.host(
                    "web.example",
                    List.of(insecureOnly, ROOT),
                    new VirtualHostTls(CERT, VirtualHostTls.Version.TLS_1_2, List.of()))),
            Map.of());

    VirtualHost plain = RouteTranslator.translate(table).getVirtualHosts(0);
    assertThat(plain.getRoutes(0).getMatch().getPrefix()).isEqualTo("/plain");
    assertThat(plain.getRoutes(0).hasRoute()).isTrue();
    assertThat(plain.getRoutes(1).getRedirect().getHttpsRedirect()).isTrue();
    assertThat(RouteTranslator.envoyVirtualHost(table.virtualHosts().get(0)).getRoutesList())
        .extracting(r -> r.getMatch().getPrefix())
        .containsExactly("/");
  }

  @org.junit.jupiter.api.Test
  void redirectStatusCodesAndSeveralMirrorsReachEnvoy() {
    RoutingTable.Route mirrored =
        RoutingTable.Route.matching(RoutingTable.Match.prefix("/"))
            .clusters(WEB)
            .actions(
                new RoutingTable.Actions(
                    "demo/a/80/x",
                    false,
                    null,
                    null,
                    false,
                    100,
                    false,
                    false,
                    List.of(new RoutingTable.Mirror("demo/b/80/y", 25))))
            .build();
    Route r =
        RouteTranslator.translate(
                new RoutingTable(List.of(Routes.host("m.example", List.of(mirrored))), Map.of()))
            .getVirtualHosts(0)
            .getRoutes(0);
    assertThat(r.getRoute().getRequestMirrorPoliciesList())
        .extracting(
            m -> m.getCluster() + "=" + m.getRuntimeFraction().getDefaultValue().getNumerator())
        .containsExactly("demo/a/80/x=100", "demo/b/80/y=25");

    Map<Integer, RedirectAction.RedirectResponseCode> codes =
        Map.of(
            301, RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY,
            302, RedirectAction.RedirectResponseCode.FOUND,
            303, RedirectAction.RedirectResponseCode.SEE_OTHER,
            307, RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT,
            308, RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT);
    codes.forEach(
        (code, envoy) ->
            assertThat(
                    RouteTranslator.redirect(
                            new RoutingTable.Redirect(null, "example.org", null, null, null, code))
                        .getResponseCode())
                .isEqualTo(envoy));
  }

  /** The same hosts served over plain HTTP only: what each route forwards to, unredirected. */
  private static RoutingTable withoutTls(RoutingTable table) {
    return new RoutingTable(
        table.virtualHosts().stream()
            .map(h -> Routes.host(h.fqdn(), h.routes(), h.cors(), null))
            .toList(),
        table.upstreams());
  }
}
