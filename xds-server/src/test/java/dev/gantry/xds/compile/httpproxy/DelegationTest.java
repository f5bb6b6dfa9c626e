package dev.gantry.xds.compile.httpproxy;

import static dev.gantry.xds.Fixtures.proxy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.Include;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.Fixtures.ProxyBuilder;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Includes: which routes each root ends up with, and each proxy's status. */
class DelegationTest {
  /** The compiler tests' services, and {@code web} in namespace {@code blog} too. */
  static final FederationSnapshot SNAPSHOT;

  static {
    FederatedService blogWeb =
        Fixtures.service("blog/web")
            .port("http", 80)
            .cluster("east", 0, 1, "http", "10.0.0.9:8080")
            .build();
    Map<ServiceName, FederatedService> federated =
        new java.util.HashMap<>(ProxyCompilerTest.SNAPSHOT.federated());
    federated.put(blogWeb.name(), blogWeb);
    SNAPSHOT = new FederationSnapshot(federated, ProxyCompilerTest.SNAPSHOT.hubServices());
  }

  static Include include(String target, HTTPProxySpec.MatchCondition... conditions) {
    Include i = new Include();
    int slash = target.indexOf('/');
    i.setNamespace(slash < 0 ? null : target.substring(0, slash));
    i.setName(target.substring(slash + 1));
    i.setConditions(new ArrayList<>(Arrays.asList(conditions)));
    return i;
  }

  static ProxyBuilder root(String key, Include... includes) {
    return proxy(key)
        .fqdn("www.example.com")
        .spec(s -> s.setIncludes(new ArrayList<>(Arrays.asList(includes))));
  }

  static ProxyBuilder child(String key, Include... includes) {
    return proxy(key).spec(s -> s.setIncludes(new ArrayList<>(Arrays.asList(includes))));
  }

  static HTTPProxySpec.MatchCondition header(String name, String exact) {
    return Fixtures.header(name, h -> h.setExact(exact));
  }

  /**
   * A case: the proxies, the routes of www.example.com as "match -> target" (target: the first
   * cluster's service, or "direct NNN"), and each proxy's "status[: type/reason, ...]".
   */
  record Case(
      String name, List<HTTPProxy> proxies, List<String> routes, Map<String, String> status) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case of(String name, List<ProxyBuilder> proxies, List<String> routes, String... status) {
    Map<String, String> expected = new TreeMap<>();
    for (int i = 0; i < status.length; i += 2) {
      expected.put(status[i], status[i + 1]);
    }
    return new Case(name, proxies.stream().map(ProxyBuilder::build).toList(), routes, expected);
  }

