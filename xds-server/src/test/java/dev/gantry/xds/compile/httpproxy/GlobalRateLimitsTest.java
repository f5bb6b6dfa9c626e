package dev.gantry.xds.compile.httpproxy;

import static dev.gantry.xds.GlobalRateLimitFixtures.descriptor;
import static dev.gantry.xds.GlobalRateLimitFixtures.disabled;
import static dev.gantry.xds.GlobalRateLimitFixtures.genericKey;
import static dev.gantry.xds.GlobalRateLimitFixtures.global;
import static dev.gantry.xds.GlobalRateLimitFixtures.headerValueMatch;
import static dev.gantry.xds.GlobalRateLimitFixtures.policy;
import static dev.gantry.xds.GlobalRateLimitFixtures.remoteAddress;
import static dev.gantry.xds.GlobalRateLimitFixtures.requestHeader;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.ExtensionService;
import dev.gantry.api.crd.contour.GlobalRateLimitPolicy;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.RateLimitPolicy;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.ir.GlobalRateLimit;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.translate.RouteTranslator;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code rateLimitPolicy.global}, compiled as Contour reads it ({@code RateLimitPolicyNotValid} for
 * what its code or its CRD refuses, and for what Envoy would), into the rate limits Envoy gets on
 * the virtual host and routes, with the hub's rate limit service; without a usable service a proxy
 * with descriptors is invalid.
 */
class GlobalRateLimitsTest {
  private static final FederationSnapshot SNAPSHOT =
      new FederationSnapshot(
          Map.of(
              ServiceName.of("demo", "web"),
              Fixtures.service("demo/web")
                  .port("http", 80)
                  .cluster("east", 0, 1, "http", "198.18.0.1:8080")
                  .build(),
              ServiceName.of("limits", "ratelimit"),
              Fixtures.service("limits/ratelimit")
                  .port("grpc", 8081)
                  .cluster("east", 0, 1, "grpc", "198.18.0.2:8081")
                  .build()),
          Map.of());

  private static final ExtensionService EXTENSION =
      Fixtures.extension("limits/ratelimit", "ratelimit", 8081, "h2c");

  record Case(String name, RateLimitPolicy policy, GlobalRateLimit expected, List<String> errors) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static GlobalRateLimitPolicy.Entry empty() {
    return new GlobalRateLimitPolicy.Entry();
  }

  private static GlobalRateLimitPolicy.Entry two() {
    GlobalRateLimitPolicy.Entry e = genericKey("k", "v");
    e.setRemoteAddress(new GlobalRateLimitPolicy.RemoteAddress());
    return e;
  }

  private static RateLimitPolicy descriptors(List<GlobalRateLimitPolicy.Descriptor> list) {
    GlobalRateLimitPolicy g = new GlobalRateLimitPolicy();
    g.setDescriptors(list);
    return policy(g);
  }

