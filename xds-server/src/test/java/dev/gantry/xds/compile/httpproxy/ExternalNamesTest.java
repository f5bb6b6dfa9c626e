package dev.gantry.xds.compile.httpproxy;

import static dev.gantry.xds.Fixtures.proxy;
import static dev.gantry.xds.Fixtures.routeService;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.ir.Upstream;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Routes to ExternalName Services, compiled through {@link ProxyCompiler}: refused with Contour's
 * ServiceUnresolvedReference while the hub's flag is off; with it, a DNS upstream naming each
 * cluster's external name at the service port, its TLS server name the Host rewrite or else the
 * external name (as Contour's SNI); names of the gateway's own host, a federated service mixing DNS
 * and endpoints, and different names over TLS are refused.
 */
class ExternalNamesTest {
  static final FederatedService EXT =
      Fixtures.service("demo/ext")
          .port("http", 80)
          .port("https", 443, null, "tls")
          .externalName("hub", 0, 1, "api.example.com")
          .build();
  static final FederatedService EAST_EXT =
      Fixtures.service("demo/east-ext")
          .port("http", 80)
          .externalName("east", 0, 1, "api.east.example.com")
          .build();
  static final FederatedService MULTI =
      Fixtures.service("demo/multi")
          .port("http", 80)
          .externalName("east", 0, 2, "a.example.com")
          .externalName("west", 1, 1, "b.example.com")
          .build();
  static final FederatedService MIXED =
      Fixtures.service("demo/mixed")
          .port("http", 80)
          .externalName("east", 0, 1, "a.example.com")
          .cluster("west", 0, 1, "http", "10.0.0.1:8080")
          .build();

  static FederatedService named(String key, String externalName) {
    return Fixtures.service(key).port("http", 80).externalName("hub", 0, 1, externalName).build();
  }

  static final List<FederatedService> LOCAL =
      List.of(
          named("demo/home", "localhost"),
          named("demo/home-dot", "LocalHost."),
          named("demo/home-domain", "localhost.localdomain"),
          named("demo/contour-home", "local.projectcontour.io"),
          named("demo/sub-home", "admin.localhost"),
          named("demo/loopback", "127.0.0.1"),
          named("demo/loopback-short", "127.1"),
          named("demo/any", "0.0.0.0"),
          named("demo/loopback6", "::1"),
          named("demo/address", "192.0.2.10"));

  static final FederationSnapshot SNAPSHOT = snapshot();

  private static FederationSnapshot snapshot() {
    Map<dev.gantry.api.federation.ServiceName, FederatedService> hub =
        Stream.concat(Stream.of(EXT, EAST_EXT), LOCAL.stream())
            .collect(Collectors.toMap(FederatedService::name, s -> s));
    Map<dev.gantry.api.federation.ServiceName, FederatedService> federated =
        Stream.concat(Stream.of(EXT, MULTI, MIXED), LOCAL.stream())
            .collect(Collectors.toMap(FederatedService::name, s -> s));
    return new FederationSnapshot(federated, hub);
  }

  /**
   * What a case expects: each upstream as {@code name dns=[cluster:host:port@priority/weight]
   * sni=...}, and the proxy's errors (type/reason: message).
   */
  record Case(
      String name,
      ExternalNames policy,
      HTTPProxy proxy,
      List<String> upstreams,
      List<String> errors) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final String OFF =
      " these are not currently enabled. See the hub's --enable-external-name-service flag"
          + " (Contour's config.enableExternalNameService)";

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "flag off: Contour's ServiceUnresolvedReference, the proxy invalid",
            ExternalNames.DISABLED,
            service("ext", 80, s -> {}),
            List.of(),
            List.of(
                "ServiceError/ServiceUnresolvedReference: spec.routes[0].services[0]: unresolved"
                    + " service reference: demo/ext is an ExternalName service,"
                    + OFF)),
        new Case(
            "flag on: a DNS upstream of the external name at the service port",
            ExternalNames.ENABLED,
            service("ext", 80, s -> {}),
            List.of("demo/ext/80/ dns=[hub:api.example.com:80@0/1] sni=-"),
            List.of()),
        new Case(
            "one cluster's mirror of a remote ExternalName: that cluster's name",
            ExternalNames.ENABLED,
            service("east-ext", 80, s -> {}),
            List.of("demo/east-ext/80/ dns=[east:api.east.example.com:80@0/1] sni=-"),
            List.of()),
        new Case(
            "federated over two clusters' ExternalNames: a locality each, with their priority and"
                + " weight",
            ExternalNames.ENABLED,
            service("multi", 80, s -> {}),
            List.of(
                "demo/multi/80/ dns=[east:a.example.com:80@0/2, west:b.example.com:80@1/1] sni=-"),
            List.of()),
        new Case(
            "over TLS (the Service's upstream-protocol.tls): the external name is the server name",
            ExternalNames.ENABLED,
            service("ext", 443, s -> {}),
            List.of("demo/ext/443/ dns=[hub:api.example.com:443@0/1] sni=api.example.com"),
            List.of()),
        new Case(
            "over TLS with a Host rewrite: the rewrite is the server name, as Contour's SNI",
            ExternalNames.ENABLED,
            service(
                "ext",
                443,
                s -> {
                  HTTPProxySpec.HeadersPolicy policy = new HTTPProxySpec.HeadersPolicy();
                  HTTPProxySpec.HeaderValue host = new HTTPProxySpec.HeaderValue();
                  host.setName("Host");
                  host.setValue("bucket.example.com");
                  policy.getSet().add(host);
                  s.setRequestHeadersPolicy(policy);
                }),
            List.of("demo/ext/443/ dns=[hub:api.example.com:443@0/1] sni=bucket.example.com"),
            List.of()),
        new Case(
            "over TLS, clusters naming different hosts: refused (one server name for all)",
            ExternalNames.ENABLED,
            service("multi", 80, s -> s.setProtocol("tls")),
            List.of(),
            List.of(
                "ServiceError/ServiceUnresolvedReference: spec.routes[0].services[0]: unresolved"
                    + " service reference: demo/multi is an ExternalName service whose clusters"
                    + " name different hosts [a.example.com, b.example.com], and over TLS one"
                    + " server name is sent to all of them: route to one cluster's mirror"
                    + " (<cluster>-multi) instead")),
        new Case(
            "a federated service of DNS and endpoints: refused, naming both",
            ExternalNames.ENABLED,
            service("mixed", 80, s -> {}),
            List.of(),
            List.of(
                "ServiceError/ServiceUnresolvedReference: spec.routes[0].services[0]: unresolved"
                    + " service reference: demo/mixed is an ExternalName service in cluster(s)"
                    + " east but has endpoints in west; Envoy resolves a cluster by DNS or is given"
                    + " its endpoints, not both: route to one cluster's mirror (<cluster>-mixed)"
                    + " instead")),
        new Case(
            "flag off, a federated service of DNS and endpoints: its endpoints serve (EDS), the"
                + " ExternalName cluster adds none",
            ExternalNames.DISABLED,
            service("mixed", 80, s -> {}),
            List.of("demo/mixed/80/ dns=[] sni=-"),
            List.of()),
        new Case(
            "an address that is not the gateway's own: taken as a name Envoy resolves",
            ExternalNames.ENABLED,
            service("address", 80, s -> {}),
            List.of("demo/address/80/ dns=[hub:192.0.2.10:80@0/1] sni=-"),
            List.of()));
  }

  static Stream<String> localNames() {
    return Stream.of(
        "home",
        "home-dot",
        "home-domain",
        "contour-home",
        "sub-home",
        "loopback",
        "loopback-short",
        "any",
        "loopback6");
  }

  private static HTTPProxy service(
      String name, int port, Consumer<HTTPProxySpec.RouteService> change) {
    HTTPProxySpec.Route r = new HTTPProxySpec.Route();
    r.getConditions().add(Fixtures.prefix("/"));
    HTTPProxySpec.RouteService s = routeService(name, port, null);
    change.accept(s);
    r.getServices().add(s);
    return proxy("demo/a").fqdn("ext.example.com").rawRoute(r).build();
  }

  private static String describe(Upstream u) {
    String prefix = u.name().substring(0, u.name().lastIndexOf('/') + 1);
    return prefix
        + " dns="
        + u.dns().stream()
            .map(
                d ->
                    d.cluster()
                        + ":"
                        + d.hostname()
                        + ":"
                        + u.port().port()
                        + "@"
                        + d.priority()
                        + "/"
                        + d.weight())
            .toList()
        + " sni="
        + (u.tls() == null || u.tls().sni() == null ? "-" : u.tls().sni());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void compiles(Case c) {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry", c.policy()).compile(List.of(c.proxy()), SNAPSHOT, Map.of());

    assertThat(result.table().upstreams().values())
        .extracting(ExternalNamesTest::describe)
        .containsExactlyElementsOf(c.upstreams());
    assertThat(result.verdicts())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.errors())
                  .extracting(e -> e.type() + "/" + e.reason() + ": " + e.message())
                  .isEqualTo(c.errors());
              assertThat(v.valid()).isEqualTo(c.errors().isEmpty());
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("localNames")
  void namesOfTheGatewaysOwnHostAreRefused(String service) {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry", ExternalNames.ENABLED)
            .compile(List.of(service(service, 80, s -> {})), SNAPSHOT, Map.of());

    assertThat(result.table().upstreams()).isEmpty();
    assertThat(result.verdicts())
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.errors())
                    .extracting(e -> e.type() + "/" + e.reason() + ": " + e.message())
                    .containsExactly(
                        "ServiceError/ServiceUnresolvedReference: spec.routes[0].services[0]:"
                            + " unresolved service reference: demo/"
                            + service
                            + " is an ExternalName service that points to localhost, this is not"
                            + " allowed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aDnsUpstreamNeverSharesAClusterNameWithAnEndpointOne(Case c) {
    // A Service turning ExternalName must get a new Envoy cluster (a type cannot change in place).
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry", c.policy()).compile(List.of(c.proxy()), SNAPSHOT, Map.of());
    for (Upstream u : result.table().upstreams().values()) {
      if (u.dns().isEmpty()) {
        continue;
      }
      FederatedService endpoints =
          Fixtures.service(u.service().name().toString())
              .port("http", 80)
              .port("https", 443, null, "tls")
              .cluster("hub", 0, 1, "http", "10.0.0.1:8080")
              .build();
      ProxyCompiler.Result plain =
          new ProxyCompiler("gantry", c.policy())
              .compile(
                  List.of(c.proxy()),
                  new FederationSnapshot(
                      Map.of(endpoints.name(), endpoints), Map.of(endpoints.name(), endpoints)),
                  Map.of());
      assertThat(plain.table().upstreams().keySet()).doesNotContain(u.name());
    }
  }
}
