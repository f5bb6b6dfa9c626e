package dev.gantry.xds.compile.ingress;

import static dev.gantry.xds.IngressFixtures.ingress;
import static dev.gantry.xds.IngressFixtures.path;
import static dev.gantry.xds.IngressFixtures.resourcePath;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ingress to routing model hosts. Each host is compared whole in a one-line rendering: {@code
 * namespace/ingress host [tls=secret]: match -> service:port [insecure], ...}, where a path-element
 * prefix shows as {@code prefix /foo (elements)}.
 */
class IngressConverterTest {
  private static final FederationSnapshot SNAPSHOT =
      snapshot(
          Fixtures.service("demo/web").port("http", 80).port("admin", 9090).build(),
          Fixtures.service("demo/api").port("", 8080).build());

  record Case(String name, List<Ingress> input, List<String> hosts, List<String> warnings) {
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

    assertThat(result.hosts().stream().map(IngressConverterTest::render).toList())
        .containsExactlyElementsOf(c.hosts());
    assertThat(result.warnings().stream().map(w -> w.ingress() + ": " + w.message()).toList())
        .containsExactlyElementsOf(c.warnings());
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "an annotation restricting access we do not implement: the Ingress is not served",
            List.of(
                ingress("demo/a")
                    .annotation("nginx.ingress.kubernetes.io/whitelist-source-range", "10.0.0.0/8")
                    .annotation("nginx.ingress.kubernetes.io/auth-url", "https://auth.test/")
                    .rule("a.example.com", path("/", "Prefix", "web", 80))
                    .build(),
                ingress("demo/b").rule("b.example.com", path("/", "Prefix", "web", 80)).build()),
            List.of("demo/b b.example.com: prefix / -> web:80"),
            List.of(
                "demo/a: not served: annotation(s) nginx.ingress.kubernetes.io/auth-url,"
                    + " nginx.ingress.kubernetes.io/whitelist-source-range restrict access, which"
                    + " Gantry does not implement")),
        new Case(
            "controller annotations we do not implement otherwise: served, each named; others"
                + " (tools', ours) pass unremarked",
            List.of(
                ingress("demo/a")
                    .annotation("projectcontour.io/max-body-size", "10m")
                    .annotation("ingress.kubernetes.io/force-ssl-redirect", "false")
                    .annotation("meta.helm.sh/release-name", "shop")
                    .rule("a.example.com", path("/", "Prefix", "web", 80))
                    .build()),
            List.of("demo/a a.example.com: prefix / -> web:80"),
            List.of(
                "demo/a: annotation projectcontour.io/max-body-size is not implemented; ignored")),
        new Case(
            "Contour's annotations: response timeout and retries on every route, WebSockets on the"
                + " paths named, a TLS minimum",
            List.of(
                ingress("demo/a")
                    .annotation("projectcontour.io/response-timeout", "10s")
                    .annotation("projectcontour.io/retry-on", "gateway-error, 5xx")
                    .annotation("projectcontour.io/num-retries", "3")
                    .annotation("projectcontour.io/per-try-timeout", "250ms")
                    .annotation("projectcontour.io/websocket-routes", "/ws , /live")
                    .annotation("projectcontour.io/tls-minimum-protocol-version", "1.3")
                    .tls("a-cert", "a.example.com")
                    .rule(
                        "a.example.com",
                        path("/ws", "Prefix", "web", 80),
                        path("/", "Prefix", "api", 8080))
                    .rule("b.example.com", path("/live", "Exact", "web", 80))
                    .build()),
            List.of(
                "demo/a a.example.com tls=a-cert min=1.3: prefix /ws (elements) -> web:80"
                    + " insecure timeout=PT10S retry=[5xx, gateway-error]x3 per-try=PT0.25S"
                    + " websockets, prefix / -> api:8080 insecure timeout=PT10S"
                    + " retry=[5xx, gateway-error]x3 per-try=PT0.25S",
                "demo/a b.example.com: exact /live -> web:80 timeout=PT10S"
                    + " retry=[5xx, gateway-error]x3 per-try=PT0.25S websockets"),
            List.of()),
        new Case(
            "Contour's retry counts: -1 disables retries, 0 is one retry; infinity: no timeout",
            List.of(
                ingress("demo/a")
                    .annotation("projectcontour.io/retry-on", "reset")
                    .annotation("projectcontour.io/num-retries", "-1")
                    .annotation("projectcontour.io/response-timeout", "infinity")
                    .rule("a.example.com", path("/", "Prefix", "web", 80))
                    .build(),
                ingress("demo/b")
                    .annotation("projectcontour.io/retry-on", "reset")
                    .annotation("projectcontour.io/num-retries", "0")
                    .rule("b.example.com", path("/", "Prefix", "web", 80))
                    .build()),
            List.of(
                "demo/a a.example.com: prefix / -> web:80 timeout=PT0S retry=[reset]x0",
                "demo/b b.example.com: prefix / -> web:80 retry=[reset]x1"),
            List.of()),
        new Case(
            "annotation values that do not read: served with the default, each named",
            List.of(
                ingress("demo/a")
                    .annotation("projectcontour.io/response-timeout", "soon")
                    .annotation("projectcontour.io/retry-on", "5xx,sometimes")
                    .annotation("projectcontour.io/tls-minimum-protocol-version", "1.1")
                    .annotation("projectcontour.io/websocket-routes", "/nope")
                    .tls("a-cert", "a.example.com")
                    .rule("a.example.com", path("/", "Prefix", "web", 80))
                    .build(),
                ingress("demo/b")
                    .annotation("projectcontour.io/retry-on", "5xx")
                    .annotation("projectcontour.io/num-retries", "many")
                    .annotation("projectcontour.io/per-try-timeout", "fast")
                    .rule("b.example.com", path("/", "Prefix", "web", 80))
                    .build(),
                ingress("demo/c")
                    .annotation("projectcontour.io/num-retries", "2")
                    .rule("c.example.com", path("/", "Prefix", "web", 80))
                    .build()),
            List.of(
                "demo/a a.example.com tls=a-cert: prefix / -> web:80 insecure",
                "demo/b b.example.com: prefix / -> web:80 retry=[5xx]x1",
                "demo/c c.example.com: prefix / -> web:80"),
            List.of(
                "demo/a: annotation projectcontour.io/response-timeout: \"soon\" is not a duration"
                    + " (e.g. 30s, infinity)",
                "demo/a: annotation projectcontour.io/retry-on: [sometimes] not among [5xx,"
                    + " cancelled, connect-failure, deadline-exceeded, gateway-error, internal,"
                    + " refused-stream, reset, resource-exhausted, retriable-4xx,"
                    + " retriable-headers, retriable-status-codes, unavailable]; no retries",
                "demo/a: annotation projectcontour.io/tls-minimum-protocol-version: \"1.1\" is not"
                    + " 1.2 or 1.3; TLS 1.2 is the minimum",
                "demo/a: annotation projectcontour.io/websocket-routes: \"/nope\" is not a path of"
                    + " this Ingress; ignored",
                "demo/b: annotation projectcontour.io/num-retries: \"many\" is not a number of"
                    + " retries from -1 to 100; one retry is made",
                "demo/b: annotation projectcontour.io/per-try-timeout: \"fast\" is not a duration"
                    + " (e.g. 250ms, 1s); no per-try timeout",
                "demo/c: annotation projectcontour.io/num-retries applies only with"
                    + " projectcontour.io/retry-on; ignored")),
        new Case(
            "Prefix: matched by whole path elements",
            List.of(
                ingress("demo/a").rule("a.example.com", path("/foo", "Prefix", "web", 80)).build()),
            List.of("demo/a a.example.com: prefix /foo (elements) -> web:80"),
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
                "demo/a a.example.com: prefix /foo (elements) -> web:80,"
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
                "demo/a a.example.com: exact /healthz -> web:80,"
                    + " prefix /static -> web:80, prefix / -> api:8080"),
            List.of()),
        new Case(
            "a rule without host goes to the * catch-all host; wildcard hosts stay as they are",
            List.of(
                ingress("demo/a")
                    .rule(null, path("/", "Prefix", "web", 80))
                    .rule("*.example.com", path("/", "Prefix", "api", 8080))
                    .build()),
            List.of("demo/a *: prefix / -> web:80", "demo/a *.example.com: prefix / -> api:8080"),
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
                "demo/a *: prefix / -> web:9090",
                "demo/a a.example.com: prefix /api (elements) -> api:8080,"
                    + " prefix / -> web:9090",
                "demo/a b.example.com: prefix / -> web:80"),
            List.of()),
        new Case(
            "defaultBackend alone: only the * host",
            List.of(ingress("demo/a").defaultBackend("web", 80).build()),
            List.of("demo/a *: prefix / -> web:80"),
            List.of()),
        new Case(
            "a named port is resolved against the service's ports",
            List.of(
                ingress("demo/a")
                    .rule("a.example.com", path("/", "Prefix", "web", "admin"))
                    .build()),
            List.of("demo/a a.example.com: prefix / -> web:9090"),
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
                "demo/a a.example.com tls=a-cert: prefix / -> web:80 insecure",
                "demo/a b.example.com: prefix / -> web:80"),
            List.of()),
        new Case(
            "TLS with force-ssl-redirect: plain HTTP is redirected (no permitInsecure)",
            List.of(
                ingress("demo/a")
                    .annotation("ingress.kubernetes.io/force-ssl-redirect", "true")
                    .rule("a.example.com", path("/", "Prefix", "web", 80))
                    .tls("a-cert", "a.example.com")
                    .build()),
            List.of("demo/a a.example.com tls=a-cert: prefix / -> web:80"),
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
            List.of("demo/by-annotation a.example.com: prefix / -> web:80"),
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
            List.of("demo/a a.example.com: prefix / -> web:80"),
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
            List.of("demo/a a.example.com: prefix / -> web:80"),
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
            List.of("demo/a a.example.com: prefix / -> web:80"),
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
            List.of("demo/a a.example.com: prefix / -> web:80"),
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
            List.of("demo/a a.example.com: prefix / -> web:80"),
            List.of(
                "demo/a: spec.rules[0].http.paths[0].path \"foo\" must start with /",
                "demo/a: spec.rules[0].http.paths[1].pathType \"Regex\" is not one of Exact,"
                    + " Prefix, ImplementationSpecific",
                "demo/a: spec.rules[0].http.paths[2].path \"/q?\" contains ? or #")),
        new Case(
            "the same match twice in one Ingress: the first is served",
            List.of(
                ingress("demo/a")
                    .rule(
                        "a.example.com",
                        path("/foo", "Prefix", "web", 80),
                        path("/foo/", "Prefix", "api", 8080))
                    .build()),
            List.of("demo/a a.example.com: prefix /foo (elements) -> web:80"),
            List.of(
                "demo/a: spec.rules[0].http.paths[1]: path \"/foo/\" (Prefix) is already routed;"
                    + " ignored")),
        new Case(
            "Prefix and ImplementationSpecific of one path are two matches, path elements first",
            List.of(
                ingress("demo/a")
                    .rule(
                        "a.example.com",
                        path("/foo", "ImplementationSpecific", "api", 8080),
                        path("/foo", "Prefix", "web", 80))
                    .build()),
            List.of(
                "demo/a a.example.com: prefix /foo (elements) -> web:80, prefix /foo -> api:8080"),
            List.of()),
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
                "demo/b b1.example.com: prefix / -> web:80",
                "demo/b b2.example.com: prefix / -> web:80",
                "demo/z z.example.com: prefix / -> web:80"),
            List.of(
                "demo/bad: spec.rules[0].http.paths[0].backend: service \"demo/nope\" is not found",
                "demo/bad: host \"bad.example.com\" has nothing left to serve (no valid path, no defaultBackend)")));
  }

  @Test
  void theIngressIsLeftAsItWas() {
    Ingress in =
        ingress("demo/a")
            .rule(null, path("/foo/", "Prefix", "web", "admin"))
            .tls("a-cert", "*")
            .build();
    Ingress copy = new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder(in).build();

    new IngressConverter("gantry").convert(List.of(in), SNAPSHOT);

    assertThat(in).isEqualTo(copy);
  }

  private static String render(IngressHost h) {
    StringBuilder out = new StringBuilder(h.ingress() + " " + h.host());
    if (h.secret() != null) {
      out.append(" tls=").append(h.secret());
      if (h.minimumVersion() != dev.gantry.xds.ir.VirtualHostTls.Version.TLS_1_2) {
        out.append(" min=").append(h.minimumVersion().contourName());
      }
    }
    List<String> routes = new ArrayList<>();
    for (RoutingTable.Route r : h.routes()) {
      RoutingTable.Match m = r.match();
      String condition =
          switch (m.pathKind()) {
            case EXACT -> "exact " + m.path();
            case SEGMENT_PREFIX -> "prefix " + m.path() + " (elements)";
            default -> "prefix " + m.path();
          };
      Upstream u = h.upstream(r);
      routes.add(
          condition
              + " -> "
              + u.service().name().name()
              + ":"
              + u.port().port()
              + (r.actions().permitInsecure() ? " insecure" : "")
              + (r.timeouts().response() == null ? "" : " timeout=" + r.timeouts().response())
              + (r.retry() == null
                  ? ""
                  : " retry="
                      + r.retry().retryOn()
                      + "x"
                      + r.retry().count()
                      + (r.retry().perTryTimeout() == null
                          ? ""
                          : " per-try=" + r.retry().perTryTimeout()))
              + (r.actions().websockets() ? " websockets" : ""));
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
