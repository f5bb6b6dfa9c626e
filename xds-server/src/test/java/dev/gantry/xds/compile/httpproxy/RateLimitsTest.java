package dev.gantry.xds.compile.httpproxy;

import static dev.gantry.xds.Fixtures.proxy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.RateLimitPolicy;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.ir.RoutingTable.LocalRateLimit;
import dev.gantry.xds.translate.RouteTranslator;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code rateLimitPolicy.local}, compiled as Contour validates it ({@code RateLimitPolicyNotValid})
 * and as Envoy's local rate limit filter gets it: on the virtual host, a route's own replacing it.
 */
class RateLimitsTest {
  static RateLimitPolicy local(Long requests, String unit, Long burst, Integer status) {
    RateLimitPolicy.Local local = new RateLimitPolicy.Local();
    local.setRequests(requests);
    local.setUnit(unit);
    local.setBurst(burst);
    local.setResponseStatusCode(status);
    RateLimitPolicy policy = new RateLimitPolicy();
    policy.setLocal(local);
    return policy;
  }

  static RateLimitPolicy withHeaders(RateLimitPolicy policy, HTTPProxySpec.HeaderValue... headers) {
    policy.getLocal().setResponseHeadersToAdd(new ArrayList<>(Arrays.asList(headers)));
    return policy;
  }

  record Case(String name, RateLimitPolicy policy, LocalRateLimit expected, List<String> errors) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    String f = "spec.routes[0].rateLimitPolicy.local";
    String e = "RouteError/RateLimitPolicyNotValid: " + f;
    return Stream.of(
        new Case("none", null, null, List.of()),
        new Case(
            "global only: not this step's (GlobalRateLimits')",
            new RateLimitPolicy(),
            null,
            List.of()),
        new Case(
            "the bucket holds the rate plus the burst",
            local(10L, "second", 5L, null),
            new LocalRateLimit(15, 10, Duration.ofSeconds(1), 0, Map.of()),
            List.of()),
        new Case(
            "per hour, 503, headers lower-cased and escaped",
            withHeaders(
                local(1L, "hour", null, 503),
                new HTTPProxySpec.HeaderValue("X-Limited", "100%"),
                new HTTPProxySpec.HeaderValue("Retry-After", "3600")),
            new LocalRateLimit(
                1,
                1,
                Duration.ofHours(1),
                503,
                Map.of("x-limited", "100%%", "retry-after", "3600")),
            List.of()),
        new Case(
            "every bad value is named",
            withHeaders(
                local(0L, "day", -1L, 302),
                new HTTPProxySpec.HeaderValue("bad name", "v"),
                new HTTPProxySpec.HeaderValue("x-a", "1"),
                new HTTPProxySpec.HeaderValue("X-A", "2")),
            null,
            List.of(
                e + ".requests: 0 is not 1 or more",
                e + ".burst: -1 is out of range",
                e + ".unit: \"day\" is not second, minute or hour",
                e
                    + ".responseStatusCode: 302 is not an HTTP error status Envoy knows"
                    + " (400-599)",
                e + ".responseHeadersToAdd[0]: \"bad name\" is not a header name",
                e + ".responseHeadersToAdd[2]: header \"X-A\" is added twice")),
        new Case(
            "nothing given",
            local(null, null, null, null),
            null,
            List.of(
                e + ".requests: null is not 1 or more",
                e + ".unit: (none) is not second, minute or hour")),
        new Case(
            "more than 32 bits, and a status beyond Envoy's list",
            local(1L, "minute", 4_294_967_295L, 599),
            null,
            List.of(
                e + ".burst: 4294967295 is out of range",
                e
                    + ".responseStatusCode: 599 is not an HTTP error status Envoy knows"
                    + " (400-599)")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void parses(Case c) {
    Outcome<Optional<LocalRateLimit>> outcome =
        RateLimits.parse(c.policy(), "spec.routes[0]", true);

    assertThat(outcome.errors().stream().map(x -> x.type() + "/" + x.reason() + ": " + x.message()))
        .containsExactlyElementsOf(c.errors());
    if (c.errors().isEmpty()) {
      assertThat(outcome.value()).isEqualTo(Optional.ofNullable(c.expected()));
    }
  }

  @Test
  void envoyGetsTheBucketOnTheHostAndARoutesOwnOnTheRoute() throws Exception {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry")
            .compile(
                List.of(
                    proxy("demo/a")
                        .fqdn("a.example.com")
                        .spec(
                            s ->
                                s.getVirtualhost()
                                    .setRateLimitPolicy(local(100L, "minute", 10L, null)))
                        .route("/strict", "kuard", 80, null)
                        .lastRoute(r -> r.setRateLimitPolicy(local(1L, "second", null, 503)))
                        .route("/", "kuard", 80, null)
                        .build()),
                ProxyCompilerTest.SNAPSHOT,
                Map.of());
    assertThat(result.verdicts().get(0).currentStatus()).isEqualTo("valid");
    VirtualHost vhost = RouteTranslator.translate(result.table()).getVirtualHosts(0);
    var host =
        vhost
            .getTypedPerFilterConfigOrThrow(RouteTranslator.LOCAL_RATE_LIMIT_FILTER)
            .unpack(
                io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                    .class);
    assertThat(host.getStatPrefix()).isEqualTo("vhost.a.example.com");
    assertThat(host.getTokenBucket().getMaxTokens()).isEqualTo(110);
    assertThat(host.getTokenBucket().getTokensPerFill().getValue()).isEqualTo(100);
    assertThat(host.getTokenBucket().getFillInterval().getSeconds()).isEqualTo(60);
    assertThat(host.getFilterEnforced().getDefaultValue().getNumerator()).isEqualTo(100);
    assertThat(host.hasStatus()).isFalse();
    var strict =
        vhost.getRoutesList().stream()
            .filter(r -> r.getMatch().toString().contains("/strict"))
            .findFirst()
            .orElseThrow()
            .getTypedPerFilterConfigOrThrow(RouteTranslator.LOCAL_RATE_LIMIT_FILTER)
            .unpack(
                io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                    .class);
    assertThat(strict.getTokenBucket().getMaxTokens()).isEqualTo(1);
    assertThat(strict.getStatus().getCodeValue()).isEqualTo(503);
    // Proxyless clients call the backends themselves: no limited route for them.
    assertThat(RouteTranslator.perHost(result.table()).get(0).getVirtualHosts(0).getRoutesList())
        .isEmpty();
  }
}
