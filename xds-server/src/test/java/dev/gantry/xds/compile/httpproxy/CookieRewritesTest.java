package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.xds.ir.CookieRewrite;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code cookieRewritePolicies} of a route and of its services, read as Contour reads them: the
 * rules as written, or {@code RouteError}/{@code CookieRewritePoliciesInvalid} (for both places)
 * with Contour's messages, and the values Contour's CRD admits.
 */
class CookieRewritesTest {
  record Case(
      String name,
      String routePolicies,
      String servicePolicies,
      List<CookieRewrite> route,
      List<CookieRewrite> service,
      String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String INVALID = "RouteError/CookieRewritePoliciesInvalid: ";

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "every attribute on the route, one on the service",
            "[{name: session, pathRewrite: {value: /app}, domainRewrite: {value: a.example.com},"
                + " secure: true, sameSite: Strict}]",
            "[{name: session, secure: false}, {name: other, sameSite: None}]",
            List.of(new CookieRewrite("session", "/app", "a.example.com", true, "Strict")),
            List.of(
                new CookieRewrite("session", null, null, false, null),
                new CookieRewrite("other", null, null, null, "None")),
            null),
        new Case("none", null, null, List.of(), List.of(), null),
        new Case(
            "a cookie twice",
            "[{name: a, secure: true}, {name: a, sameSite: Lax}]",
            null,
            null,
            null,
            INVALID
                + "spec.routes[0].cookieRewritePolicies[1]: duplicate cookie rewrite rule for"
                + " cookie \"a\" on route cookie rewrite rules"),
        new Case(
            "nothing rewritten, on a service",
            null,
            "[{name: a}]",
            null,
            null,
            INVALID
                + "spec.routes[0].services[0].cookieRewritePolicies[0]: no attributes rewritten"
                + " for cookie \"a\" on service cookie rewrite rules"),
        new Case(
            "a name that is not a token",
            "[{name: \"a b\", secure: true}]",
            null,
            null,
            null,
            INVALID
                + "spec.routes[0].cookieRewritePolicies[0]: cookie name \"a b\" is not a cookie"
                + " name on route cookie rewrite rules"),
        new Case(
            "a path with a semicolon",
            "[{name: a, pathRewrite: {value: \"/x; Domain=evil\"}}]",
            null,
            null,
            null,
            INVALID
                + "spec.routes[0].cookieRewritePolicies[0]: pathRewrite.value \"/x; Domain=evil\""
                + " must be 1-4096 characters without ';' or control characters on route cookie"
                + " rewrite rules"),
        new Case(
            "a domain in upper case",
            "[{name: a, domainRewrite: {value: A.example.com}}]",
            null,
            null,
            null,
            INVALID
                + "spec.routes[0].cookieRewritePolicies[0]: domainRewrite.value \"A.example.com\""
                + " is not a lower-case DNS name on route cookie rewrite rules"),
        new Case(
            "sameSite lower case",
            "[{name: a, sameSite: lax}]",
            null,
            null,
            null,
            INVALID
                + "spec.routes[0].cookieRewritePolicies[0]: sameSite \"lax\" is not Strict, Lax"
                + " or None on route cookie rewrite rules"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void readsAsContour(Case c) {
    String service =
        "{name: kuard, port: 80"
            + (c.servicePolicies() == null ? "" : ", cookieRewritePolicies: " + c.servicePolicies())
            + "}";
    String route =
        "- services: ["
            + service
            + "]\n"
            + (c.routePolicies() == null ? "" : "  cookieRewritePolicies: " + c.routePolicies());
    HTTPProxy proxy =
        Serialization.unmarshal(
            "apiVersion: projectcontour.io/v1\nkind: HTTPProxy\n"
                + "metadata: {name: p, namespace: demo}\n"
                + "spec:\n  ingressClassName: gantry\n  virtualhost: {fqdn: a.test}\n  routes:\n"
                + route.indent(2),
            HTTPProxy.class);

    ProxyCompiler.Result result =
        new ProxyCompiler("gantry").compile(List.of(proxy), ProxyCompilerTest.SNAPSHOT, Map.of());

    ProxyVerdict verdict = result.verdicts().get(0);
    assertThat(verdict.errors())
        .extracting(e -> e.type() + "/" + e.reason() + ": " + e.message())
        .isEqualTo(c.error() == null ? List.of() : List.of(c.error()));
    assertThat(verdict.warnings()).isEmpty();
    if (c.error() != null) {
      assertThat(result.table().virtualHosts()).isEmpty();
      return;
    }
    RoutingTable.Route compiled = result.table().virtualHosts().get(0).routes().get(0);
    assertThat(compiled.cookieRewrites()).isEqualTo(c.route());
    assertThat(compiled.clusters())
        .singleElement()
        .satisfies(cluster -> assertThat(cluster.cookieRewrites()).isEqualTo(c.service()));
  }
}
