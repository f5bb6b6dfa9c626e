package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.compile.ServiceResolver;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.UpstreamProtocol;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The protocol a Service gives its port when the route names none, as Contour reads it: the port's
 * {@code appProtocol} when set, else the Service's {@code projectcontour.io/upstream-protocol.*}
 * annotations; a route's {@code protocol} wins over both. Ingress backends read it the same way.
 */
class ServiceProtocolTest {
  private static FederatedService service(String name, String appProtocol, String annotated) {
    return Fixtures.service("demo/" + name)
        .port("p", 443, appProtocol, annotated)
        .cluster("east", 0, 1, "p", "10.0.0.1:8443")
        .build();
  }

  private static final FederationSnapshot SNAPSHOT =
      new FederationSnapshot(
          Stream.of(
                  service("annotated-h2c", null, "h2c"),
                  service("annotated-tls", null, "tls"),
                  service("annotated-h2", null, "h2"),
                  service("app-h2c", "kubernetes.io/h2c", null),
                  service("app-https", "https", null),
                  service("app-grpc-annotated-tls", "grpc", "tls"),
                  service("app-http-annotated-h2", "http", "h2"),
                  service("plain", null, null))
              .collect(java.util.stream.Collectors.toMap(FederatedService::name, s -> s)),
          Map.of());

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("annotated-h2c", null, UpstreamProtocol.H2C),
        Arguments.of("annotated-tls", null, UpstreamProtocol.TLS),
        Arguments.of("annotated-h2", null, UpstreamProtocol.H2),
        Arguments.of("app-h2c", null, UpstreamProtocol.H2C),
        Arguments.of("app-https", null, UpstreamProtocol.TLS),
        // appProtocol, when set, is the only thing read: Contour's rule.
        Arguments.of("app-grpc-annotated-tls", null, UpstreamProtocol.HTTP1),
        Arguments.of("app-http-annotated-h2", null, UpstreamProtocol.HTTP1),
        Arguments.of("plain", null, UpstreamProtocol.HTTP1),
        // The route's protocol wins.
        Arguments.of("annotated-h2c", "tls", UpstreamProtocol.TLS),
        Arguments.of("app-https", "h2c", UpstreamProtocol.H2C));
  }

  @ParameterizedTest(name = "{0}, route protocol {1}: {2}")
  @MethodSource("cases")
  void aRouteWithoutProtocolSpeaksWhatTheServiceSays(
      String service, String routeProtocol, UpstreamProtocol expected) {
    HTTPProxySpec.Route r = new HTTPProxySpec.Route();
    r.getConditions().add(Fixtures.prefix("/"));
    HTTPProxySpec.RouteService s = Fixtures.routeService(service, 443, null);
    s.setProtocol(routeProtocol);
    r.getServices().add(s);
    HTTPProxy proxy = Fixtures.proxy("demo/a").fqdn("a.example.com").rawRoute(r).build();

    ProxyCompiler.Result result =
        new ProxyCompiler("gantry").compile(List.of(proxy), SNAPSHOT, Map.of());

    assertThat(result.verdicts().get(0).errors()).isEmpty();
    assertThat(result.table().upstreams().values())
        .singleElement()
        .extracting(Upstream::protocol)
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("cases")
  void anIngressBackendSpeaksWhatTheServiceSays(
      String service, String routeProtocol, UpstreamProtocol expected) {
    if (routeProtocol != null) {
      return; // an Ingress has no protocol of its own
    }
    Upstream upstream =
        ServiceResolver.resolve("demo", service, 443, null, SNAPSHOT, "spec.rules[0]").value();

    assertThat(upstream.protocol()).isEqualTo(expected);
  }
}
