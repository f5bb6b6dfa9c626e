package dev.gantry.xds.compile.httpproxy;

import static dev.gantry.xds.Fixtures.exact;
import static dev.gantry.xds.Fixtures.header;
import static dev.gantry.xds.Fixtures.prefix;
import static dev.gantry.xds.Fixtures.query;
import static dev.gantry.xds.Fixtures.regex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable.HeaderMatch;
import dev.gantry.xds.ir.RoutingTable.Match;
import dev.gantry.xds.ir.RoutingTable.PathKind;
import dev.gantry.xds.ir.RoutingTable.QueryMatch;
import dev.gantry.xds.ir.RoutingTable.ValueKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MatchConditionsTest {

  record Valid(String name, List<HTTPProxySpec.MatchCondition> conditions, Match expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Valid> valid() {
    return Stream.of(
        new Valid("no conditions: prefix /", List.of(), Match.prefix("/")),
        new Valid("prefix", List.of(prefix("/api")), Match.prefix("/api")),
        new Valid(
            "exact",
            List.of(exact("/healthz")),
            new Match(PathKind.EXACT, "/healthz", List.of(), List.of())),
        new Valid(
            "regex",
            List.of(regex("/v[0-9]+/.*")),
            new Match(PathKind.REGEX, "/v[0-9]+/.*", List.of(), List.of())),
        new Valid(
            "header present and notpresent",
            List.of(
                header("X-Canary", h -> h.setPresent(true)),
                header("x-debug", h -> h.setNotpresent(true))),
            new Match(
                PathKind.PREFIX,
                "/",
                List.of(
                    new HeaderMatch("x-canary", ValueKind.PRESENT, null, false, false),
                    new HeaderMatch("x-debug", ValueKind.PRESENT, null, false, true)),
                List.of())),
        new Valid(
            "header exact with ignoreCase, notexact, contains, notcontains, regex",
            List.of(
                prefix("/app"),
                header(
                    "user-agent",
                    h -> {
                      h.setExact("Firefox");
                      h.setIgnoreCase(true);
                    }),
                header("x-env", h -> h.setNotexact("prod")),
                header("accept", h -> h.setContains("json")),
                header("cookie", h -> h.setNotcontains("beta")),
                header("x-id", h -> h.setRegex("[a-f0-9]{8}"))),
            new Match(
                PathKind.PREFIX,
                "/app",
                List.of(
                    new HeaderMatch("accept", ValueKind.CONTAINS, "json", false, false),
                    new HeaderMatch("cookie", ValueKind.CONTAINS, "beta", false, true),
                    new HeaderMatch("user-agent", ValueKind.EXACT, "Firefox", true, false),
                    new HeaderMatch("x-env", ValueKind.EXACT, "prod", false, true),
                    new HeaderMatch("x-id", ValueKind.REGEX, "[a-f0-9]{8}", false, false)),
                List.of())),
        new Valid(
            "treatMissingAsEmpty on notexact and notcontains",
            List.of(
                header(
                    "x-env",
                    h -> {
                      h.setNotexact("prod");
                      h.setTreatMissingAsEmpty(true);
                    }),
                header(
                    "cookie",
                    h -> {
                      h.setNotcontains("beta");
                      h.setTreatMissingAsEmpty(true);
                    })),
            new Match(
                PathKind.PREFIX,
                "/",
                List.of(
                    new HeaderMatch("cookie", ValueKind.CONTAINS, "beta", false, true, true),
                    new HeaderMatch("x-env", ValueKind.EXACT, "prod", false, true, true)),
                List.of())),
        new Valid(
            "every query parameter kind",
            List.of(
                query("a", q -> q.setExact("1")),
                query(
                    "b",
                    q -> {
                      q.setPrefix("Pre");
                      q.setIgnoreCase(true);
                    }),
                query("c", q -> q.setSuffix("end")),
                query("d", q -> q.setRegex("x+")),
                query("e", q -> q.setContains("mid")),
                query("f", q -> q.setPresent(true))),
            new Match(
                PathKind.PREFIX,
                "/",
                List.of(),
                List.of(
                    new QueryMatch("a", ValueKind.EXACT, "1", false),
                    new QueryMatch("b", ValueKind.PREFIX, "Pre", true),
                    new QueryMatch("c", ValueKind.SUFFIX, "end", false),
                    new QueryMatch("d", ValueKind.REGEX, "x+", false),
                    new QueryMatch("e", ValueKind.CONTAINS, "mid", false),
                    new QueryMatch("f", ValueKind.PRESENT, null, false)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void parsesValidConditions(Valid c) {
    List<ProxyVerdict.Error> errors = new ArrayList<>();

    Match match = MatchConditions.parse(c.conditions(), "spec.routes[0]").orReport(errors);

    assertThat(errors).isEmpty();
    assertThat(match).isEqualTo(c.expected());
  }

  record Invalid(
      String name, List<HTTPProxySpec.MatchCondition> conditions, String reason, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Invalid> invalid() {
    HTTPProxySpec.MatchCondition both = prefix("/a");
    both.setExact("/a");
    return Stream.of(
        new Invalid(
            "empty condition",
            List.of(new HTTPProxySpec.MatchCondition()),
            MatchConditions.PATH,
            "is empty"),
        new Invalid(
            "null condition",
            Arrays.asList((HTTPProxySpec.MatchCondition) null),
            MatchConditions.PATH,
            "is empty"),
        new Invalid(
            "prefix and exact in one condition",
            List.of(both),
            MatchConditions.PATH,
            "more than one of"),
        new Invalid(
            "prefix then exact",
            List.of(prefix("/a"), exact("/b")),
            MatchConditions.PATH,
            "more than one path condition"),
        new Invalid(
            "exact without /",
            List.of(exact("healthz")),
            MatchConditions.PATH,
            "must start with /"),
        new Invalid(
            "regex that does not compile",
            List.of(regex("/v(1")),
            MatchConditions.PATH,
            "is not valid"),
        new Invalid(
            "regex with lookahead (not RE2)",
            List.of(regex("/(?=admin).*")),
            MatchConditions.PATH,
            "RE2"),
        new Invalid(
            "regex with a backreference", List.of(regex("/(a)\\1")), MatchConditions.PATH, "RE2"),
        new Invalid("empty regex", List.of(regex("")), MatchConditions.PATH, "is empty"),
        new Invalid(
            "header without name",
            List.of(header(null, h -> h.setPresent(true))),
            MatchConditions.HEADER,
            "name is required"),
        new Invalid(
            "header without a matcher",
            List.of(header("x-a", h -> {})),
            MatchConditions.HEADER,
            "exactly one of"),
        new Invalid(
            "header with two matchers",
            List.of(
                header(
                    "x-a",
                    h -> {
                      h.setExact("1");
                      h.setContains("2");
                    })),
            MatchConditions.HEADER,
            "exactly one of"),
        new Invalid(
            "header present: false only",
            List.of(header("x-a", h -> h.setPresent(false))),
            MatchConditions.HEADER,
            "exactly one of"),
        new Invalid(
            "two exact values for one header",
            List.of(header("x-a", h -> h.setExact("1")), header("X-A", h -> h.setExact("2"))),
            MatchConditions.HEADER,
            "more than one exact condition"),
        new Invalid(
            "exact and notexact of the same value",
            List.of(header("x-a", h -> h.setExact("1")), header("x-a", h -> h.setNotexact("1"))),
            MatchConditions.HEADER,
            "both must and must not equal \"1\""),
        new Invalid(
            "contains and notcontains of the same value",
            List.of(
                header("x-a", h -> h.setContains("z")), header("x-a", h -> h.setNotcontains("z"))),
            MatchConditions.HEADER,
            "both must and must not contain \"z\""),
        new Invalid(
            "present and notpresent",
            List.of(
                header("x-a", h -> h.setPresent(true)), header("x-a", h -> h.setNotpresent(true))),
            MatchConditions.HEADER,
            "both must and must not be present"),
        new Invalid(
            "header regex not RE2",
            List.of(header("x-a", h -> h.setRegex("(?<=a)b"))),
            MatchConditions.HEADER,
            "RE2"),
        new Invalid(
            "query without name",
            List.of(query("", q -> q.setExact("1"))),
            MatchConditions.QUERY,
            "name is required"),
        new Invalid(
            "query without a matcher",
            List.of(query("a", q -> {})),
            MatchConditions.QUERY,
            "exactly one of"),
        new Invalid(
            "two exact values for one query parameter",
            List.of(query("a", q -> q.setExact("1")), query("a", q -> q.setExact("2"))),
            MatchConditions.QUERY,
            "more than one exact condition"),
        new Invalid(
            "query regex that does not compile",
            List.of(query("a", q -> q.setRegex("["))),
            MatchConditions.QUERY,
            "is not valid"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void reportsInvalidConditionsWithTheReasonAndWhere(Invalid c) {
    List<ProxyVerdict.Error> errors = new ArrayList<>();

    Match match = MatchConditions.parse(c.conditions(), "spec.routes[3]").orReport(errors);

    assertThat(match).isNull();
    assertThat(errors).isNotEmpty();
    assertThat(errors.get(0).reason()).isEqualTo(c.reason());
    assertThat(errors.get(0).message()).startsWith("spec.routes[3]").contains(c.message());
  }

  @Test
  void envoyOrderIsExactThenRegexThenLongestPrefixAndMoreConditionsFirst() {
    Match root = Match.prefix("/");
    Match api = Match.prefix("/api");
    Match apiCanary =
        new Match(
            PathKind.PREFIX,
            "/api",
            List.of(new HeaderMatch("x-canary", ValueKind.PRESENT, null, false, false)),
            List.of());
    Match healthz = new Match(PathKind.EXACT, "/healthz", List.of(), List.of());
    Match versioned = new Match(PathKind.REGEX, "/v[0-9]+/.*", List.of(), List.of());

    List<Match> sorted =
        Stream.of(root, api, versioned, apiCanary, healthz)
            .sorted(MatchConditions.ENVOY_ORDER)
            .toList();

    assertThat(sorted).containsExactly(healthz, versioned, apiCanary, api, root);
  }

  @Test
  void pathElementPrefixesSortWithPlainPrefixesLongestFirst() {
    Match root = Match.prefix("/");
    Match fooSegment = new Match(PathKind.SEGMENT_PREFIX, "/foo", List.of(), List.of());
    Match fooBarPlain = Match.prefix("/foo/bar");
    Match fo = Match.prefix("/fo");
    Match exactFoo = new Match(PathKind.EXACT, "/foo", List.of(), List.of());

    List<Match> sorted =
        Stream.of(root, fo, fooSegment, exactFoo, fooBarPlain)
            .sorted(MatchConditions.ENVOY_ORDER)
            .toList();

    // Kubernetes: the longest matching path wins, Exact before Prefix for the same path.
    assertThat(sorted).containsExactly(exactFoo, fooBarPlain, fooSegment, fo, root);
  }
}
