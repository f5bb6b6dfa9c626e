package dev.gantry.xds.compile.ingress;

import static dev.gantry.xds.IngressFixtures.ingress;
import static dev.gantry.xds.IngressFixtures.path;
import static dev.gantry.xds.IngressFixtures.resourcePath;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ingress to synthetic HTTPProxies. Each synthetic proxy is compared whole in a one-line rendering:
 * {@code namespace/name fqdn [tls=secret]: condition -> service:port [insecure], ...}, where a
 * Prefix path shows as {@code prefix /foo (elements)}.
 */
class IngressConverterTest {
  private static final FederationSnapshot SNAPSHOT =
      snapshot(
          Fixtures.service("demo/web").port("http", 80).port("admin", 9090).build(),
          Fixtures.service("demo/api").port("", 8080).build());

  record Case(String name, List<Ingress> input, List<String> proxies, List<String> warnings) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void converts(Case c) {
    IngressConverter.Conversion result =
        new IngressConverter("gantry").convert(c.input(), SNAPSHOT);

    assertThat(result.proxies().stream().map(IngressConverterTest::render).toList())
        .containsExactlyElementsOf(c.proxies());
    assertThat(result.warnings().stream().map(w -> w.ingress() + ": " + w.message()).toList())
        .containsExactlyElementsOf(c.warnings());
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "Prefix: matched by whole path elements",
            List.of(
                ingress("demo/a").rule("a.example.com", path("/foo", "Prefix", "web", 80)).build()),
            List.of("demo/ingress/a/a.example.com a.example.com: prefix /foo (elements) -> web:80"),
            List.of()),
        new Case(
            "Prefix: a trailing slash is ignored; Prefix / is a plain prefix",
            List.of(
                ingress("demo/a")
                    .rule(
                        "a.example.com",
                        path("/foo/", "Prefix", "web", 80),
                        path("/", "Prefix", "api", 8080))
                    .build()),
            List.of(
                "demo/ingress/a/a.example.com a.example.com: prefix /foo (elements) -> web:80,"
                    + " prefix / -> api:8080"),
            List.of()),
        new Case(
            "Exact and ImplementationSpecific (a plain prefix); an empty path is /",
            List.of(
                ingress("demo/a")
                    .rule(
                        "a.example.com",
                        path("/healthz", "Exact", "web", 80),
                        path("/static", "ImplementationSpecific", "web", 80),
                        path(null, "ImplementationSpecific", "api", 8080))
                    .build()),
            List.of(
                "demo/ingress/a/a.example.com a.example.com: exact /healthz -> web:80,"
                    + " prefix /static -> web:80, prefix / -> api:8080"),
            List.of()),
        new Case(
            "a rule without host goes to the * catch-all host; wildcard hosts stay as they are",
            List.of(
                ingress("demo/a")
                    .rule(null, path("/", "Prefix", "web", 80))
                    .rule("*.example.com", path("/", "Prefix", "api", 8080))
                    .build()),
            List.of(
                "demo/ingress/a/* *: prefix / -> web:80",
                "demo/ingress/a/*.example.com *.example.com: prefix / -> api:8080"),
            List.of()),
        new Case(
            "defaultBackend: / of the * host and of every host without a / path",
            List.of(
                ingress("demo/a")
                    .rule("a.example.com", path("/api", "Prefix", "api", 8080))
                    .rule("b.example.com", path("/", "ImplementationSpecific", "web", 80))
                    .defaultBackend("web", "admin")
                    .build()),
            List.of(
                "demo/ingress/a/* *: prefix / -> web:9090",
                "demo/ingress/a/a.example.com a.example.com: prefix /api (elements) -> api:8080,"
                    + " prefix / -> web:9090",
                "demo/ingress/a/b.example.com b.example.com: prefix / -> web:80"),
            List.of()),
        new Case(
            "defaultBackend alone: only the * host",
            List.of(ingress("demo/a").defaultBackend("web", 80).build()),
            List.of("demo/ingress/a/* *: prefix / -> web:80"),
            List.of()),
        new Case(
            "a named port is resolved against the service's ports",
            List.of(
                ingress("demo/a")
                    .rule("a.example.com", path("/", "Prefix", "web", "admin"))
                    .build()),
            List.of("demo/ingress/a/a.example.com a.example.com: prefix / -> web:9090"),
            List.of()),
        new Case(
            "TLS: the secret of the hosts it names; their routes also serve plain HTTP",
            List.of(
                ingress("demo/a")
                    .rule("a.example.com", path("/", "Prefix", "web", 80))
                    .rule("b.example.com", path("/", "Prefix", "web", 80))
                    .tls("a-cert", "a.example.com")
                    .build()),
            List.of(
                "demo/ingress/a/a.example.com a.example.com tls=a-cert: prefix / -> web:80 insecure",
                "demo/ingress/a/b.example.com b.example.com: prefix / -> web:80"),
            List.of()),
        new Case(
            "TLS with force-ssl-redirect: plain HTTP is redirected (no permitInsecure)",
            List.of(
                ingress("demo/a")
                    .annotation("ingress.kubernetes.io/force-ssl-redirect", "true")
                    .rule("a.example.com", path("/", "Prefix", "web", 80))
                    .tls("a-cert", "a.example.com")
                    .build()),
            List.of("demo/ingress/a/a.example.com a.example.com tls=a-cert: prefix / -> web:80"),
            List.of()),
        new Case(
            "ours by annotation; another class, or none at all, is ignored",
            List.of(
                ingress("demo/by-annotation")
                    .className(null)
                    .annotation("kubernetes.io/ingress.class", "gantry")
                    .rule("a.example.com", path("/", "Prefix", "web", 80))
                    .build(),
                ingress("demo/nginx")
                    .className("nginx")
                    .rule("b.example.com", path("/", "Prefix", "web", 80))
                    .build(),
                ingress("demo/no-class")
                    .className(null)
                    .rule("c.example.com", path("/", "Prefix", "web", 80))
                    .build()),
            List.of("demo/ingress/by-annotation/a.example.com a.example.com: prefix / -> web:80"),
            List.of()),
        new Case(
            "a missing service leaves out that path only",
            List.of(
                ingress("demo/a")
                    .rule(
                        "a.example.com",
                        path("/gone", "Prefix", "nope", 80),
                        path("/", "Prefix", "web", 80))
                    .build()),
            List.of("demo/ingress/a/a.example.com a.example.com: prefix / -> web:80"),
            List.of(
                "demo/a: spec.rules[0].http.paths[0].backend: service \"demo/nope\" is not found")),
        new Case(
            "port out of range, a port the service lacks, an unknown port name",
            List.of(
                ingress("demo/a")
                    .rule(
                        "a.example.com",
                        path("/big", "Prefix", "web", 70000),
                        path("/other", "Prefix", "web", 81),
                        path("/named", "Prefix", "web", "grpc"),
                        path("/", "Prefix", "web", 80))
                    .build()),
            List.of("demo/ingress/a/a.example.com a.example.com: prefix / -> web:80"),
            List.of(
                "demo/a: spec.rules[0].http.paths[0].backend.service.port.number 70000 is not"
                    + " 1-65535",
                "demo/a: spec.rules[0].http.paths[1].backend: service \"demo/web\" has no port 81",
                "demo/a: spec.rules[0].http.paths[2].backend: service \"demo/web\" has no port"
                    + " named \"grpc\"")),
        new Case(
            "a resource backend is not supported",
            List.of(
                ingress("demo/a")
                    .rule("a.example.com", resourcePath("/assets"), path("/", "Prefix", "web", 80))
                    .build()),
            List.of("demo/ingress/a/a.example.com a.example.com: prefix / -> web:80"),
            List.of(
                "demo/a: spec.rules[0].http.paths[0].backend: resource backends are not"
                    + " supported")),
        new Case(
            "a bad host leaves out its rule; the other rules serve",
            List.of(
                ingress("demo/a")
                    .rule("bad_host!.example.com", path("/", "Prefix", "web", 80))
                    .rule("a.example.com", path("/", "Prefix", "web", 80))
                    .build()),
            List.of("demo/ingress/a/a.example.com a.example.com: prefix / -> web:80"),
            List.of(
                "demo/a: spec.rules[0].host \"bad_host!.example.com\" is not a valid host name")),
        new Case(
            "a relative path, an unknown pathType, a Prefix path with ?",
            List.of(
                ingress("demo/a")
                    .rule(
                        "a.example.com",
                        path("foo", "ImplementationSpecific", "web", 80),
                        path("/x", "Regex", "web", 80),
                        path("/q?", "Prefix", "web", 80),
                        path("/", "Prefix", "web", 80))
                    .build()),
            List.of("demo/ingress/a/a.example.com a.example.com: prefix / -> web:80"),
            List.of(
                "demo/a: spec.rules[0].http.paths[0].path \"foo\" must start with /",
                "demo/a: spec.rules[0].http.paths[1].pathType \"Regex\" is not one of Exact,"
                    + " Prefix, ImplementationSpecific",
                "demo/a: spec.rules[0].http.paths[2].path \"/q?\" contains ? or #")),
        new Case(
            "the same path twice in one Ingress: the first is served",
            List.of(
                ingress("demo/a")
                    .rule(
                        "a.example.com",
                        path("/foo", "Prefix", "web", 80),
                        path("/foo", "ImplementationSpecific", "api", 8080))
                    .build()),
            List.of("demo/ingress/a/a.example.com a.example.com: prefix /foo (elements) -> web:80"),
            List.of(
                "demo/a: spec.rules[0].http.paths[1]: path \"/foo\" (ImplementationSpecific) is"
                    + " already routed; ignored")),
        new Case(
            "nothing to serve: no spec, a host without paths, a backend without a port",
            List.of(
                ingress("demo/a")
                    .withoutSpec()
                    .annotation("kubernetes.io/ingress.class", "gantry")
                    .build(),
                ingress("demo/b").bareRule("b.example.com").build(),
                ingress("demo/c")
                    .rule(
                        "c.example.com",
                        path("/", "Prefix", "web", null),
                        path("/x", "Prefix", "", 80))
                    .build()),
            List.of(),
            List.of(
                "demo/a: spec is missing",
                "demo/b: host \"b.example.com\" has nothing left to serve (no valid path, no defaultBackend)",
                "demo/c: spec.rules[0].http.paths[0].backend.service.port needs exactly one of"
                    + " number, name",
                "demo/c: spec.rules[0].http.paths[1].backend.service.name is empty",
                "demo/c: host \"c.example.com\" has nothing left to serve (no valid path, no defaultBackend)")),
        new Case(
            "a bad Ingress does not stop another one; output is sorted by Ingress then host",
            List.of(
                ingress("demo/z").rule("z.example.com", path("/", "Prefix", "web", 80)).build(),
                ingress("demo/bad")
                    .rule("bad.example.com", path("/", "Prefix", "nope", 80))
                    .build(),
                ingress("demo/b")
                    .rule("b2.example.com", path("/", "Prefix", "web", 80))
                    .rule("b1.example.com", path("/", "Prefix", "web", 80))
                    .build()),
            List.of(
                "demo/ingress/b/b1.example.com b1.example.com: prefix / -> web:80",
                "demo/ingress/b/b2.example.com b2.example.com: prefix / -> web:80",
                "demo/ingress/z/z.example.com z.example.com: prefix / -> web:80"),
            List.of(
                "demo/bad: spec.rules[0].http.paths[0].backend: service \"demo/nope\" is not found",
                "demo/bad: host \"bad.example.com\" has nothing left to serve (no valid path, no defaultBackend)")));
  }

  @Test
  void syntheticProxiesAreOfOurClassWithTheIngressGeneration() {
    Ingress in = ingress("demo/a").rule("a.example.com", path("/", "Prefix", "web", 80)).build();
    in.getMetadata().setGeneration(7L);

    IngressConverter.Synthetic s =
        new IngressConverter("gantry").convert(List.of(in), SNAPSHOT).proxies().get(0);

    assertThat(s.ingress()).isEqualTo("demo/a");
    assertThat(s.proxy().getSpec().getIngressClassName()).isEqualTo("gantry");
    assertThat(s.proxy().getMetadata().getGeneration()).isEqualTo(7L);
    assertThat(new ProxyCompiler("gantry").ours(s.proxy())).isTrue();
  }

  private static String render(IngressConverter.Synthetic s) {
    HTTPProxySpec.VirtualHost vhost = s.proxy().getSpec().getVirtualhost();
    StringBuilder out =
        new StringBuilder(
            s.proxy().getMetadata().getNamespace()
                + "/"
                + s.proxy().getMetadata().getName()
                + " "
                + vhost.getFqdn());
    if (vhost.getTls() != null) {
      out.append(" tls=").append(vhost.getTls().getSecretName());
    }
    List<String> routes = new ArrayList<>();
    for (HTTPProxySpec.Route r : s.proxy().getSpec().getRoutes()) {
      HTTPProxySpec.MatchCondition c = r.getConditions().get(0);
      String condition =
          c.getExact() != null
              ? "exact " + c.getExact()
              : "prefix "
                  + c.getPrefix()
                  + (s.segmentPrefixes().contains(c.getPrefix()) ? " (elements)" : "");
      String services =
          r.getServices().stream()
              .map(x -> x.getName() + ":" + x.getPort())
              .collect(Collectors.joining(" "));
      routes.add(
          condition
              + " -> "
              + services
              + (Boolean.TRUE.equals(r.getPermitInsecure()) ? " insecure" : ""));
    }
    return out.append(": ").append(String.join(", ", routes)).toString();
  }

  static FederationSnapshot snapshot(FederatedService... services) {
    Map<ServiceName, FederatedService> byName = new java.util.TreeMap<>();
    for (FederatedService s : services) {
      byName.put(s.name(), s);
    }
    return new FederationSnapshot(byName, Map.of());
  }
}
