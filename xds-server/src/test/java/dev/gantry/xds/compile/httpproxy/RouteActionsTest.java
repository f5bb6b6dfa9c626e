package dev.gantry.xds.compile.httpproxy;

import static dev.gantry.xds.Fixtures.proxy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.DirectResponsePolicy;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.RequestRedirectPolicy;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.RoutingTable.DirectResponse;
import dev.gantry.xds.ir.RoutingTable.Redirect;
import dev.gantry.xds.ir.WeightedCluster;
import dev.gantry.xds.translate.RouteTranslator;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RouteActionsTest {
  static RequestRedirectPolicy redirectPolicy(
      String scheme, String host, Integer port, Integer status, String path, String prefix) {
    RequestRedirectPolicy p = new RequestRedirectPolicy();
    p.setScheme(scheme);
    p.setHostname(host);
    p.setPort(port);
    p.setStatusCode(status);
    p.setPath(path);
    p.setPrefix(prefix);
    return p;
  }

  static DirectResponsePolicy directPolicy(Integer status, String body) {
    DirectResponsePolicy p = new DirectResponsePolicy();
    p.setStatusCode(status);
    p.setBody(body);
    return p;
  }

  record RedirectCase(String name, RequestRedirectPolicy policy, Redirect expected, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<RedirectCase> redirects() {
    String field = "spec.routes[0].requestRedirectPolicy";
    return Stream.of(
        new RedirectCase("none", null, null, null),
        new RedirectCase(
            "defaults to 301 and changes nothing it is not told to",
            redirectPolicy(null, null, null, null, null, null),
            new Redirect(null, null, null, null, null, 301),
            null),
        new RedirectCase(
            "everything, scheme lower-cased",
            redirectPolicy("HTTPS", "www.example.com", 8443, 302, "/new", null),
            new Redirect("https", "www.example.com", 8443, "/new", null, 302),
            null),
        new RedirectCase(
            "prefix",
            redirectPolicy(null, null, null, null, null, "/v2"),
            new Redirect(null, null, null, null, "/v2", 301),
            null),
        new RedirectCase(
            "blank strings count as unset",
            redirectPolicy(" ", "", null, null, "", ""),
            new Redirect(null, null, null, null, null, 301),
            null),
        new RedirectCase(
            "unknown scheme",
            redirectPolicy("ftp", null, null, null, null, null),
            null,
            "RequestRedirectPolicy: " + field + ".scheme: \"ftp\" is not http or https"),
        new RedirectCase(
            "bad host",
            redirectPolicy(null, "bad host", null, null, null, null),
            null,
            "RequestRedirectPolicy: " + field + ".hostname: \"bad host\" is not a valid host name"),
        new RedirectCase(
            "port 0",
            redirectPolicy(null, null, 0, null, null, null),
            null,
            "RequestRedirectPolicy: " + field + ".port: 0 is not 1-65535"),
        new RedirectCase(
            "status 307",
            redirectPolicy(null, null, null, 307, null, null),
            null,
            "RequestRedirectPolicy: " + field + ".statusCode: 307 is not 301 or 302"),
        new RedirectCase(
            "path and prefix",
            redirectPolicy(null, null, null, null, "/a", "/b"),
            null,
            "RequestRedirectPolicy: " + field + ": cannot specify both path and prefix"),
        new RedirectCase(
            "relative path",
            redirectPolicy(null, null, null, null, "new", null),
            null,
            "RequestRedirectPolicy: "
                + field
                + ": \"new\" must start with / and hold no spaces or control characters"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("redirects")
  void redirect(RedirectCase c) {
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    Redirect got =
        Outcome.orReportAbsent(RouteActions.redirect(c.policy(), "spec.routes[0]"), errors);
    assertThat(got).isEqualTo(c.expected());
    assertThat(errors.stream().map(e -> e.reason() + ": " + e.message()).toList())
        .isEqualTo(c.error() == null ? List.of() : List.of(c.error()));
    assertThat(errors).allSatisfy(e -> assertThat(e.type()).isEqualTo("RouteError"));
  }

  record DirectCase(
      String name, DirectResponsePolicy policy, DirectResponse expected, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<DirectCase> directs() {
    String field = "spec.routes[0].directResponsePolicy";
    return Stream.of(
        new DirectCase("none", null, null, null),
        new DirectCase(
            "status and body",
            directPolicy(418, "teapot"),
            new DirectResponse(418, "teapot"),
            null),
        new DirectCase("no body", directPolicy(204, null), new DirectResponse(204, ""), null),
        new DirectCase(
            "no status",
            directPolicy(null, "x"),
            null,
            "DirectResponsePolicy: " + field + ".statusCode: null is not 200-599"),
        new DirectCase(
            "status 100",
            directPolicy(100, null),
            null,
            "DirectResponsePolicy: " + field + ".statusCode: 100 is not 200-599"),
        new DirectCase(
            "status 600",
            directPolicy(600, null),
            null,
            "DirectResponsePolicy: " + field + ".statusCode: 600 is not 200-599"),
        new DirectCase(
            "body over 4096 bytes (multi-byte characters count as bytes)",
            directPolicy(200, "é".repeat(2049)),
            null,
            "DirectResponsePolicy: " + field + ".body: longer than 4096 bytes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("directs")
  void directResponse(DirectCase c) {
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    DirectResponse got = RouteActions.directResponse(c.policy(), "spec.routes[0]", errors);
    assertThat(got).isEqualTo(c.expected());
    assertThat(errors.stream().map(e -> e.reason() + ": " + e.message()).toList())
        .isEqualTo(c.error() == null ? List.of() : List.of(c.error()));
  }

  private static ProxyCompiler.Result compile(HTTPProxy... proxies) {
    return new ProxyCompiler("gantry")
        .compile(List.of(proxies), ProxyCompilerTest.SNAPSHOT, Map.of());
  }

  private static List<String> reasons(ProxyCompiler.Result result) {
    return result.verdicts().get(0).errors().stream()
        .map(e -> e.type() + "/" + e.reason())
        .toList();
  }

  private static Route envoyRoute(ProxyCompiler.Result result) {
    return RouteTranslator.translate(result.table()).getVirtualHosts(0).getRoutes(0);
  }

  @Test
  void aMirrorGetsCopiesAndIsNotAWeightedCluster() {
    ProxyCompiler.Result result =
        compile(
            proxy("demo/a")
                .fqdn("a.example.com")
                .route("/", "kuard", 80, null, "east-kuard", 80, null)
                .lastRoute(r -> r.getServices().get(1).setMirror(true))
                .build());
    assertThat(reasons(result)).isEmpty();
    RoutingTable.Route route = result.table().virtualHosts().get(0).routes().get(0);
    assertThat(route.clusters())
        .extracting(WeightedCluster::cluster)
        .containsExactly(ProxyCompilerTest.KUARD);
    assertThat(route.actions().mirrorCluster()).isEqualTo(ProxyCompilerTest.EAST_KUARD);
    assertThat(result.table().upstreams()).containsKey(ProxyCompilerTest.EAST_KUARD);
    Route envoy = envoyRoute(result);
    assertThat(envoy.getRoute().getCluster()).isEqualTo(ProxyCompilerTest.KUARD);
    assertThat(envoy.getRoute().getRequestMirrorPoliciesList())
        .containsExactly(
            Route.newBuilder()
                .getRouteBuilder()
                .addRequestMirrorPoliciesBuilder()
                .setCluster(ProxyCompilerTest.EAST_KUARD)
                .setRuntimeFraction(
                    io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent.newBuilder()
                        .setDefaultValue(
                            io.envoyproxy.envoy.type.v3.FractionalPercent.newBuilder()
                                .setNumerator(100)
                                .setDenominator(
                                    io.envoyproxy.envoy.type.v3.FractionalPercent.DenominatorType
                                        .HUNDRED)))
                .build());
  }

  /** A mirror's weight and the percentage of requests copied to it, as Contour reads it. */
  @org.junit.jupiter.params.ParameterizedTest(name = "weight {0}: {1} %")
  @org.junit.jupiter.params.provider.CsvSource({
    "'', 100",
    "0, 100",
    "1, 1",
    "50, 50",
    "100, 100",
    "250, 100"
  })
  void aMirrorsWeightIsThePercentageOfRequestsCopied(String weight, int percent) {
    ProxyCompiler.Result result =
        compile(
            proxy("demo/a")
                .fqdn("a.example.com")
                .route(
                    "/",
                    "kuard",
                    80,
                    null,
                    "east-kuard",
                    80,
                    weight.isEmpty() ? null : Long.valueOf(weight))
                .lastRoute(r -> r.getServices().get(1).setMirror(true))
                .build());
    assertThat(reasons(result)).isEmpty();
    assertThat(result.table().virtualHosts().get(0).routes().get(0).actions().mirrorPercent())
        .isEqualTo(percent);
    assertThat(
            envoyRoute(result)
                .getRoute()
                .getRequestMirrorPolicies(0)
                .getRuntimeFraction()
                .getDefaultValue())
        .isEqualTo(
            io.envoyproxy.envoy.type.v3.FractionalPercent.newBuilder()
                .setNumerator(percent)
                .setDenominator(
                    io.envoyproxy.envoy.type.v3.FractionalPercent.DenominatorType.HUNDRED)
                .build());
  }

  @Test
  void aMirrorsWeightDoesNotMakeTheOthersWeighted() {
    ProxyCompiler.Result result =
        compile(
            proxy("demo/a")
                .fqdn("a.example.com")
                .route("/", "kuard", 80, null, "web", 80, null, "east-kuard", 80, 50)
                .lastRoute(r -> r.getServices().get(2).setMirror(true))
                .build());
    assertThat(result.table().virtualHosts().get(0).routes().get(0).clusters())
        .extracting(WeightedCluster::weight)
        .containsExactly(1L, 1L);
  }

  @Test
  void twoMirrorsAreRefused() {
    ProxyCompiler.Result result =
        compile(
            proxy("demo/a")
                .fqdn("a.example.com")
                .route("/", "kuard", 80, null, "east-kuard", 80, null, "west-kuard", 80, null)
                .lastRoute(
                    r -> {
                      r.getServices().get(1).setMirror(true);
                      r.getServices().get(2).setMirror(true);
                    })
                .build());
    assertThat(reasons(result)).containsExactly("ServiceError/OnlyOneMirror");
    assertThat(result.table().virtualHosts()).isEmpty();
  }

  @Test
  void aRouteWithOnlyAMirrorAnswers503Itself() {
    ProxyCompiler.Result result =
        compile(
            proxy("demo/a")
                .fqdn("a.example.com")
                .route("/", "east-kuard", 80, null)
                .lastRoute(r -> r.getServices().get(0).setMirror(true))
                .build());
    assertThat(reasons(result)).isEmpty();
    assertThat(envoyRoute(result).getDirectResponse().getStatus()).isEqualTo(503);
  }

  @Test
  void servicesAndARedirectAreRefused() {
    ProxyCompiler.Result result =
        compile(
            proxy("demo/a")
                .fqdn("a.example.com")
                .route("/", "kuard", 80, null)
                .lastRoute(
                    r ->
                        r.setRequestRedirectPolicy(
                            redirectPolicy("https", null, null, null, null, null)))
                .build());
    assertThat(reasons(result)).containsExactly("RouteError/RouteActionCountNotValid");
  }

  @Test
  void aRedirectAndADirectResponseAreRefused() {
    ProxyCompiler.Result result =
        compile(
            proxy("demo/a")
                .fqdn("a.example.com")
                .route("/")
                .lastRoute(
                    r -> {
                      r.setRequestRedirectPolicy(
                          redirectPolicy("https", null, null, null, null, null));
                      r.setDirectResponsePolicy(directPolicy(200, null));
                    })
                .build());
    assertThat(reasons(result)).containsExactly("RouteError/RouteActionCountNotValid");
  }

  @Test
  void redirectsAndDirectResponsesNeedNoServicesAndReachEnvoy() {
    ProxyCompiler.Result result =
        compile(
            proxy("demo/a")
                .fqdn("a.example.com")
                .route("/old")
                .lastRoute(
                    r ->
                        r.setRequestRedirectPolicy(
                            redirectPolicy("https", "new.example.com", 8443, 302, null, "/new")))
                .route("/gone")
                .lastRoute(r -> r.setDirectResponsePolicy(directPolicy(410, "gone")))
                .build());
    assertThat(reasons(result)).isEmpty();
    assertThat(result.table().upstreams()).isEmpty();
    List<Route> routes =
        RouteTranslator.translate(result.table()).getVirtualHosts(0).getRoutesList();
    Route gone =
        routes.stream()
            .filter(r -> r.getMatch().getPrefix().equals("/gone"))
            .findFirst()
            .orElseThrow();
    assertThat(gone.getDirectResponse().getStatus()).isEqualTo(410);
    assertThat(gone.getDirectResponse().getBody().getInlineString()).isEqualTo("gone");
    Route old =
        routes.stream()
            .filter(r -> r.getMatch().getPrefix().equals("/old"))
            .findFirst()
            .orElseThrow();
    assertThat(old.getRedirect().getSchemeRedirect()).isEqualTo("https");
    assertThat(old.getRedirect().getHostRedirect()).isEqualTo("new.example.com");
    assertThat(old.getRedirect().getPortRedirect()).isEqualTo(8443);
    assertThat(old.getRedirect().getPrefixRewrite()).isEqualTo("/new");
    assertThat(old.getRedirect().getResponseCode())
        .isEqualTo(RedirectAction.RedirectResponseCode.FOUND);
  }

  @Test
  void websocketsAreAnUpgradeOfTheRouteOnly() {
    ProxyCompiler.Result result =
        compile(
            proxy("demo/a")
                .fqdn("a.example.com")
                .route("/ws", "kuard", 80, null)
                .lastRoute(r -> r.setEnableWebsockets(true))
                .route("/", "kuard", 80, null)
                .build());
    List<Route> routes =
        RouteTranslator.translate(result.table()).getVirtualHosts(0).getRoutesList();
    assertThat(routes.get(0).getMatch().getPrefix()).isEqualTo("/ws");
    assertThat(routes.get(0).getRoute().getUpgradeConfigsList())
        .extracting(u -> u.getUpgradeType())
        .containsExactly("websocket");
    assertThat(routes.get(1).getRoute().getUpgradeConfigsList()).isEmpty();
  }
}