  static Stream<Case> cases() {
    String f = "spec.routes[0].rateLimitPolicy.global";
    String e = "RouteError/RateLimitPolicyNotValid: " + f;
    RoutingTable.HeaderMatch gold =
        new RoutingTable.HeaderMatch("x-tier", RoutingTable.ValueKind.EXACT, "gold", false, false);
    return Stream.of(
        new Case("none", null, null, List.of()),
        new Case("no global", new RateLimitPolicy(), null, List.of()),
        new Case(
            "global without descriptors: nothing to send",
            policy(new GlobalRateLimitPolicy()),
            null,
            List.of()),
        new Case("disabled", disabled(), GlobalRateLimit.DISABLED, List.of()),
        new Case(
            "disabled drops the descriptors, as Contour does",
            withDisabled(global(descriptor(genericKey(null, "x")))),
            GlobalRateLimit.DISABLED,
            List.of()),
        new Case(
            "every kind of entry, in order; header names lower-cased, an empty key Envoy's default,"
                + " expectMatch true by default",
            global(
                descriptor(remoteAddress(), genericKey("", "web")),
                descriptor(
                    requestHeader("X-User", "user"),
                    genericKey("tier", "all"),
                    headerValueMatch("gold", null, "X-Tier", "gold"),
                    headerValueMatch("other", false, "x-tier", "gold"))),
            new GlobalRateLimit(
                List.of(
                    new GlobalRateLimit.Descriptor(
                        List.of(
                            new GlobalRateLimit.RemoteAddress(),
                            new GlobalRateLimit.GenericKey(null, "web"))),
                    new GlobalRateLimit.Descriptor(
                        List.of(
                            new GlobalRateLimit.RequestHeader("x-user", "user"),
                            new GlobalRateLimit.GenericKey("tier", "all"),
                            new GlobalRateLimit.HeaderValueMatch(List.of(gold), "gold", true),
                            new GlobalRateLimit.HeaderValueMatch(List.of(gold), "other", false)))),
                false),
            List.of()),
        new Case(
            "an empty list of descriptors (Contour's CRD refuses it)",
            descriptors(new ArrayList<>()),
            null,
            List.of(e + ".descriptors: at least one descriptor is required")),
        new Case(
            "descriptors without entries",
            descriptors(new ArrayList<>(java.util.Arrays.asList(descriptor(), null))),
            null,
            List.of(
                e + ".descriptors[0].entries: at least one entry is required",
                e + ".descriptors[1].entries: at least one entry is required")),
        new Case(
            "entries with none or two fields set",
            global(descriptor(genericKey(null, "ok"), empty(), two())),
            null,
            List.of(
                e
                    + ".descriptors[0].entries[1]: rate limit descriptor entry must have exactly"
                    + " one field set",
                e
                    + ".descriptors[0].entries[2]: rate limit descriptor entry must have exactly"
                    + " one field set")),
        new Case(
            "empty values and names",
            global(
                descriptor(
                    genericKey("", ""),
                    requestHeader(null, ""),
                    requestHeader("bad name", "k"),
                    headerValueMatch("", null, "x-a", "b"))),
            null,
            List.of(
                e + ".descriptors[0].entries[0].genericKey.value: is required",
                e
                    + ".descriptors[0].entries[1].requestHeader.headerName: (none) is not a header"
                    + " name",
                e + ".descriptors[0].entries[1].requestHeader.descriptorKey: is required",
                e
                    + ".descriptors[0].entries[2].requestHeader.headerName: \"bad name\" is not a"
                    + " header name",
                e + ".descriptors[0].entries[3].requestHeaderValueMatch.value: is required")),
        new Case(
            "header conditions: none, or one Envoy would refuse",
            global(descriptor(noHeaders(), badRegex())),
            null,
            List.of(
                e
                    + ".descriptors[0].entries[0].requestHeaderValueMatch.headers: at least one"
                    + " header condition is required",
                e
                    + ".descriptors[0].entries[1].requestHeaderValueMatch.headers[0] \"x-a\":"
                    + " regex")));
  }

  private static RateLimitPolicy withDisabled(RateLimitPolicy policy) {
    policy.getGlobal().setDisabled(true);
    return policy;
  }

  private static GlobalRateLimitPolicy.Entry noHeaders() {
    GlobalRateLimitPolicy.Entry e = headerValueMatch("v", null, "x-a", "b");
    e.getRequestHeaderValueMatch().setHeaders(null);
    return e;
  }

