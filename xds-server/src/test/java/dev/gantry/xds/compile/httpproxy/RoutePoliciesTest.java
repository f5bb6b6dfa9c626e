package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.ir.HeaderPolicy;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable.Match;
import dev.gantry.xds.ir.RoutingTable.PathKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RoutePoliciesTest {

  static HTTPProxySpec.HeadersPolicy policy(List<String[]> set, String... remove) {
    HTTPProxySpec.HeadersPolicy p = new HTTPProxySpec.HeadersPolicy();
    p.setSet(
        new ArrayList<>(set.stream().map(h -> new HTTPProxySpec.HeaderValue(h[0], h[1])).toList()));
    p.setRemove(new ArrayList<>(Arrays.asList(remove)));
    return p;
  }

  record HeadersCase(
      String name,
      HTTPProxySpec.HeadersPolicy policy,
      boolean response,
      HeaderPolicy expected,
      String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<HeadersCase> headers() {
    return Stream.of(
        new HeadersCase("no policy", null, false, HeaderPolicy.NONE, null),
        new HeadersCase(
            "set and remove, names lower-cased and sorted",
            policy(
                List.of(new String[] {"X-B", "2"}, new String[] {"x-a", "1"}), "X-Secret", "x-old"),
            false,
            new HeaderPolicy(Map.of("x-a", "1", "x-b", "2"), List.of("x-old", "x-secret")),
            null),
        new HeadersCase(
            "a missing value sets an empty one",
            policy(List.<String[]>of(new String[] {"x-empty", null})),
            true,
            new HeaderPolicy(Map.of("x-empty", ""), List.of()),
            null),
        new HeadersCase(
            "duplicate set",
            policy(List.of(new String[] {"x-a", "1"}, new String[] {"X-A", "2"})),
            false,
            null,
            "RequestHeadersPolicyInvalid: spec.routes[0].requestHeadersPolicy.set[1]: duplicate header \"X-A\""),
        new HeadersCase(
            "invalid name",
            policy(List.<String[]>of(new String[] {"bad header", "1"})),
            true,
            null,
            "ResponseHeadersPolicyInvalid: spec.routes[0].responseHeadersPolicy.set[0]: \"bad header\" is not a valid header name"),
        new HeadersCase(
            "empty name to remove",
            policy(List.of(), ""),
            false,
            null,
            "RequestHeadersPolicyInvalid: spec.routes[0].requestHeadersPolicy.remove[0]: header name is empty"),
        new HeadersCase(
            "set and removed",
            policy(List.<String[]>of(new String[] {"x-a", "1"}), "x-a"),
            false,
            null,
            "RequestHeadersPolicyInvalid: spec.routes[0].requestHeadersPolicy.remove[0]: \"x-a\" is both set and removed"),
        new HeadersCase(
            "Host on requests: a rewrite of the authority",
            policy(List.<String[]>of(new String[] {"Host", "other.example.com"})),
            false,
            new HeaderPolicy(Map.of("host", "other.example.com"), List.of()),
            null),
        new HeadersCase(
            "Host on responses",
            policy(List.<String[]>of(new String[] {"Host", "other.example.com"})),
            true,
            null,
            "ResponseHeadersPolicyInvalid: spec.routes[0].responseHeadersPolicy.set[0]: the Host header cannot be set on responses"),
        new HeadersCase(
            "Host without a value",
            policy(List.<String[]>of(new String[] {"Host", " "})),
            false,
            null,
            "RequestHeadersPolicyInvalid: spec.routes[0].requestHeadersPolicy.set[0]: the Host header needs a value"),
        new HeadersCase(
            "removing Host",
            policy(List.of(), "host"),
            false,
            null,
            "RequestHeadersPolicyInvalid: spec.routes[0].requestHeadersPolicy.remove[0]: the Host header cannot be removed"),
        new HeadersCase(
            "pseudo-header",
            policy(List.<String[]>of(new String[] {":path", "/x"})),
            false,
            null,
            "RequestHeadersPolicyInvalid: spec.routes[0].requestHeadersPolicy.set[0]: \":path\" is not a valid header name"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("headers")
  void headerPolicies(HeadersCase c) {
    List<ProxyVerdict.Error> errors = new ArrayList<>();

    Outcome<HeaderPolicy> outcome =
        RoutePolicies.headers(c.policy(), c.response(), "spec.routes[0]");
    errors.addAll(outcome.errors());
    // An invalid policy is left out of the route.
    HeaderPolicy result = outcome.ok() ? outcome.value() : HeaderPolicy.NONE;

    if (c.error() == null) {
      assertThat(errors).isEmpty();
      assertThat(result).isEqualTo(c.expected());
    } else {
      assertThat(errors)
          .extracting(e -> e.reason() + ": " + e.message())
          .containsExactly(c.error());
      assertThat(result).isEqualTo(HeaderPolicy.NONE);
    }
  }

  static HTTPProxySpec.PathRewritePolicy rewrite(String... prefixAndReplacement) {
    HTTPProxySpec.PathRewritePolicy p = new HTTPProxySpec.PathRewritePolicy();
    for (int i = 0; i < prefixAndReplacement.length; i += 2) {
      p.getReplacePrefix()
          .add(
              new HTTPProxySpec.ReplacePrefix(
                  prefixAndReplacement[i], prefixAndReplacement[i + 1]));
    }
    return p;
  }

  record RewriteCase(
      String name,
      HTTPProxySpec.PathRewritePolicy policy,
      Match match,
      String expected,
      String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<RewriteCase> rewrites() {
    Match api = Match.prefix("/api");
    return Stream.of(
        new RewriteCase("none", null, api, null, null),
        new RewriteCase("any prefix", rewrite(null, "/"), api, "/", null),
        new RewriteCase(
            "the route's prefix wins over any",
            rewrite("", "/v0", "/api", "/v1"),
            api,
            "/v1",
            null),
        new RewriteCase(
            "no entry for the route's prefix",
            rewrite("/other", "/x"),
            api,
            null,
            "PathRewritePolicyNotValid: spec.routes[0].pathRewritePolicy.replacePrefix: no entry matches the route's prefix \"/api\""),
        new RewriteCase(
            "empty replacement",
            rewrite("/api", ""),
            api,
            null,
            "PathRewritePolicyNotValid: spec.routes[0].pathRewritePolicy.replacePrefix[0]: replacement is empty"),
        new RewriteCase(
            "same prefix twice",
            rewrite("/api", "/a", "/api", "/b"),
            api,
            null,
            "PathRewritePolicyNotValid: spec.routes[0].pathRewritePolicy.replacePrefix[1]: prefix \"/api\" is given twice"),
        new RewriteCase(
            "exact path route",
            rewrite("", "/"),
            new Match(PathKind.EXACT, "/api", List.of(), List.of()),
            null,
            "PathRewritePolicyNotValid: spec.routes[0].pathRewritePolicy.replacePrefix: only routes with a prefix condition can replace it"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rewrites")
  void pathRewrites(RewriteCase c) {
    List<ProxyVerdict.Error> errors = new ArrayList<>();

    String result = RoutePolicies.prefixRewrite(c.policy(), c.match(), "spec.routes[0]", errors);

    assertThat(result).isEqualTo(c.expected());
    assertThat(errors)
        .extracting(e -> e.reason() + ": " + e.message())
        .containsExactlyElementsOf(c.error() == null ? List.of() : List.of(c.error()));
  }
}