  static Stream<Case> cases() {
    return Stream.of(
        of(
            "a child in another namespace serves under the include's prefix",
            List.of(
                root("demo/root", include("blog/posts", Fixtures.prefix("/blog")))
                    .route("/", "kuard", 80, null),
                child("blog/posts").route("/", "web", 80, null).route("/feed", "web", 80, null)),
            List.of("PREFIX /blog/feed -> web", "PREFIX /blog/ -> web", "PREFIX / -> kuard"),
            "demo/root",
            "valid",
            "blog/posts",
            "valid"),
        of(
            "a child without a / route: the include's prefix alone",
            List.of(
                root("demo/root", include("posts", Fixtures.prefix("/blog/"))),
                child("demo/posts").route(null, "web", 80, null)),
            List.of("PREFIX /blog/ -> web"),
            "demo/root",
            "valid",
            "demo/posts",
            "valid"),
        of(
            "headers of the include join the child's conditions",
            List.of(
                root("demo/root", include("beta", header("x-beta", "1")))
                    .route("/", "kuard", 80, null),
                child("demo/beta").route("/", "web", 80, null)),
            List.of("PREFIX / [x-beta=1] -> web", "PREFIX / -> kuard"),
            "demo/root",
            "valid",
            "demo/beta",
            "valid"),
        of(
            "includes chain, prefixes join",
            List.of(
                root("demo/root", include("a", Fixtures.prefix("/a"))),
                child("demo/a", include("b", Fixtures.prefix("/b"))),
                child("demo/b").route("/x", "web", 80, null)),
            List.of("PREFIX /a/b/x -> web"),
            "demo/root",
            "valid",
            "demo/a",
            "valid",
            "demo/b",
            "valid"),
        of(
            "exact and regex routes of a child get the prefix; the regex takes it literally",
            List.of(
                root("demo/root", include("a", Fixtures.prefix("/v1.0"))),
                child("demo/a")
                    .routeWhen(List.of(Fixtures.exact("/health")), "web", 80, null)
                    .routeWhen(List.of(Fixtures.regex("/items/[0-9]+")), "web", 80, null)),
            List.of("EXACT /v1.0/health -> web", "REGEX /v1\\.0/items/[0-9]+ -> web"),
            "demo/root",
            "valid",
            "demo/a",
            "valid"),
        of(
            "a missing include: the root is invalid, serves its routes and answers 502 for the include",
            List.of(
                root("demo/root", include("gone", Fixtures.prefix("/gone")))
                    .route("/", "kuard", 80, null)),
            List.of("PREFIX /gone -> direct 502", "PREFIX / -> kuard"),
            "demo/root",
            "invalid: IncludeError/IncludeNotFound"),
        of(
            "a missing include without conditions adds no route",
            List.of(root("demo/root", include("gone")).route("/", "kuard", 80, null)),
            List.of("PREFIX / -> kuard"),
            "demo/root",
            "invalid: IncludeError/IncludeNotFound"),
        of(
            "a root including a root",
            List.of(
                root("demo/root", include("other", Fixtures.prefix("/o")))
                    .route("/", "kuard", 80, null),
                proxy("demo/other").fqdn("other.example.com").route("/", "web", 80, null)),
            List.of("PREFIX /o -> direct 502", "PREFIX / -> kuard"),
            "demo/root",
            "invalid: IncludeError/RootIncludesRoot",
            "demo/other",
            "valid"),
        of(
            "a cycle is reported on the proxy it returns to, the rest serves",
            List.of(
                root("demo/root", include("a", Fixtures.prefix("/a"))),
                child("demo/a", include("b", Fixtures.prefix("/b"))).route("/", "web", 80, null),
                child("demo/b", include("a", Fixtures.prefix("/c"))).route("/", "kuard", 80, null)),
            List.of("PREFIX /a/b/ -> kuard", "PREFIX /a/ -> web"),
            "demo/root",
            "valid",
            "demo/a",
            "invalid: IncludeError/IncludeCreatesCycle",
            "demo/b",
            "valid"),
        of(
            "a proxy without fqdn that nothing includes is orphaned",
            List.of(
                root("demo/root").route("/", "kuard", 80, null),
                child("demo/lonely").route("/", "web", 80, null)),
            List.of("PREFIX / -> kuard"),
            "demo/root",
            "valid",
            "demo/lonely",
            "orphaned: Orphaned/Orphaned"),
        of(
            "an invalid child drops its own routes only",
            List.of(
                root("demo/root", include("bad", Fixtures.prefix("/bad")))
                    .route("/", "kuard", 80, null),
                child("demo/bad").route("/", "nope", 80, null)),
            List.of("PREFIX / -> kuard"),
            "demo/root",
            "valid",
            "demo/bad",
            "invalid: ServiceError/ServiceUnresolvedReference"),
        of(
            "exact path in an include",
            List.of(
                root("demo/root", include("a", Fixtures.exact("/a"))).route("/", "kuard", 80, null),
                child("demo/a").route("/", "web", 80, null)),
            List.of("PREFIX / -> kuard"),
            "demo/root",
            "invalid: IncludeError/PathMatchConditionsNotValid",
            "demo/a",
            "orphaned: Orphaned/Orphaned"),
        of(
            "two prefixes in an include",
            List.of(
                root("demo/root", include("a", Fixtures.prefix("/a"), Fixtures.prefix("/b")))
                    .route("/", "kuard", 80, null),
                child("demo/a").route("/", "web", 80, null)),
            List.of("PREFIX / -> kuard"),
            "demo/root",
            "invalid: IncludeError/PathMatchConditionsNotValid",
            "demo/a",
            "orphaned: Orphaned/Orphaned"),
        of(
            "two includes with the same conditions",
            List.of(
                root(
                    "demo/root",
                    include("a", Fixtures.prefix("/x")),
                    include("b", Fixtures.prefix("/x"))),
                child("demo/a").route("/", "web", 80, null),
                child("demo/b").route("/", "kuard", 80, null)),
            List.of("PREFIX /x/ -> web"),
            "demo/root",
            "invalid: IncludeError/DuplicateMatchConditions",
            "demo/a",
            "valid",
            "demo/b",
            "orphaned: Orphaned/Orphaned"),
        of(
            "an include without a name",
            List.of(root("demo/root", include("")).route("/", "kuard", 80, null)),
            List.of("PREFIX / -> kuard"),
            "demo/root",
            "invalid: IncludeError/IncludeNotFound"),
        of(
            "a root with includes only is not NothingDefined",
            List.of(
                root("demo/root", include("a", Fixtures.prefix("/a"))),
                child("demo/a").route("/", "web", 80, null)),
            List.of("PREFIX /a/ -> web"),
            "demo/root",
            "valid",
            "demo/a",
            "valid"),
        of(
            "one child under two roots serves both",
            List.of(
                root("demo/root", include("shared", Fixtures.prefix("/s"))),
                proxy("demo/other")
                    .fqdn("other.example.com")
                    .spec(
                        s ->
                            s.setIncludes(
                                new ArrayList<>(
                                    List.of(include("shared", Fixtures.prefix("/t")))))),
                child("demo/shared").route("/", "web", 80, null)),
            List.of("PREFIX /s/ -> web"),
            "demo/root",
            "valid",
            "demo/other",
            "valid",
            "demo/shared",
            "valid"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void delegation(Case c) {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry").compile(c.proxies(), SNAPSHOT, Map.of());

    List<String> routes =
        result.table().virtualHosts().stream()
            .filter(h -> h.fqdn().equals("www.example.com"))
            .flatMap(h -> h.routes().stream())
            .map(DelegationTest::describe)
            .toList();
    assertThat(routes).isEqualTo(c.routes());
    Map<String, String> status =
        result.verdicts().stream()
            .collect(
                Collectors.toMap(
                    ProxyVerdict::key,
                    v ->
                        v.currentStatus()
                            + (v.errors().isEmpty()
                                ? ""
                                : ": "
                                    + v.errors().stream()
                                        .map(e -> e.type() + "/" + e.reason())
                                        .collect(Collectors.joining(", "))),
                    (a, b) -> a,
                    TreeMap::new));
    assertThat(status).isEqualTo(c.status());
  }

  static String describe(RoutingTable.Route r) {
    String headers =
        r.match().headers().isEmpty()
            ? ""
            : " "
                + r.match().headers().stream()
                    .map(h -> h.name() + "=" + h.value())
                    .collect(Collectors.joining(",", "[", "]"));
    String target =
        r.actions().direct() != null
            ? "direct " + r.actions().direct().status()
            : r.clusters().get(0).cluster().split("/")[1];
    return r.match().pathKind() + " " + r.match().path() + headers + " -> " + target;
  }
}