  private static GlobalRateLimitPolicy.Entry badRegex() {
    GlobalRateLimitPolicy.Entry e = headerValueMatch("v", null, "x-a", null);
    e.getRequestHeaderValueMatch().getHeaders().get(0).setRegex("(");
    return e;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void parses(Case c) {
    Outcome<Optional<GlobalRateLimit>> outcome =
        GlobalRateLimits.parse(c.policy(), "spec.routes[0]", true, null);

    List<String> errors =
        outcome.errors().stream()
            .map(x -> x.type() + "/" + x.reason() + ": " + x.message())
            .toList();
    assertThat(errors).hasSameSizeAs(c.errors());
    for (int i = 0; i < errors.size(); i++) {
      assertThat(errors.get(i)).startsWith(c.errors().get(i));
    }
    if (c.errors().isEmpty()) {
      assertThat(outcome.value()).isEqualTo(Optional.ofNullable(c.expected()));
    }
  }

  @Test
  void onAVirtualHostTheErrorsAreVirtualHostErrors() {
    Outcome<Optional<GlobalRateLimit>> outcome =
        GlobalRateLimits.parse(
            global(descriptor(empty())), "spec.virtualhost", false, "no service here");
    assertThat(outcome.errors())
        .singleElement()
        .isEqualTo(
            new ProxyVerdict.Error(
                ProxyVerdict.VIRTUAL_HOST_ERROR,
                "RateLimitPolicyNotValid",
                "spec.virtualhost.rateLimitPolicy.global.descriptors[0].entries[0]: rate limit"
                    + " descriptor entry must have exactly one field set"));
  }

  private static HTTPProxy limited(String name) {
    return Fixtures.proxy("demo/" + name)
        .fqdn(name + ".example.com")
        .spec(
            s ->
                s.getVirtualhost()
                    .setRateLimitPolicy(global(descriptor(genericKey("vhost", name)))))
        .route("/free", "web", 80, null)
        .lastRoute(r -> r.setRateLimitPolicy(disabled()))
        .route("/user", "web", 80, null)
        .lastRoute(r -> r.setRateLimitPolicy(global(descriptor(requestHeader("x-user", "user")))))
        .route("/", "web", 80, null)
        .build();
  }

  private static ProxyCompiler.Result compile(
      RateLimitService service, List<ExtensionService> extensions, HTTPProxy... proxies) {
    return new ProxyCompiler("gantry", service)
        .compile(List.of(proxies), SNAPSHOT, Map.of(), Delegations.NONE, extensions);
  }

  @Test
  void envoyGetsTheHostsDescriptorsOnTheHostARoutesOwnOnItsActionAndAnOptingOut() throws Exception {
    HTTPProxySpec.TimeoutPolicy timeouts = new HTTPProxySpec.TimeoutPolicy();
    timeouts.setResponse("250ms");
    ExtensionService extension = Fixtures.extension("limits/ratelimit", "ratelimit", 8081, "h2c");
    extension.getSpec().setTimeoutPolicy(timeouts);
    ProxyCompiler.Result result =
        compile(
            RateLimitService.parse("limits/ratelimit", "edge", true, true, true),
            List.of(extension),
            limited("a"));

    assertThat(result.verdicts()).singleElement().satisfies(v -> assertThat(v.valid()).isTrue());
    assertThat(result.table().rateLimitService())
        .isEqualTo(
            new GlobalRateLimit.Service(
                "extension/limits/ratelimit",
                null,
                Duration.ofMillis(250),
                "edge",
                true,
                true,
                true));
    assertThat(result.table().upstreams()).containsKey("extension/limits/ratelimit");
    VirtualHost vhost = RouteTranslator.translate(result.table()).getVirtualHosts(0);
    assertThat(vhost.getRateLimitsList())
        .containsExactly(
            RateLimit.newBuilder()
                .addActions(
                    RateLimit.Action.newBuilder()
                        .setGenericKey(
                            RateLimit.Action.GenericKey.newBuilder()
                                .setDescriptorKey("vhost")
                                .setDescriptorValue("a")))
                .build());
    Route free = route(vhost, "/free");
    assertThat(free.getRoute().getRateLimitsList()).isEmpty();
    assertThat(
            free.getTypedPerFilterConfigOrThrow("envoy.filters.http.ratelimit")
                .unpack(RateLimitPerRoute.class))
        .isEqualTo(
            RateLimitPerRoute.newBuilder()
                .setVhRateLimits(RateLimitPerRoute.VhRateLimitsOptions.IGNORE)
                .build());
    Route user = route(vhost, "/user");
    assertThat(user.getTypedPerFilterConfigMap()).doesNotContainKey("envoy.filters.http.ratelimit");
    assertThat(user.getRoute().getRateLimitsList())
        .containsExactly(
            RateLimit.newBuilder()
                .addActions(
                    RateLimit.Action.newBuilder()
                        .setRequestHeaders(
                            RateLimit.Action.RequestHeaders.newBuilder()
                                .setHeaderName("x-user")
                                .setDescriptorKey("user")))
                .build());
    assertThat(route(vhost, "/").getRoute().getRateLimitsList()).isEmpty();
    // Proxyless clients call the backends themselves: only the route that is not counted.
    assertThat(RouteTranslator.perHost(result.table()).get(0).getVirtualHosts(0).getRoutesList())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getMatch().getPrefix()).isEqualTo("/free");
              assertThat(r.getTypedPerFilterConfigMap()).isEmpty();
            });
  }

  private static Route route(VirtualHost vhost, String prefix) {
    return vhost.getRoutesList().stream()
        .filter(r -> r.getMatch().getPrefix().equals(prefix))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void withoutARateLimitServiceAProxyWithDescriptorsIsInvalidAndTheOthersServe() {
    HTTPProxy routeOnly =
        Fixtures.proxy("demo/route")
            .fqdn("route.example.com")
            .route("/", "web", 80, null)
            .lastRoute(r -> r.setRateLimitPolicy(global(descriptor(remoteAddress()))))
            .build();
    HTTPProxy optingOut =
        Fixtures.proxy("demo/out")
            .fqdn("out.example.com")
            .route("/", "web", 80, null)
            .lastRoute(r -> r.setRateLimitPolicy(disabled()))
            .build();
    ProxyCompiler.Result result =
        compile(null, List.of(EXTENSION), limited("a"), routeOnly, optingOut);

    assertThat(result.table().rateLimitService()).isNull();
    assertThat(result.table().upstreams()).doesNotContainKey("extension/limits/ratelimit");
    assertThat(result.table().virtualHosts())
        .extracting(RoutingTable.VirtualHost::fqdn)
        .containsExactly("out.example.com");
    Map<String, ProxyVerdict> verdicts = new java.util.TreeMap<>();
    result.verdicts().forEach(v -> verdicts.put(v.key(), v));
    String unenforced =
        ": no rate limit service is configured on the hub (--rate-limit-service), so the limit"
            + " could not be enforced; the proxy is not served rather than served unlimited";
    assertThat(verdicts.get("demo/a").errors())
        .containsExactly(
            new ProxyVerdict.Error(
                ProxyVerdict.VIRTUAL_HOST_ERROR,
                "RateLimitPolicyNotValid",
                "spec.virtualhost.rateLimitPolicy.global" + unenforced),
            new ProxyVerdict.Error(
                ProxyVerdict.ROUTE_ERROR,
                "RateLimitPolicyNotValid",
                "spec.routes[1].rateLimitPolicy.global" + unenforced));
    assertThat(verdicts.get("demo/route").errors())
        .extracting(ProxyVerdict.Error::type, ProxyVerdict.Error::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                ProxyVerdict.ROUTE_ERROR, "RateLimitPolicyNotValid"));
    assertThat(verdicts.get("demo/out").valid()).isTrue();
  }

  @Test
  void aRateLimitServiceOfSeveralServicesSpreadsItsCallsByTheirWeights() {
    ExtensionService two = Fixtures.extension("limits/ratelimit", "ratelimit", 8081, "h2c");
    two.getSpec().getServices().get(0).setWeight(3L);
    dev.gantry.api.crd.contour.ExtensionServiceSpec.Target other =
        new dev.gantry.api.crd.contour.ExtensionServiceSpec.Target("other", 9000);
    other.setWeight(1L);
    two.getSpec().getServices().add(other);
    Map<ServiceName, dev.gantry.api.federation.FederatedService> federated =
        new java.util.HashMap<>(SNAPSHOT.federated());
    federated.put(
        ServiceName.of("limits", "other"),
        Fixtures.service("limits/other")
            .port("grpc", 9000)
            .cluster("west", 0, 1, "grpc", "198.18.1.2:9000")
            .build());

    ProxyCompiler.Result result =
        new ProxyCompiler("gantry", RateLimitService.of("limits/ratelimit"))
            .compile(
                List.of(limited("a")),
                new FederationSnapshot(federated, Map.of()),
                Map.of(),
                Delegations.NONE,
                List.of(two));

    assertThat(result.verdicts().get(0).valid()).isTrue();
    assertThat(result.table().rateLimitService().cluster()).isEqualTo("extension/limits/ratelimit");
    assertThat(result.table().upstreams().get("extension/limits/ratelimit").shares())
        .extracting(sh -> sh.service().name().name() + ":" + sh.port().port() + "x" + sh.weight())
        .containsExactly("ratelimit:8081x3", "other:9000x1");
  }

  @Test
  void aRateLimitServiceWhoseExtensionServiceIsMissingOrInvalidLimitsNothing() {
    ExtensionService invalid = Fixtures.extension("limits/ratelimit", "ratelimit", 8081, "http");
    for (List<ExtensionService> extensions :
        List.of(List.<ExtensionService>of(), List.of(invalid))) {
      ProxyCompiler.Result result =
          compile(RateLimitService.of("limits/ratelimit"), extensions, limited("a"));
      assertThat(result.table().rateLimitService()).isNull();
      assertThat(result.table().virtualHosts()).isEmpty();
      assertThat(result.verdicts().get(0).errors())
          .hasSize(2)
          .allSatisfy(
              e ->
                  assertThat(e.message())
                      .contains(
                          "the hub's rate limit service, ExtensionService \"limits/ratelimit\", is"
                              + " not found or not valid"));
    }
  }

  @Test
  void theHubsDefaultPolicyIsAHostsUnlessItHasOrDisablesItsOwn() {
    GlobalRateLimitPolicy byDefault = new GlobalRateLimitPolicy();
    byDefault.setDescriptors(new ArrayList<>(List.of(descriptor(remoteAddress()))));
    RateLimitService service = RateLimitService.of("limits/ratelimit").withDefaultPolicy(byDefault);
    HTTPProxy plain =
        Fixtures.proxy("demo/plain").fqdn("plain.example.com").route("/", "web", 80, null).build();
    HTTPProxy optedOut =
        Fixtures.proxy("demo/out")
            .fqdn("out.example.com")
            .spec(s -> s.getVirtualhost().setRateLimitPolicy(disabled()))
            .route("/", "web", 80, null)
            .build();
    HTTPProxy empty =
        Fixtures.proxy("demo/empty")
            .fqdn("empty.example.com")
            .spec(s -> s.getVirtualhost().setRateLimitPolicy(policy(new GlobalRateLimitPolicy())))
            .route("/", "web", 80, null)
            .build();

    ProxyCompiler.Result result =
        compile(service, List.of(EXTENSION), plain, optedOut, empty, limited("own"));

    Map<String, GlobalRateLimit> limits = new java.util.TreeMap<>();
    result
        .table()
        .virtualHosts()
        .forEach(
            h ->
                limits.put(
                    h.fqdn(),
                    h.globalRateLimit() == null ? GlobalRateLimit.DISABLED : h.globalRateLimit()));
    GlobalRateLimit remote =
        new GlobalRateLimit(
            List.of(new GlobalRateLimit.Descriptor(List.of(new GlobalRateLimit.RemoteAddress()))),
            false);
    assertThat(limits)
        .containsEntry("plain.example.com", remote)
        .containsEntry("out.example.com", GlobalRateLimit.DISABLED)
        .containsEntry("empty.example.com", GlobalRateLimit.DISABLED)
        .containsEntry(
            "own.example.com",
            new GlobalRateLimit(
                List.of(
                    new GlobalRateLimit.Descriptor(
                        List.of(new GlobalRateLimit.GenericKey("vhost", "own")))),
                false));

    // The service's ExtensionService is not valid: the hosts the default applies to fail closed.
    ProxyCompiler.Result broken = compile(service, List.of(), plain, optedOut);
    assertThat(broken.table().virtualHosts())
        .extracting(RoutingTable.VirtualHost::fqdn)
        .containsExactly("out.example.com");
    assertThat(broken.verdicts())
        .filteredOn(v -> v.key().equals("demo/plain"))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.errors())
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.reason()).isEqualTo("RateLimitPolicyNotValid");
                          assertThat(e.message())
                              .startsWith(
                                  "the hub's default global rate limit policy applies to"
                                      + " spec.virtualhost, but the hub's rate limit service");
                        }));
  }

  @Test
  void aBadDefaultPolicyIsRefusedWithContoursReasons() {
    GlobalRateLimitPolicy bad = new GlobalRateLimitPolicy();
    bad.setDescriptors(new ArrayList<>(List.of(descriptor(empty()))));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RateLimitService.of("a/b").withDefaultPolicy(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "defaultGlobalRateLimitPolicy.descriptors[0].entries[0]: rate limit descriptor entry"
                + " must have exactly one field set");
    GlobalRateLimitPolicy off = new GlobalRateLimitPolicy();
    off.setDisabled(true);
    assertThat(RateLimitService.of("a/b").withDefaultPolicy(off).defaultPolicy()).isNull();
  }

  @Test
  void aRateLimitServiceIsNamedNamespaceSlashName() {
    assertThat(RateLimitService.of("limits/ratelimit"))
        .isEqualTo(new RateLimitService("limits", "ratelimit", "contour", false, false, false));
    for (String bad : new String[] {"ratelimit", "a/b/c", "/x", "Limits/x", "a/", ""}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> RateLimitService.of(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not <namespace>/<name> of an ExtensionService");
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RateLimitService.parse("a/b", "", false, false, false))
        .hasMessageContaining("domain must not be empty");
  }
}
