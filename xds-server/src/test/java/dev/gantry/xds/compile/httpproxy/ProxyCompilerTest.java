package dev.gantry.xds.compile.httpproxy;

import static dev.gantry.xds.Fixtures.proxy;
import static dev.gantry.xds.Fixtures.routeService;
import static dev.gantry.xds.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.Fixtures.ProxyBuilder;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.Routes;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.WeightedCluster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyCompilerTest {
  // Literal cluster names: the hash must not change between runs or releases, or every Envoy
  // would drop its clusters (and their connections) on a control plane restart.
  static final String KUARD = "demo/kuard/80/486e3713fa";
  static final String EAST_KUARD = "demo/east-kuard/80/d18b3d96ed";
  static final String WEST_KUARD = "demo/west-kuard/80/6931ad86ab";
  static final String WEB = "demo/web/80/7fda6c4dba";

  /** {@code kuard} runs in east and west only: a federated name with no hub Service behind it. */
  static final FederatedService KUARD_FEDERATED =
      service("demo/kuard")
          .port("http", 80)
          .cluster("east", 0, 1, "http", "10.0.0.1:8080")
          .cluster("west", 0, 1, "http", "10.1.0.1:8080")
          .build();

  static final FederatedService EAST_KUARD_MIRROR =
      service("demo/east-kuard")
          .port("http", 80)
          .cluster("east", 0, 1, "http", "10.0.0.1:8080")
          .build();

  static final FederatedService WEST_KUARD_MIRROR =
      service("demo/west-kuard")
          .port("http", 80)
          .cluster("west", 0, 1, "http", "10.1.0.1:8080")
          .build();

  /** {@code web} is the hub's own Service and also runs in east. */
  static final FederatedService WEB_FEDERATED =
      service("demo/web")
          .port("http", 80)
          .cluster("east", 0, 1, "http", "10.0.0.2:8080")
          .cluster(FederationSnapshot.LOCAL_CLUSTER, 0, 1, "http", "10.2.0.1:8080")
          .build();

  static final FederatedService WEB_HUB_OWN =
      service("demo/web")
          .port("http", 80)
          .cluster(FederationSnapshot.LOCAL_CLUSTER, 0, 1, "http", "10.2.0.1:8080")
          .build();

  static final FederationSnapshot SNAPSHOT =
      new FederationSnapshot(
          Map.of(KUARD_FEDERATED.name(), KUARD_FEDERATED, WEB_FEDERATED.name(), WEB_FEDERATED),
          Map.of(
              EAST_KUARD_MIRROR.name(), EAST_KUARD_MIRROR,
              WEST_KUARD_MIRROR.name(), WEST_KUARD_MIRROR,
              WEB_HUB_OWN.name(), WEB_HUB_OWN));

  static final RoutingTable EMPTY = new RoutingTable(List.of(), Map.of());

  private final ProxyCompiler compiler = new ProxyCompiler("gantry");

  /** A proxy's verdict as the cases state it: key, status and the reasons of its errors. */
  record Verdict(String key, String status, List<String> reasons) {}

  record Case(String name, List<HTTPProxy> proxies, RoutingTable table, List<Verdict> verdicts) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"validProxies", "ingressClasses", "invalidProxies"})
  void compiles(Case c) {
    ProxyCompiler.Result result = compiler.compile(c.proxies(), SNAPSHOT, Map.of());

    assertThat(result.table()).isEqualTo(c.table());
    assertThat(result.verdicts().stream().map(ProxyCompilerTest::summary).toList())
        .isEqualTo(c.verdicts());
  }

  static Stream<Case> validProxies() {
    return Stream.of(
        new Case(
            "federated name routes to every cluster's endpoints",
            List.of(
                proxy("demo/a").fqdn("kuard.example.com").route("/", "kuard", 80, null).build()),
            table(
                List.of(vhost("kuard.example.com", route("/", to(KUARD, 1)))),
                federated(KUARD, KUARD_FEDERATED)),
            List.of(valid("demo/a"))),
        new Case(
            "mirror name routes to that cluster's hub Service only",
            List.of(
                proxy("demo/a")
                    .fqdn("kuard.example.com")
                    .route("/", "east-kuard", 80, null)
                    .build()),
            table(
                List.of(vhost("kuard.example.com", route("/", to(EAST_KUARD, 1)))),
                hubService(EAST_KUARD, EAST_KUARD_MIRROR)),
            List.of(valid("demo/a"))),
        new Case(
            "hub's own service name routes to the federated service, not the hub's alone",
            List.of(proxy("demo/a").fqdn("web.example.com").route("/", "web", 80, null).build()),
            table(
                List.of(vhost("web.example.com", route("/", to(WEB, 1)))),
                federated(WEB, WEB_FEDERATED)),
            List.of(valid("demo/a"))),
        new Case(
            "fqdn is lowercased",
            List.of(
                proxy("demo/a").fqdn("Kuard.Example.COM").route("/", "kuard", 80, null).build()),
            table(
                List.of(vhost("kuard.example.com", route("/", to(KUARD, 1)))),
                federated(KUARD, KUARD_FEDERATED)),
            List.of(valid("demo/a"))),
        new Case(
            "wildcard fqdn is valid",
            List.of(proxy("demo/a").fqdn("*.example.com").route("/", "kuard", 80, null).build()),
            table(
                List.of(vhost("*.example.com", route("/", to(KUARD, 1)))),
                federated(KUARD, KUARD_FEDERATED)),
            List.of(valid("demo/a"))),
        new Case(
            "routes are ordered longest prefix first, ties by text, no condition means /",
            List.of(
                proxy("demo/a")
                    .fqdn("kuard.example.com")
                    .route(null, "kuard", 80, null)
                    .route("/z1", "kuard", 80, null)
                    .route("/api", "kuard", 80, null)
                    .route("/a1", "kuard", 80, null)
                    .route("/api/v2", "kuard", 80, null)
                    .build()),
            table(
                List.of(
                    vhost(
                        "kuard.example.com",
                        route("/api/v2", to(KUARD, 1)),
                        route("/api", to(KUARD, 1)),
                        route("/a1", to(KUARD, 1)),
                        route("/z1", to(KUARD, 1)),
                        route("/", to(KUARD, 1)))),
                federated(KUARD, KUARD_FEDERATED)),
            List.of(valid("demo/a"))),
        new Case(
            "null conditions list means prefix /",
            List.of(
                proxy("demo/a")
                    .fqdn("kuard.example.com")
                    .rawRoute(rawRoute(null, routeService("kuard", 80, null)))
                    .build()),
            table(
                List.of(vhost("kuard.example.com", route("/", to(KUARD, 1)))),
                federated(KUARD, KUARD_FEDERATED)),
            List.of(valid("demo/a"))),
        new Case(
            "weights all absent: each service gets 1",
            List.of(
                proxy("demo/a")
                    .fqdn("kuard.example.com")
                    .route("/", "kuard", 80, null, "east-kuard", 80, null)
                    .build()),
            table(
                List.of(vhost("kuard.example.com", route("/", to(KUARD, 1), to(EAST_KUARD, 1)))),
                federated(KUARD, KUARD_FEDERATED),
                hubService(EAST_KUARD, EAST_KUARD_MIRROR)),
            List.of(valid("demo/a"))),
        new Case(
            "weights some set: as given, absent and explicit 0 get no traffic",
            List.of(
                proxy("demo/a")
                    .fqdn("kuard.example.com")
                    .route("/", "kuard", 80, 90, "east-kuard", 80, null, "west-kuard", 80, 0)
                    .build()),
            table(
                List.of(
                    vhost(
                        "kuard.example.com",
                        route("/", to(KUARD, 90), to(EAST_KUARD, 0), to(WEST_KUARD, 0)))),
                federated(KUARD, KUARD_FEDERATED),
                hubService(EAST_KUARD, EAST_KUARD_MIRROR),
                hubService(WEST_KUARD, WEST_KUARD_MIRROR)),
            List.of(valid("demo/a"))),
        new Case(
            // Envoy rejects weighted clusters whose weights sum to 0; Contour splits evenly.
            "weights all explicitly 0: split evenly like Contour",
            List.of(
                proxy("demo/a")
                    .fqdn("kuard.example.com")
                    .route("/", "kuard", 80, 0, "east-kuard", 80, 0)
                    .build()),
            table(
                List.of(vhost("kuard.example.com", route("/", to(KUARD, 1), to(EAST_KUARD, 1)))),
                federated(KUARD, KUARD_FEDERATED),
                hubService(EAST_KUARD, EAST_KUARD_MIRROR)),
            List.of(valid("demo/a"))),
        new Case(
            "fqdn of 253 characters is valid",
            List.of(proxy("demo/a").fqdn(longFqdn(253)).route("/", "kuard", 80, null).build()),
            table(
                List.of(vhost(longFqdn(253), route("/", to(KUARD, 1)))),
                federated(KUARD, KUARD_FEDERATED)),
            List.of(valid("demo/a"))),
        new Case(
            "weight 1000000 is the largest valid",
            List.of(
                proxy("demo/a")
                    .fqdn("kuard.example.com")
                    .route("/", "kuard", 80, 1_000_000, "east-kuard", 80, 1)
                    .build()),
            table(
                List.of(
                    vhost(
                        "kuard.example.com", route("/", to(KUARD, 1_000_000), to(EAST_KUARD, 1)))),
                federated(KUARD, KUARD_FEDERATED),
                hubService(EAST_KUARD, EAST_KUARD_MIRROR)),
            List.of(valid("demo/a"))),
        new Case(
            "virtual hosts are sorted by fqdn, verdicts by key, a shared upstream appears once",
            List.of(
                proxy("demo/b").fqdn("a.example.com").route("/", "kuard", 80, null).build(),
                proxy("demo/a").fqdn("b.example.com").route("/", "kuard", 80, null).build()),
            table(
                List.of(
                    vhost("a.example.com", route("/", to(KUARD, 1))),
                    vhost("b.example.com", route("/", to(KUARD, 1)))),
                federated(KUARD, KUARD_FEDERATED)),
            List.of(valid("demo/a"), valid("demo/b"))));
  }

  static Stream<Case> ingressClasses() {
    RoutingTable kuardTable =
        table(
            List.of(vhost("kuard.example.com", route("/", to(KUARD, 1)))),
            federated(KUARD, KUARD_FEDERATED));
    return Stream.of(
        new Case(
            "class by projectcontour.io/ingress.class annotation",
            List.of(
                kuardProxy("demo/a")
                    .ingressClass(null)
                    .annotation("projectcontour.io/ingress.class", "gantry")
                    .build()),
            kuardTable,
            List.of(valid("demo/a"))),
        new Case(
            "class by kubernetes.io/ingress.class annotation",
            List.of(
                kuardProxy("demo/a")
                    .ingressClass(null)
                    .annotation("kubernetes.io/ingress.class", "gantry")
                    .build()),
            kuardTable,
            List.of(valid("demo/a"))),
        new Case(
            "projectcontour.io annotation wins over kubernetes.io",
            List.of(
                kuardProxy("demo/a")
                    .ingressClass(null)
                    .annotation("projectcontour.io/ingress.class", "contour")
                    .annotation("kubernetes.io/ingress.class", "gantry")
                    .build()),
            EMPTY,
            List.of()),
        new Case(
            "other class by spec.ingressClassName is ignored, even with the same fqdn",
            List.of(
                kuardProxy("demo/theirs").ingressClass("contour").build(),
                kuardProxy("demo/mine").build()),
            kuardTable,
            List.of(valid("demo/mine"))),
        new Case(
            "other class by annotation is ignored",
            List.of(
                kuardProxy("demo/a")
                    .ingressClass(null)
                    .annotation("kubernetes.io/ingress.class", "contour")
                    .build()),
            EMPTY,
            List.of()),
        new Case(
            "no class at all is ignored",
            List.of(kuardProxy("demo/a").ingressClass(null).build()),
            EMPTY,
            List.of()));
  }

  static Stream<Case> invalidProxies() {
    return Stream.of(
        invalid(
            "unknown service",
            kuardHost().route("/", "nope", 80, null),
            "ServiceUnresolvedReference"),
        invalid(
            "unknown port of a known service",
            kuardHost().route("/", "kuard", 81, null),
            "ServiceUnresolvedReference"),
        invalid("port 0", kuardHost().route("/", "kuard", 0, null), "ServicePortInvalid"),
        invalid("port 65536", kuardHost().route("/", "kuard", 65536, null), "ServicePortInvalid"),
        invalid("no port", kuardHost().route("/", "kuard", null, null), "ServicePortInvalid"),
        invalid(
            "fqdn with an underscore",
            proxy("demo/a").fqdn("kuard_app.example.com").route("/", "kuard", 80, null),
            "FQDNInvalid"),
        invalid(
            "fqdn starting with a hyphen",
            proxy("demo/a").fqdn("-kuard.example.com").route("/", "kuard", 80, null),
            "FQDNInvalid"),
        invalid(
            "empty fqdn", proxy("demo/a").fqdn("").route("/", "kuard", 80, null), "FQDNInvalid"),
        invalid("no routes", proxy("demo/a").fqdn("kuard.example.com"), "NothingDefined"),
        invalid(
            "fqdn longer than 253 characters",
            proxy("demo/a").fqdn(longFqdn(254)).route("/", "kuard", 80, null),
            "FQDNInvalid"),
        invalid(
            "prefix not starting with /",
            kuardHost().route("api", "kuard", 80, null),
            "PathMatchConditionsNotValid"),
        invalid(
            "two prefixes",
            kuardHost().routeMatching(List.of("/api", "/v2"), "kuard", 80, null),
            "PathMatchConditionsNotValid"),
        invalid(
            "two prefixes, the first one /",
            kuardHost().routeMatching(List.of("/", "/api"), "kuard", 80, null),
            "PathMatchConditionsNotValid"),
        invalid(
            "a prefix not starting with / and a second prefix: both reported",
            kuardHost().routeMatching(List.of("api", "/v2"), "kuard", 80, null),
            "PathMatchConditionsNotValid",
            "PathMatchConditionsNotValid"),
        invalid(
            "empty condition",
            kuardHost()
                .rawRoute(rawRoute(Arrays.asList(new HTTPProxySpec.MatchCondition()), kuard())),
            "PathMatchConditionsNotValid"),
        invalid(
            "null condition",
            kuardHost()
                .rawRoute(rawRoute(Arrays.asList((HTTPProxySpec.MatchCondition) null), kuard())),
            "PathMatchConditionsNotValid"),
        invalid("route without services", kuardHost().route("/"), "NoServicesPresent"),
        invalid(
            "route with a null services list",
            kuardHost().rawRoute(rawRouteWithServices(null)),
            "NoServicesPresent"),
        invalid(
            "negative weight",
            kuardHost().route("/", "kuard", 80, -1, "east-kuard", 80, 10),
            "WeightInvalid"),
        invalid(
            "weight above 1000000",
            kuardHost().route("/", "kuard", 80, 1_000_001, "east-kuard", 80, 10),
            "WeightInvalid"),
        invalid(
            "weight beyond int range",
            kuardHost().route("/", "kuard", 80, 10_000_000_000L),
            "WeightInvalid"),
        invalid(
            "duplicate prefix",
            kuardHost().route("/api", "kuard", 80, null).route("/api", "east-kuard", 80, null),
            "DuplicateMatchConditions"),
        invalid(
            "explicit / next to a route without conditions",
            kuardHost().route(null, "kuard", 80, null).route("/", "east-kuard", 80, null),
            "DuplicateMatchConditions"),
        invalid("null route", kuardHost().rawRoute(null), "RouteInvalid"),
        invalid(
            "null service entry next to a good one",
            kuardHost().rawRoute(rawRouteWithServices(Arrays.asList(kuard(), null))),
            "ServiceUnresolvedReference"),
        invalid(
            "empty service name",
            kuardHost().route("/", "", 80, null),
            "ServiceUnresolvedReference"),
        invalid(
            "blank service name",
            kuardHost().route("/", "  ", 80, null),
            "ServiceUnresolvedReference"),
        invalid(
            "null service name",
            kuardHost().route("/", null, 80, null),
            "ServiceUnresolvedReference"),
        invalid(
            "every error is listed, in field order",
            proxy("demo/a")
                .fqdn("bad_host")
                .route("/", "nope", 80, null)
                .route("/api", "kuard", 0, null)
                .route("/v2"),
            "FQDNInvalid",
            "ServiceUnresolvedReference",
            "ServicePortInvalid",
            "NoServicesPresent"),
        new Case(
            "duplicate fqdn, whatever its case: both invalid, the others still serve",
            List.of(
                proxy("demo/a").fqdn("KUARD.example.com").route("/", "kuard", 80, null).build(),
                proxy("demo/b")
                    .fqdn("kuard.example.com")
                    .route("/", "east-kuard", 80, null)
                    .build(),
                proxy("demo/c").fqdn("other.example.com").route("/", "web", 80, null).build()),
            table(
                List.of(vhost("other.example.com", route("/", to(WEB, 1)))),
                federated(WEB, WEB_FEDERATED)),
            List.of(
                invalid("demo/a", "DuplicateVhost"),
                invalid("demo/b", "DuplicateVhost"),
                valid("demo/c"))),
        new Case(
            "proxy without virtualhost is orphaned",
            List.of(proxy("demo/a").route("/", "kuard", 80, null).build()),
            EMPTY,
            List.of(new Verdict("demo/a", ProxyVerdict.ORPHANED, List.of("Orphaned")))),
        new Case(
            "proxy without spec, of our class by annotation, is orphaned",
            List.of(
                proxy("demo/a")
                    .withoutSpec()
                    .annotation("projectcontour.io/ingress.class", "gantry")
                    .build()),
            EMPTY,
            List.of(new Verdict("demo/a", ProxyVerdict.ORPHANED, List.of("Orphaned")))));
  }

  @Test
  void invalidVerdictIsDescribedByItsFirstErrorWhichNamesTheField() {
    HTTPProxy p =
        proxy("demo/a")
            .generation(7)
            .fqdn("kuard.example.com")
            .route("/", "kuard", 80, null)
            .route("/api", "kuard", 80, null, "nope", 80, null)
            .build();

    ProxyCompiler.Result result = compiler.compile(List.of(p), SNAPSHOT, Map.of());

    String message = "spec.routes[1].services[1]: service \"demo/nope\" is not found";
    assertThat(result.verdicts())
        .containsExactly(
            new ProxyVerdict(
                "demo",
                "a",
                7,
                ProxyVerdict.INVALID,
                message,
                List.of(
                    new ProxyVerdict.Error(
                        "ServiceError", "ServiceUnresolvedReference", message))));
  }

  @Test
  void validVerdictCarriesTheGeneration() {
    HTTPProxy p = kuardProxy("demo/a").generation(3).build();

    assertThat(compiler.compile(List.of(p), SNAPSHOT, Map.of()).verdicts())
        .containsExactly(
            new ProxyVerdict("demo", "a", 3, ProxyVerdict.VALID, "Valid HTTPProxy", List.of()));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void shuffledInputGivesTheSameResult(long seed) {
    List<HTTPProxy> proxies = mixedProxies();
    ProxyCompiler.Result expected = compiler.compile(proxies, SNAPSHOT, Map.of());

    List<HTTPProxy> shuffled = new ArrayList<>(proxies);
    Collections.shuffle(shuffled, new Random(seed));
    ProxyCompiler.Result actual = compiler.compile(shuffled, SNAPSHOT, Map.of());

    assertThat(actual).isEqualTo(expected);
    // Guard against a vacuous pass: the mix must produce something of every kind.
    assertThat(expected.table().virtualHosts()).hasSize(4);
    assertThat(expected.verdicts())
        .extracting(ProxyVerdict::currentStatus)
        .contains(ProxyVerdict.VALID, ProxyVerdict.INVALID, ProxyVerdict.ORPHANED);
  }

  @Test
  void compilingTwiceGivesEqualResults() {
    assertThat(compiler.compile(mixedProxies(), SNAPSHOT, Map.of()))
        .isEqualTo(new ProxyCompiler("gantry").compile(mixedProxies(), SNAPSHOT, Map.of()));
  }

  private static List<HTTPProxy> mixedProxies() {
    return List.of(
        proxy("demo/split")
            .fqdn("split.example.com")
            .route("/", "east-kuard", 80, 80, "west-kuard", 80, 20)
            .route("/web", "web", 80, null)
            .build(),
        proxy("demo/all").fqdn("kuard.example.com").route("/", "kuard", 80, null).build(),
        proxy("team/dup1").fqdn("dup.example.com").route("/", "web", 80, null).build(),
        proxy("demo/dup2").fqdn("Dup.example.com").route("/", "kuard", 80, null).build(),
        proxy("demo/broken").fqdn("broken.example.com").route("/", "nope", 80, null).build(),
        proxy("demo/orphan").route("/", "kuard", 80, null).build(),
        proxy("demo/theirs").ingressClass("contour").fqdn("x.example.com").build(),
        proxy("demo/web").fqdn("web.example.com").route("/a", "web", 80, null).build(),
        proxy("demo/web2").fqdn("web2.example.com").route("/b", "kuard", 80, null).build());
  }

  // ---- fixtures for cases ----

  private static ProxyBuilder kuardHost() {
    return proxy("demo/a").fqdn("kuard.example.com");
  }

  private static ProxyBuilder kuardProxy(String key) {
    return proxy(key).fqdn("kuard.example.com").route("/", "kuard", 80, null);
  }

  private static HTTPProxySpec.RouteService kuard() {
    return routeService("kuard", 80, null);
  }

  private static HTTPProxySpec.Route rawRoute(
      List<HTTPProxySpec.MatchCondition> conditions, HTTPProxySpec.RouteService... services) {
    HTTPProxySpec.Route r = new HTTPProxySpec.Route();
    r.setConditions(conditions);
    r.setServices(new ArrayList<>(Arrays.asList(services)));
    return r;
  }

  private static HTTPProxySpec.Route rawRouteWithServices(
      List<HTTPProxySpec.RouteService> services) {
    HTTPProxySpec.Route r = new HTTPProxySpec.Route();
    r.setServices(services);
    return r;
  }

  /** Four labels joined by dots, {@code length} characters in all (at least 4 + 3). */
  private static String longFqdn(int length) {
    int last = length - 3 - 3 * 63;
    return String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(last));
  }

  /** One proxy, invalid for the given reasons, and nothing in the table. */
  private static Case invalid(String name, ProxyBuilder proxy, String... reasons) {
    HTTPProxy p = proxy.build();
    String key = p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    return new Case(name, List.of(p), EMPTY, List.of(invalid(key, reasons)));
  }

  private static Verdict valid(String key) {
    return new Verdict(key, ProxyVerdict.VALID, List.of());
  }

  private static Verdict invalid(String key, String... reasons) {
    return new Verdict(key, ProxyVerdict.INVALID, List.of(reasons));
  }

  private static Verdict summary(ProxyVerdict v) {
    return new Verdict(
        v.key(), v.currentStatus(), v.errors().stream().map(ProxyVerdict.Error::reason).toList());
  }

  private static RoutingTable table(List<RoutingTable.VirtualHost> hosts, Upstream... upstreams) {
    Map<String, Upstream> byName = new LinkedHashMap<>();
    for (Upstream u : upstreams) {
      byName.put(u.name(), u);
    }
    return new RoutingTable(hosts, byName);
  }

  private static RoutingTable.VirtualHost vhost(String fqdn, RoutingTable.Route... routes) {
    return Routes.host(fqdn, List.of(routes));
  }

  private static RoutingTable.Route route(String prefix, WeightedCluster... clusters) {
    return Routes.route(prefix, List.of(clusters));
  }

  private static WeightedCluster to(String cluster, long weight) {
    return new WeightedCluster(cluster, weight);
  }

  private static Upstream federated(String name, FederatedService service) {
    return Upstream.of(name, service, service.ports().get(0), true).build();
  }

  private static Upstream hubService(String name, FederatedService service) {
    return Upstream.of(name, service, service.ports().get(0), false).build();
  }
}
