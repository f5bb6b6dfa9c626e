package dev.gantry.xds.compile.gateway;

import static dev.gantry.xds.GatewayApiFixtures.from;
import static dev.gantry.xds.GatewayApiFixtures.gantryClass;
import static dev.gantry.xds.GatewayApiFixtures.gateway;
import static dev.gantry.xds.GatewayApiFixtures.h;
import static dev.gantry.xds.GatewayApiFixtures.headers;
import static dev.gantry.xds.GatewayApiFixtures.http;
import static dev.gantry.xds.GatewayApiFixtures.parent;
import static dev.gantry.xds.GatewayApiFixtures.path;
import static dev.gantry.xds.GatewayApiFixtures.route;
import static dev.gantry.xds.GatewayApiFixtures.rule;
import static dev.gantry.xds.GatewayApiFixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.xds.Fixtures;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.compile.ingress.IngressCompiler;
import dev.gantry.xds.ir.HeaderPolicy;
import dev.gantry.xds.ir.RoutingTable;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestRedirectFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteTimeouts;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPURLRewriteFilter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HTTPRoute filters and timeouts in the routing model; a host another API keeps. */
class HttpRouteFiltersTest {
  private final GatewayApiCompiler compiler = new GatewayApiCompiler(ExternalNames.DISABLED);

  private List<RoutingTable.Route> routes(HTTPRouteRule rule) {
    HTTPRoute r = route("demo/r", List.of("a.example.com"), List.of(parent("demo/gw", null)), rule);
    GatewayApiCompiler.Result result =
        compiler.compile(
            new GatewayApiObjects(
                List.of(gantryClass()),
                List.of(gateway("demo/gw", from(http("web", 80, null), "All"))),
                List.of(r),
                List.of(),
                List.of()),
            GatewayApiCompilerTest.SNAPSHOT,
            Map.of(),
            Map.of());
    assertThat(
            GatewayApiCompilerTest.condition(
                result.statuses().httpRoutes().get("demo/r").getParents().get(0).getConditions(),
                "Accepted"))
        .isEqualTo("True/Accepted");
    return result.hosts().get(0).routes();
  }

  private static HTTPPathModifier modifier(String type, String value) {
    HTTPPathModifier m = new HTTPPathModifier();
    m.setType(type);
    if (type.equals("ReplaceFullPath")) {
      m.setReplaceFullPath(value);
    } else {
      m.setReplacePrefixMatch(value);
    }
    return m;
  }

  @Test
  void httpRouteRequestHeaderModifierSetsAddsAndRemoves() {
    RoutingTable.Route r =
        routes(
                rule(
                    List.of(),
                    List.of(
                        headers(
                            "RequestHeaderModifier",
                            List.of(h("X-Set", "100%")),
                            List.of(h("X-Add", "a")),
                            List.of("X-Gone")),
                        headers(
                            "ResponseHeaderModifier",
                            List.of(h("X-Resp", "r")),
                            List.of(),
                            List.of())),
                    service("web", 80, null)))
            .get(0);
    assertThat(r.request())
        .isEqualTo(
            new HeaderPolicy(Map.of("x-set", "100%%"), List.of("x-gone"), Map.of("x-add", "a")));
    assertThat(r.response().set()).containsEntry("x-resp", "r");
  }

  @Test
  void httpRouteRedirectHostAndStatus() {
    HTTPRequestRedirectFilter redirect = new HTTPRequestRedirectFilter();
    redirect.setHostname("example.org");
    redirect.setStatusCode(301);
    redirect.setScheme("https");
    HTTPRouteFilter f = new HTTPRouteFilter();
    f.setType("RequestRedirect");
    f.setRequestRedirect(redirect);
    RoutingTable.Route r = routes(rule(List.of(), List.of(f))).get(0);
    assertThat(r.actions().redirect())
        .isEqualTo(new RoutingTable.Redirect("https", "example.org", null, null, null, 301));
    assertThat(r.clusters()).isEmpty();
  }

  @Test
  void httpRouteRedirectStatusCodesOfTheStandardChannel() {
    for (int code : List.of(301, 302, 303, 307, 308)) {
      HTTPRequestRedirectFilter redirect = new HTTPRequestRedirectFilter();
      redirect.setStatusCode(code);
      HTTPRouteFilter f = new HTTPRouteFilter();
      f.setType("RequestRedirect");
      f.setRequestRedirect(redirect);
      assertThat(routes(rule(List.of(), List.of(f))).get(0).actions().redirect().statusCode())
          .isEqualTo(code);
    }
  }

