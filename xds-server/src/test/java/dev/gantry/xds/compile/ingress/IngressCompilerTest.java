package dev.gantry.xds.compile.ingress;

import static dev.gantry.xds.IngressFixtures.ingress;
import static dev.gantry.xds.IngressFixtures.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.RoutingTable.Match;
import dev.gantry.xds.ir.RoutingTable.PathKind;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.tls.TlsSecrets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ingress hosts compiled into the routing table next to HTTPProxies. */
class IngressCompilerTest {
  private static final FederationSnapshot SNAPSHOT =
      IngressConverterTest.snapshot(
          Fixtures.service("demo/web").port("http", 80).build(),
          Fixtures.service("demo/api").port("http", 80).build(),
          Fixtures.service("other/web").port("http", 80).build());

  private final IngressCompiler compiler = new IngressCompiler(new ProxyCompiler("gantry"));

  private static Match match(PathKind kind, String path) {
    return new Match(kind, path, List.of(), List.of());
  }

  @Test
  void pathTypesBecomeMatchesInKubernetesPrecedence() {
    IngressCompiler.Result result =
        compiler.compile(
            List.of(),
            List.of(
                ingress("demo/a")
                    .rule(
                        "a.example.com",
                        path("/", "Prefix", "web", 80),
                        path("/foo", "Prefix", "api", 80),
                        path("/foo/bar", "ImplementationSpecific", "web", 80),
                        path("/foo", "Exact", "web", 80))
                    .build()),
            SNAPSHOT);

    assertThat(result.warnings()).isEmpty();
    assertThat(result.table().virtualHosts())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.fqdn()).isEqualTo("a.example.com");
              assertThat(h.routes())
                  .extracting(RoutingTable.Route::match)
                  .containsExactly(
                      match(PathKind.EXACT, "/foo"),
                      match(PathKind.PREFIX, "/foo/bar"),
                      match(PathKind.SEGMENT_PREFIX, "/foo"),
                      match(PathKind.PREFIX, "/"));
            });
    assertThat(result.verdicts()).as("Ingresses get no HTTPProxy status").isEmpty();
  }

  @Test
  void hostlessRulesAndTheDefaultBackendServeTheCatchAllHost() {
    IngressCompiler.Result result =
        compiler.compile(
            List.of(),
            List.of(
                ingress("demo/a")
                    .rule(null, path("/foo", "Prefix", "api", 80))
                    .defaultBackend("web", 80)
                    .build()),
            SNAPSHOT);

    RoutingTable.VirtualHost any = result.table().virtualHosts().get(0);
    assertThat(any.fqdn()).isEqualTo(RoutingTable.ANY_HOST);
    assertThat(any.routes())
        .extracting(
            r ->
                r.match().pathKind() + " " + r.match().path() + " " + r.clusters().get(0).cluster())
        .containsExactly(
            "SEGMENT_PREFIX /foo " + cluster(result, "demo/api/80/"),
            "PREFIX / " + cluster(result, "demo/web/80/"));
  }

  @Test
  void ingressesOfOneHostAreMergedAndTheFirstByNameKeepsAPathBothRoute() {
    IngressCompiler.Result result =
        compiler.compile(
            List.of(),
            List.of(
                ingress("other/b")
                    .rule("shared.example.com", path("/b", "Prefix", "web", 80))
                    .rule("shared.example.com", path("/", "Prefix", "web", 80))
                    .build(),
                ingress("demo/a")
                    .rule("shared.example.com", path("/", "Prefix", "api", 80))
                    .build()),
            SNAPSHOT);

    RoutingTable.VirtualHost shared = result.table().virtualHosts().get(0);
    assertThat(shared.routes())
        .extracting(r -> r.match().path() + " " + r.clusters().get(0).cluster())
        .as("namespaces differ: each path reaches the service of its own Ingress's namespace")
        .containsExactly(
            "/b " + cluster(result, "other/web/80/"), "/ " + cluster(result, "demo/api/80/"));
    assertThat(result.warnings())
        .extracting(w -> w.ingress() + ": " + w.message())
        .containsExactly(
            "other/b: host \"shared.example.com\": path / is already routed by Ingress demo/a;"
                + " ignored");
  }

  @Test
  void anHttpProxyKeepsItsHostAndSharesClustersWithIngresses() {
    IngressCompiler.Result result =
        compiler.compile(
            List.of(
                Fixtures.proxy("demo/proxy")
                    .fqdn("taken.example.com")
                    .route("/", "web", 80, null)
                    .build()),
            List.of(
                ingress("demo/a")
                    .rule("taken.example.com", path("/", "Prefix", "api", 80))
                    .rule("free.example.com", path("/", "Prefix", "web", 80))
                    .build()),
            SNAPSHOT);

    assertThat(result.table().virtualHosts())
        .extracting(RoutingTable.VirtualHost::fqdn)
        .containsExactly("free.example.com", "taken.example.com");
    RoutingTable.VirtualHost taken = result.table().virtualHosts().get(1);
    RoutingTable.VirtualHost free = result.table().virtualHosts().get(0);
    assertThat(taken.routes().get(0).clusters().get(0).cluster())
        .as("the HTTPProxy's route, not the Ingress's")
        .startsWith("demo/web/80/")
        .isEqualTo(free.routes().get(0).clusters().get(0).cluster());
    assertThat(result.table().upstreams()).hasSize(1);
    assertThat(result.verdicts()).singleElement().satisfies(v -> assertThat(v.valid()).isTrue());
    assertThat(result.warnings())
        .extracting(IngressConverter.Warning::message)
        .containsExactly(
            "host \"taken.example.com\" is served by HTTPProxy demo/proxy; this Ingress's rules"
                + " for it are ignored");
  }

  @Test
  void anInvalidHttpProxyStillKeepsItsHostFromIngresses() {
    IngressCompiler.Result result =
        compiler.compile(
            List.of(
                Fixtures.proxy("demo/proxy")
                    .fqdn("taken.example.com")
                    .route("/", "nope", 80, null)
                    .build()),
            List.of(
                ingress("demo/a")
                    .rule("taken.example.com", path("/", "Prefix", "web", 80))
                    .build()),
            SNAPSHOT);

    assertThat(result.table().virtualHosts()).isEmpty();
    assertThat(result.verdicts()).singleElement().satisfies(v -> assertThat(v.valid()).isFalse());
    assertThat(result.warnings()).hasSize(1);
  }

  @Test
  void badIngressesLeaveTheOthersAndTheHttpProxiesServing() {
    IngressCompiler.Result result =
        compiler.compile(
            List.of(
                Fixtures.proxy("demo/proxy")
                    .fqdn("p.example.com")
                    .route("/", "web", 80, null)
                    .build(),
                Fixtures.proxy("demo/half-written")
                    .withoutSpec()
                    .annotation("projectcontour.io/ingress.class", "gantry")
                    .build()),
            List.of(
                ingress("demo/bad")
                    .rule("bad.example.com", path("/", "Prefix", "nope", 80))
                    .rule("Bad Host", path("/", "Prefix", "web", 80))
                    .build(),
                ingress("demo/good")
                    .rule("good.example.com", path("/", "Prefix", "web", 80))
                    .build()),
            SNAPSHOT);

    assertThat(result.table().virtualHosts())
        .extracting(RoutingTable.VirtualHost::fqdn)
        .containsExactly("good.example.com", "p.example.com");
    assertThat(result.warnings())
        .extracting(IngressConverter.Warning::ingress)
        .containsOnly("demo/bad");
  }

  @Test
  void withoutIngressesTheResultIsTheProxyCompilers() {
    List<dev.gantry.api.crd.contour.HTTPProxy> proxies =
        List.of(
            Fixtures.proxy("demo/proxy").fqdn("p.example.com").route("/", "web", 80, null).build());

    IngressCompiler.Result result = compiler.compile(proxies, List.of(), SNAPSHOT);
    ProxyCompiler.Result plain = new ProxyCompiler("gantry").compile(proxies, SNAPSHOT, Map.of());

    assertThat(result.table()).isEqualTo(plain.table());
    assertThat(result.verdicts()).isEqualTo(plain.verdicts());
  }

  /**
   * Contour reads ImplementationSpecific as a plain prefix and Prefix as a path-element prefix: two
   * matches, both served whether one Ingress or two route them, the path-element one first.
   */
  @Test
  void prefixAndImplementationSpecificOfOnePathAreBothServedInOneIngressAsInTwo() {
    IngressCompiler.Result one =
        compiler.compile(
            List.of(),
            List.of(
                ingress("demo/a")
                    .rule(
                        "a.example.com",
                        path("/foo", "ImplementationSpecific", "api", 80),
                        path("/foo", "Prefix", "web", 80))
                    .build()),
            SNAPSHOT);
    IngressCompiler.Result two =
        compiler.compile(
            List.of(),
            List.of(
                ingress("demo/a")
                    .rule("a.example.com", path("/foo", "ImplementationSpecific", "api", 80))
                    .build(),
                ingress("demo/b").rule("a.example.com", path("/foo", "Prefix", "web", 80)).build()),
            SNAPSHOT);

    for (IngressCompiler.Result result : List.of(one, two)) {
      assertThat(result.warnings()).isEmpty();
      assertThat(result.table().virtualHosts().get(0).routes())
          .extracting(r -> r.match().pathKind() + " " + r.clusters().get(0).cluster())
          .containsExactly(
              "SEGMENT_PREFIX " + cluster(result, "demo/web/80/"),
              "PREFIX " + cluster(result, "demo/api/80/"));
    }
    assertThat(two.table()).isEqualTo(one.table());
  }

  @Test
  void aTlsHostIsServedWithItsSecretAndWithoutItIsLeftOut() {
    VirtualHostTls.Certificate cert = new VirtualHostTls.Certificate("demo/a-cert", "chain", "key");
    List<io.fabric8.kubernetes.api.model.networking.v1.Ingress> ingresses =
        List.of(
            ingress("demo/a")
                .rule("a.example.com", path("/", "Prefix", "web", 80))
                .tls("a-cert", "a.example.com")
                .build());

    IngressCompiler.Result served =
        compiler.compile(
            List.of(),
            ingresses,
            SNAPSHOT,
            Map.of("demo/a-cert", new TlsSecrets.Outcome(cert, null)));
    IngressCompiler.Result missing = compiler.compile(List.of(), ingresses, SNAPSHOT);

    RoutingTable.VirtualHost host = served.table().virtualHosts().get(0);
    assertThat(host.tls().certificate()).isEqualTo(cert);
    assertThat(host.routes().get(0).actions().permitInsecure()).isTrue();
    assertThat(missing.table().virtualHosts()).isEmpty();
    assertThat(missing.table().upstreams()).isEmpty();
    assertThat(missing.warnings())
        .extracting(IngressConverter.Warning::message)
        .containsExactly(
            "host \"a.example.com\" is not served: SecretNotValid: Spec.VirtualHost.TLS Secret"
                + " \"a-cert\" is invalid: Secret not found in namespace \"demo\"");
  }

  private static String cluster(IngressCompiler.Result result, String prefix) {
    return result.table().upstreams().keySet().stream()
        .filter(k -> k.startsWith(prefix))
        .findFirst()
        .orElseThrow();
  }
}
