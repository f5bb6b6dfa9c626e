package dev.gantry.xds.compile.httpproxy;

import static dev.gantry.xds.Fixtures.proxy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.CORSPolicy;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable.Cors;
import dev.gantry.xds.ir.RoutingTable.OriginMatch;
import dev.gantry.xds.translate.ListenerSettings;
import dev.gantry.xds.translate.ListenerTranslator;
import dev.gantry.xds.translate.RouteTranslator;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CorsPoliciesTest {
  static CORSPolicy policy(List<String> origins, List<String> methods, String maxAge) {
    CORSPolicy p = new CORSPolicy();
    p.setAllowOrigin(origins == null ? null : new ArrayList<>(origins));
    p.setAllowMethods(methods == null ? null : new ArrayList<>(methods));
    p.setMaxAge(maxAge);
    return p;
  }

  record Case(String name, CORSPolicy policy, Cors expected, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    String field = "spec.virtualhost.corsPolicy";
    CORSPolicy full =
        policy(List.of("https://App.example.com", "*"), List.of("GET", "POST"), "10m");
    full.setAllowHeaders(new ArrayList<>(List.of("x-a", "x-b", "x-a")));
    full.setExposeHeaders(new ArrayList<>(List.of("x-total")));
    full.setAllowCredentials(true);
    full.setAllowPrivateNetwork(true);
    return Stream.of(
        new Case("none", null, null, null),
        new Case(
            "everything; * is any origin, repeated headers once",
            full,
            new Cors(
                List.of(
                    new OriginMatch(true, "https://App.example.com"), new OriginMatch(false, ".*")),
                List.of("GET", "POST"),
                List.of("x-a", "x-b"),
                List.of("x-total"),
                600L,
                true,
                true),
            null),
        new Case(
            "a regex origin, maxAge 0s disables caching",
            policy(List.of("https://.*\\.example\\.com"), List.of("GET"), "0s"),
            new Cors(
                List.of(new OriginMatch(false, "https://.*\\.example\\.com")),
                List.of("GET"),
                List.of(),
                List.of(),
                0L,
                false,
                false),
            null),
        new Case(
            "no origins",
            policy(List.of(), List.of("GET"), null),
            null,
            field + ".allowOrigin: at least one origin is required"),
        new Case(
            "an origin that is neither",
            policy(List.of("https://(bad"), List.of("GET"), null),
            null,
            field
                + ".allowOrigin[0]: \"https://(bad\" is neither *, an origin (scheme://host[:port])"
                + " nor a valid regular expression"),
        new Case(
            "no methods",
            policy(List.of("*"), null, null),
            null,
            field + ".allowMethods: at least one method is required"),
        new Case(
            "a method with a space",
            policy(List.of("*"), List.of("GET POST"), null),
            null,
            field + ".allowMethods[0]: \"GET POST\" is not a valid name"),
        new Case(
            "negative maxAge",
            policy(List.of("*"), List.of("GET"), "-1s"),
            null,
            field + ".maxAge: \"-1s\" is not a non-negative duration like 10m or 0s"),
        new Case(
            "maxAge without unit",
            policy(List.of("*"), List.of("GET"), "10"),
            null,
            field + ".maxAge: \"10\" is not a non-negative duration like 10m or 0s"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void parse(Case c) {
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    assertThat(Outcome.orReportAbsent(CorsPolicies.parse(c.policy()), errors))
        .isEqualTo(c.expected());
    assertThat(errors.stream().map(ProxyVerdict.Error::message).toList())
        .isEqualTo(c.error() == null ? List.of() : List.of(c.error()));
    assertThat(errors)
        .allSatisfy(
            e -> assertThat(e.type() + "/" + e.reason()).isEqualTo("CORSError/PolicyDidNotParse"));
  }

  @Test
  void anInvalidPolicyMakesTheProxyInvalid() {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry")
            .compile(
                List.of(
                    proxy("demo/a")
                        .fqdn("a.example.com")
                        .spec(
                            s ->
                                s.getVirtualhost()
                                    .setCorsPolicy(policy(List.of(), List.of("GET"), null)))
                        .route("/", "kuard", 80, null)
                        .build()),
                ProxyCompilerTest.SNAPSHOT,
                Map.of());
    assertThat(result.verdicts().get(0).currentStatus()).isEqualTo("invalid");
    assertThat(result.table().virtualHosts()).isEmpty();
  }

  @Test
  void envoyGetsThePolicyOnTheVirtualHostAndTheFilterBeforeTheRouter() throws Exception {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry")
            .compile(
                List.of(
                    proxy("demo/a")
                        .fqdn("a.example.com")
                        .spec(
                            s ->
                                s.getVirtualhost()
                                    .setCorsPolicy(
                                        policy(
                                            Arrays.asList("https://app.example.com"),
                                            List.of("GET", "PUT"),
                                            "1m")))
                        .route("/", "kuard", 80, null)
                        .build()),
                ProxyCompilerTest.SNAPSHOT,
                Map.of());
    VirtualHost vhost = RouteTranslator.translate(result.table()).getVirtualHosts(0);
    CorsPolicy cors =
        vhost.getTypedPerFilterConfigOrThrow(RouteTranslator.CORS_FILTER).unpack(CorsPolicy.class);
    assertThat(cors.getAllowMethods()).isEqualTo("GET,PUT");
    assertThat(cors.getMaxAge()).isEqualTo("60");
    assertThat(cors.getAllowOriginStringMatch(0).getExact()).isEqualTo("https://app.example.com");
    assertThat(cors.getAllowOriginStringMatch(0).getIgnoreCase()).isTrue();
    // Proxyless gRPC clients do not get it.
    assertThat(
            RouteTranslator.perHost(result.table())
                .get(0)
                .getVirtualHosts(0)
                .getTypedPerFilterConfigMap())
        .isEmpty();
    HttpConnectionManager hcm =
        ListenerTranslator.translate("127.0.0.1", 8080, ListenerSettings.contour())
            .get(0)
            .getFilterChains(0)
            .getFilters(0)
            .getTypedConfig()
            .unpack(HttpConnectionManager.class);
    assertThat(hcm.getHttpFiltersList())
        .extracting(f -> f.getName())
        .containsExactly(
            "envoy.filters.http.cors",
            "envoy.filters.http.local_ratelimit",
            "envoy.filters.http.rbac",
            "gantry.cookie_rewrite",
            "envoy.filters.http.router");
  }
}