  @Test
  void httpRouteRequestMultipleMirrorsEachGetCopies() {
    List<HTTPRouteFilter> filters = new java.util.ArrayList<>();
    for (String[] m : new String[][] {{"east-web", "100"}, {"west-web", "40"}}) {
      io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter mirror =
          new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter();
      io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference ref =
          new io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference();
      ref.setName(m[0]);
      ref.setPort(80);
      mirror.setBackendRef(ref);
      mirror.setPercent(Integer.parseInt(m[1]));
      HTTPRouteFilter f = new HTTPRouteFilter();
      f.setType("RequestMirror");
      f.setRequestMirror(mirror);
      filters.add(f);
    }
    RoutingTable.Actions a =
        routes(rule(List.of(), filters, service("web", 80, null))).get(0).actions();
    assertThat(a.mirrorCluster()).startsWith("demo/east-web/80/");
    assertThat(a.mirrorPercent()).isEqualTo(100);
    assertThat(a.extraMirrors())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.cluster()).startsWith("demo/west-web/80/");
              assertThat(m.percent()).isEqualTo(40);
            });
  }

  @Test
  void httpRouteRewritePathReplacesThePrefixAtAPathElement() {
    HTTPURLRewriteFilter rewrite = new HTTPURLRewriteFilter();
    rewrite.setPath(modifier("ReplacePrefixMatch", "/"));
    rewrite.setHostname("internal.example.com");
    HTTPRouteFilter f = new HTTPRouteFilter();
    f.setType("URLRewrite");
    f.setUrlRewrite(rewrite);
    List<RoutingTable.Route> rs =
        routes(
            rule(List.of(path("PathPrefix", "/prefix/one")), List.of(f), service("web", 80, null)));
    assertThat(rs)
        .extracting(r -> r.match().pathKind() + " " + r.match().path() + " -> " + r.prefixRewrite())
        .containsExactly("EXACT /prefix/one -> /", "PREFIX /prefix/one/ -> /");
    assertThat(rs.get(0).request().set()).containsEntry("host", "internal.example.com");
  }

  @Test
  void httpRouteRewritePathReplacesTheFullPath() {
    HTTPURLRewriteFilter rewrite = new HTTPURLRewriteFilter();
    rewrite.setPath(modifier("ReplaceFullPath", "/one"));
    HTTPRouteFilter f = new HTTPRouteFilter();
    f.setType("URLRewrite");
    f.setUrlRewrite(rewrite);
    RoutingTable.Route r =
        routes(rule(List.of(path("PathPrefix", "/full")), List.of(f), service("web", 80, null)))
            .get(0);
    assertThat(r.fullPathRewrite()).isEqualTo("/one");
    assertThat(r.match().pathKind()).isEqualTo(RoutingTable.PathKind.SEGMENT_PREFIX);
  }

  @Test
  void httpRouteRequestMirrorCopiesItsPercentToAnotherService() {
    HTTPRequestMirrorFilter mirror = new HTTPRequestMirrorFilter();
    BackendObjectReference ref = new BackendObjectReference();
    ref.setName("west-web");
    ref.setPort(80);
    mirror.setBackendRef(ref);
    mirror.setPercent(25);
    HTTPRouteFilter f = new HTTPRouteFilter();
    f.setType("RequestMirror");
    f.setRequestMirror(mirror);
    RoutingTable.Route r =
        routes(rule(List.of(), List.of(f), service("east-web", 80, null))).get(0);
    assertThat(r.actions().mirrorCluster()).startsWith("demo/west-web/80/");
    assertThat(r.actions().mirrorPercent()).isEqualTo(25);
  }

  @Test
  void httpRouteTimeoutsTheShorterLimitsTheRequest() {
    HTTPRouteRule rule = rule(service("web", 80, null));
    HTTPRouteTimeouts t = new HTTPRouteTimeouts();
    t.setRequest("1m30s");
    t.setBackendRequest("500ms");
    rule.setTimeouts(t);
    assertThat(routes(rule).get(0).timeouts().response()).isEqualTo(Duration.ofMillis(500));
    t.setBackendRequest(null);
    assertThat(routes(rule).get(0).timeouts().response()).isEqualTo(Duration.ofSeconds(90));
    t.setRequest("0s");
    assertThat(routes(rule).get(0).timeouts().response()).isEqualTo(Duration.ZERO);
  }

  @Test
  void aHostAnHttpProxyNamesStaysTheProxysAndTheRouteSaysSo() {
    IngressCompiler ingress = new IngressCompiler(new ProxyCompiler("gantry"));
    HTTPRoute r =
        route(
            "demo/r",
            List.of("taken.example.com"),
            List.of(parent("demo/gw", null)),
            rule(service("east-web", 80, null)));
    HTTPRoute partly =
        route(
            "demo/p",
            List.of("taken.example.com", "free.example.com"),
            List.of(parent("demo/gw", null)),
            rule(service("east-web", 80, null)));
    IngressCompiler.Result result =
        ingress.compile(
            List.of(
                Fixtures.proxy("demo/proxy")
                    .fqdn("taken.example.com")
                    .route("/", "web", 80, null)
                    .build()),
            List.of(),
            GatewayApiCompilerTest.SNAPSHOT,
            Map.of(),
            dev.gantry.xds.compile.Delegations.NONE,
            List.of(),
            new GatewayApiObjects(
                List.of(gantryClass()),
                List.of(gateway("demo/gw", from(http("web", 80, null), "All"))),
                List.of(r, partly),
                List.of(),
                List.of()));

    assertThat(result.table().virtualHosts())
        .extracting(RoutingTable.VirtualHost::fqdn)
        .containsExactly("free.example.com", "taken.example.com");
    RoutingTable.VirtualHost taken = result.table().virtualHosts().get(1);
    assertThat(taken.routes())
        .singleElement()
        .satisfies(x -> assertThat(x.clusters().get(0).cluster()).startsWith("demo/web/80/"));
    var parent = result.gatewayApiStatuses().httpRoutes().get("demo/r").getParents().get(0);
    assertThat(GatewayApiCompilerTest.condition(parent.getConditions(), "Accepted"))
        .isEqualTo("False/HostnameConflict");
    assertThat(parent.getConditions().get(0).getMessage()).contains("HTTPProxy demo/proxy");
    var partial = result.gatewayApiStatuses().httpRoutes().get("demo/p").getParents().get(0);
    assertThat(partial.getConditions().get(0).getMessage()).contains("taken.example.com");
    assertThat(result.verdicts())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.valid()).isTrue();
              assertThat(v.warnings())
                  .singleElement()
                  .satisfies(
                      w -> {
                        assertThat(w.reason()).isEqualTo("HostnameConflict");
                        assertThat(w.message())
                            .contains("taken.example.com", "HTTPRoute demo/p", "HTTPRoute demo/r");
                      });
            });
  }
}
