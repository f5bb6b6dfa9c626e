package dev.gantry.xds.compile.gateway;

import static dev.gantry.xds.GatewayApiFixtures.from;
import static dev.gantry.xds.GatewayApiFixtures.gantryClass;
import static dev.gantry.xds.GatewayApiFixtures.gateway;
import static dev.gantry.xds.GatewayApiFixtures.grant;
import static dev.gantry.xds.GatewayApiFixtures.http;
import static dev.gantry.xds.GatewayApiFixtures.https;
import static dev.gantry.xds.GatewayApiFixtures.parent;
import static dev.gantry.xds.GatewayApiFixtures.route;
import static dev.gantry.xds.GatewayApiFixtures.rule;
import static dev.gantry.xds.GatewayApiFixtures.service;
import static dev.gantry.xds.TlsRouteFixtures.backend;
import static dev.gantry.xds.TlsRouteFixtures.created;
import static dev.gantry.xds.TlsRouteFixtures.inNamespace;
import static dev.gantry.xds.TlsRouteFixtures.kinds;
import static dev.gantry.xds.TlsRouteFixtures.passthrough;
import static dev.gantry.xds.TlsRouteFixtures.serviceImportBackend;
import static dev.gantry.xds.TlsRouteFixtures.tls;
import static dev.gantry.xds.TlsRouteFixtures.tlsRoute;
import static dev.gantry.xds.compile.gateway.GatewayApiCompilerTest.CERTS;
import static dev.gantry.xds.compile.gateway.GatewayApiCompilerTest.SNAPSHOT;
import static dev.gantry.xds.compile.gateway.GatewayApiCompilerTest.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.WeightedCluster;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TLS listeners and TLSRoutes in, passthrough hosts and statuses out. Tests named after an upstream
 * conformance test follow its objects and expectations.
 */
class TlsRouteTest {
  private final GatewayApiCompiler compiler = new GatewayApiCompiler(ExternalNames.DISABLED);

  private GatewayApiCompiler.Result compile(
      List<Gateway> gateways,
      List<HTTPRoute> httpRoutes,
      List<TLSRoute> tlsRoutes,
      List<ReferenceGrant> grants,
      Map<String, String> claimed) {
    return compiler.compile(
        new GatewayApiObjects(
            List.of(gantryClass()), gateways, httpRoutes, List.of(), grants, Map.of(), tlsRoutes),
        SNAPSHOT,
        CERTS,
        claimed);
  }

  private GatewayApiCompiler.Result compile(Gateway gateway, TLSRoute... routes) {
    return compile(List.of(gateway), List.of(), List.of(routes), List.of(), Map.of());
  }

  /** demo/gw: one TLS passthrough listener for *.example.com on 443, TLSRoutes only. */
  private static Gateway passthroughGateway() {
    return gateway(
        "demo/gw", kinds(passthrough("https", 443, "*.example.com"), Listeners.TLS_ROUTE));
  }

  private static RouteParentStatus parentOf(GatewayApiCompiler.Result r, String route) {
    return r.statuses().tlsRoutes().get(route).getParents().get(0);
  }

  private static String accepted(GatewayApiCompiler.Result r, String route) {
    return condition(parentOf(r, route).getConditions(), "Accepted");
  }

  private static String resolved(GatewayApiCompiler.Result r, String route) {
    return condition(parentOf(r, route).getConditions(), "ResolvedRefs");
  }

  private static ListenerStatus listener(GatewayApiCompiler.Result r, String gateway, int i) {
    return r.statuses().gateways().get(gateway).getListeners().get(i);
  }

  private static RoutingTable.VirtualHost host(GatewayApiCompiler.Result r, String fqdn) {
    return r.hosts().stream().filter(h -> h.fqdn().equals(fqdn)).findFirst().orElseThrow();
  }

  /** The host's passthrough clusters as {@code service=weight}, the invalid share by its name. */
  private static List<String> passedTo(GatewayApiCompiler.Result r, String fqdn) {
    RoutingTable.VirtualHost h = host(r, fqdn);
    assertThat(h.tls()).isNotNull();
    assertThat(h.tls().passthrough()).isTrue();
    return h.tls().tcpProxy().stream()
        .map(
            c ->
                (c.cluster().equals(WeightedCluster.INVALID_BACKEND)
                        ? c.cluster()
                        : c.cluster().substring(0, c.cluster().lastIndexOf('/')))
                    + "="
                    + c.weight())
        .toList();
  }

  private static List<String> kindsOf(ListenerStatus l) {
    return l.getSupportedKinds().stream().map(RouteGroupKind::getKind).toList();
  }

  @Test
  void tlsRouteSimpleSameNamespace() {
    TLSRoute route =
        tlsRoute(
            "demo/gateway-conformance-infra-test",
            List.of("abc.example.com"),
            List.of(parent("demo/gw", null)),
            serviceImportBackend("web", 80));
    route.getMetadata().setGeneration(3L);
    GatewayApiCompiler.Result r = compile(passthroughGateway(), route);

    assertThat(passedTo(r, "abc.example.com")).containsExactly("demo/web/80=1");
    assertThat(host(r, "abc.example.com").routes()).isEmpty();
    String cluster = host(r, "abc.example.com").tls().tcpProxy().get(0).cluster();
    assertThat(r.upstreams().get(cluster).federated()).isTrue();
    assertThat(accepted(r, "demo/gateway-conformance-infra-test")).isEqualTo("True/Accepted");
    assertThat(resolved(r, "demo/gateway-conformance-infra-test")).isEqualTo("True/ResolvedRefs");
    assertThat(parentOf(r, "demo/gateway-conformance-infra-test").getConditions())
        .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3L));
    assertThat(parentOf(r, "demo/gateway-conformance-infra-test").getControllerName())
        .isEqualTo(GatewayApiCompiler.CONTROLLER_NAME);
    ListenerStatus l = listener(r, "demo/gw", 0);
    assertThat(l.getAttachedRoutes()).isEqualTo(1);
    assertThat(kindsOf(l)).containsExactly("TLSRoute");
    assertThat(condition(l.getConditions(), "Programmed")).isEqualTo("True/Programmed");
    assertThat(r.statuses().httpRoutes()).isEmpty();
  }

  @Test
  void tlsRouteListenerPassthroughSupportedKinds() {
    Gateway g =
        gateway(
            "demo/gateway-tlsroute-passthrough-supported-kind",
            kinds(passthrough("tls-passthrough", 443, null), "TLSRoute", "TCPRoute"));
    GatewayApiCompiler.Result r = compile(g);

    ListenerStatus l = listener(r, "demo/gateway-tlsroute-passthrough-supported-kind", 0);
    assertThat(kindsOf(l)).containsExactly("TLSRoute");
    assertThat(condition(l.getConditions(), "ResolvedRefs")).isEqualTo("False/InvalidRouteKinds");
    assertThat(l.getAttachedRoutes()).isZero();
  }

  @Test
  void aTlsListenerWithoutKindsAllowsTlsRoutesOnly() {
    GatewayApiCompiler.Result r =
        compile(gateway("demo/gw", passthrough("tls", 443, "*.example.com")));

    ListenerStatus l = listener(r, "demo/gw", 0);
    assertThat(kindsOf(l)).containsExactly("TLSRoute");
    assertThat(condition(l.getConditions(), "Accepted")).isEqualTo("True/Accepted");
    assertThat(condition(l.getConditions(), "ResolvedRefs")).isEqualTo("True/ResolvedRefs");
  }

  @Test
  void tlsRouteListenerTerminateNotSupported() {
    Gateway g =
        gateway(
            "demo/gateway-tlsroute-terminate-unsupported",
            kinds(tls("tls-terminate", 443, null, "Terminate"), "TLSRoute"));
    GatewayApiCompiler.Result r =
        compile(
            g,
            tlsRoute(
                "demo/t",
                List.of("abc.example.com"),
                List.of(parent("demo/gateway-tlsroute-terminate-unsupported", null)),
                backend("web", 80, null)));

    ListenerStatus l = listener(r, "demo/gateway-tlsroute-terminate-unsupported", 0);
    assertThat(condition(l.getConditions(), "Accepted")).isEqualTo("False/UnsupportedValue");
    assertThat(l.getAttachedRoutes()).isZero();
    assertThat(
            condition(
                r.statuses().gateways().values().iterator().next().getConditions(), "Accepted"))
        .isEqualTo("False/ListenersNotValid");
    // Fail closed: nothing of the route is served, terminated or not.
    assertThat(r.hosts()).isEmpty();
    assertThat(accepted(r, "demo/t")).isEqualTo("False/NoMatchingParent");
  }

  @Test
  void aTlsListenerWithoutModeIsTerminateAndRefused() {
    Gateway g = gateway("demo/gw", tls("tls", 443, null, null));
    assertThat(condition(listener(compile(g), "demo/gw", 0).getConditions(), "Accepted"))
        .isEqualTo("False/UnsupportedValue");
  }

  @Test
  void httpRouteDisallowedKind() {
    Gateway g = gateway("demo/tlsroutes-only", kinds(passthrough("tls", 443, null), "TLSRoute"));
    HTTPRoute disallowed =
        route(
            "demo/disallowed-kind",
            List.of(),
            List.of(parent("demo/tlsroutes-only", null)),
            rule(service("web", 80, null)));
    GatewayApiCompiler.Result r =
        compile(List.of(g), List.of(disallowed), List.of(), List.of(), Map.of());

    assertThat(
            condition(
                r.statuses()
                    .httpRoutes()
                    .get("demo/disallowed-kind")
                    .getParents()
                    .get(0)
                    .getConditions(),
                "Accepted"))
        .isEqualTo("False/NotAllowedByListeners");
    assertThat(listener(r, "demo/tlsroutes-only", 0).getAttachedRoutes()).isZero();
    assertThat(r.hosts()).isEmpty();
  }

  @Test
  void tlsRouteInvalidNoMatchingListener() {
    Gateway httpOnly = gateway("demo/gateway-http-only", kinds(http("http", 80, null), "TLSRoute"));
    Gateway httpRouteOnly =
        gateway(
            "demo/gateway-tls-httproute-only",
            kinds(http("http", 80, "tls.example.com"), "HTTPRoute"));
    Gateway httpsOnly =
        gateway(
            "demo/gateway-https-only",
            kinds(https("https", 443, null, "cert"), "HTTPRoute", "GRPCRoute"));
    List<TLSRoute> routes =
        List.of(
            tlsRoute(
                "demo/tlsroute-no-matching-listener",
                List.of("tls.example.com"),
                List.of(parent("demo/gateway-http-only", null)),
                backend("web", 80, null)),
            tlsRoute(
                "demo/tlsroute-not-allowed-kind",
                List.of("tls.example.com"),
                List.of(parent("demo/gateway-tls-httproute-only", null)),
                backend("web", 80, null)),
            tlsRoute(
                "demo/tlsroute-wrong-protocol",
                List.of("tls.example.com"),
                List.of(parent("demo/gateway-https-only", null)),
                backend("web", 80, null)),
            tlsRoute(
                "demo/tlsroute-wrong-section-name",
                List.of("tls.example.com"),
                List.of(parent("demo/gateway-http-only", "nonexistent-listener")),
                backend("web", 80, null)));
    GatewayApiCompiler.Result r =
        compile(
            List.of(httpOnly, httpRouteOnly, httpsOnly), List.of(), routes, List.of(), Map.of());

    // An HTTP listener allowing TLSRoutes only allows nothing it can serve: not programmed.
    ListenerStatus l = listener(r, "demo/gateway-http-only", 0);
    assertThat(condition(l.getConditions(), "ResolvedRefs")).isEqualTo("False/InvalidRouteKinds");
    assertThat(kindsOf(l)).isEmpty();
    assertThat(accepted(r, "demo/tlsroute-no-matching-listener"))
        .isEqualTo("False/NoMatchingParent");
    assertThat(accepted(r, "demo/tlsroute-not-allowed-kind"))
        .isEqualTo("False/NotAllowedByListeners");
    assertThat(accepted(r, "demo/tlsroute-wrong-protocol"))
        .isEqualTo("False/NotAllowedByListeners");
    assertThat(accepted(r, "demo/tlsroute-wrong-section-name")).isEqualTo("False/NoMatchingParent");
    assertThat(r.statuses().gateways().values())
        .allSatisfy(
            g ->
                assertThat(g.getListeners())
                    .allSatisfy(x -> assertThat(x.getAttachedRoutes()).isZero()));
    assertThat(r.hosts()).isEmpty();
  }

  @Test
  void tlsRouteInvalidNoMatchingListenerHostname() {
    Gateway g =
        gateway(
            "demo/gateway-tls-hostname",
            kinds(passthrough("tls", 443, "www.example.com"), "TLSRoute"));
    TLSRoute route =
        tlsRoute(
            "demo/tlsroute-hostname-mismatch",
            List.of("www.example1.com"),
            List.of(parent("demo/gateway-tls-hostname", null)),
            backend("web", 80, null));
    route.getSpec().getParentRefs().get(0).setPort(443);
    GatewayApiCompiler.Result r = compile(g, route);

    assertThat(accepted(r, "demo/tlsroute-hostname-mismatch"))
        .isEqualTo("False/NoMatchingListenerHostname");
    assertThat(listener(r, "demo/gateway-tls-hostname", 0).getAttachedRoutes()).isZero();
    assertThat(r.hosts()).isEmpty();
  }

  @Test
  void tlsRouteHostnameIntersection() {
    Gateway exact =
        gateway("demo/gw-exact", kinds(passthrough("l", 443, "abc.example.com"), "TLSRoute"));
    Gateway wildcard =
        gateway("demo/gw-wildcard", kinds(passthrough("l", 443, "*.example.org"), "TLSRoute"));
    Gateway none = gateway("demo/gw-none", kinds(passthrough("l", 443, null), "TLSRoute"));
    List<TLSRoute> routes =
        List.of(
            // a more specific wildcard on an exact listener: the listener's name
            tlsRoute(
                "demo/more-specific-wc-x-1",
                List.of("*.example.com"),
                List.of(parent("demo/gw-exact", null)),
                backend("east-web", 80, null)),
            // an exact name and a less specific wildcard on a wildcard listener
            tlsRoute(
                "demo/exact-x-2",
                List.of("abc.example.org"),
                List.of(parent("demo/gw-wildcard", null)),
                backend("east-web", 80, null)),
            tlsRoute(
                "demo/less-specific-wc-x-2",
                List.of("*.org"),
                List.of(parent("demo/gw-wildcard", null)),
                backend("west-web", 80, null)),
            // any name on a listener without one
            tlsRoute(
                "demo/exact-x-4",
                List.of("abc.example.net"),
                List.of(parent("demo/gw-none", null)),
                backend("east-web", 80, null)),
            tlsRoute(
                "demo/wc-x-4",
                List.of("*.example.net"),
                List.of(parent("demo/gw-none", null)),
                backend("west-web", 80, null)));
    GatewayApiCompiler.Result r =
        compile(List.of(exact, wildcard, none), List.of(), routes, List.of(), Map.of());

    assertThat(r.hosts())
        .extracting(RoutingTable.VirtualHost::fqdn)
        .containsExactly(
            "*.example.net",
            "*.example.org",
            "abc.example.com",
            "abc.example.net",
            "abc.example.org");
    assertThat(passedTo(r, "abc.example.com")).containsExactly("demo/east-web/80=1");
    assertThat(passedTo(r, "abc.example.org")).containsExactly("demo/east-web/80=1");
    // *.org on a listener for *.example.org: the listener's, so other.example.org goes there
    assertThat(passedTo(r, "*.example.org")).containsExactly("demo/west-web/80=1");
    assertThat(passedTo(r, "abc.example.net")).containsExactly("demo/east-web/80=1");
    assertThat(passedTo(r, "*.example.net")).containsExactly("demo/west-web/80=1");
    for (String route : r.statuses().tlsRoutes().keySet()) {
      assertThat(accepted(r, route)).as(route).isEqualTo("True/Accepted");
      assertThat(resolved(r, route)).as(route).isEqualTo("True/ResolvedRefs");
    }
  }

  @Test
  void tlsRouteInvalidBackendRefNonexistent() {
    Gateway g =
        gateway(
            "demo/gateway-tlsroute-invalid-backend-ref-nonexistent", passthrough("tls", 443, null));
    GatewayApiCompiler.Result r =
        compile(
            g,
            tlsRoute(
                "demo/invalid-backend-ref-nonexistent",
                List.of("example.com"),
                List.of(parent("demo/gateway-tlsroute-invalid-backend-ref-nonexistent", null)),
                inNamespace(backend("nonexistent", 443, null), "demo")));

    assertThat(accepted(r, "demo/invalid-backend-ref-nonexistent")).isEqualTo("True/Accepted");
    assertThat(resolved(r, "demo/invalid-backend-ref-nonexistent"))
        .isEqualTo("False/BackendNotFound");
    // The connection is refused: Envoy has no such cluster.
    assertThat(passedTo(r, "example.com")).containsExactly(WeightedCluster.INVALID_BACKEND + "=1");
    assertThat(r.upstreams()).isEmpty();
  }

  @Test
  void tlsRouteInvalidBackendRefUnknownKind() {
    io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendRef unknown = backend("web", 80, null);
    unknown.setGroup("unknown.example.com");
    unknown.setKind("NonExistent");
    GatewayApiCompiler.Result r =
        compile(
            passthroughGateway(),
            tlsRoute(
                "demo/invalid-backend-ref-unknown-kind",
                List.of("abc.example.com"),
                List.of(parent("demo/gw", null)),
                unknown));

    assertThat(accepted(r, "demo/invalid-backend-ref-unknown-kind")).isEqualTo("True/Accepted");
    assertThat(resolved(r, "demo/invalid-backend-ref-unknown-kind")).isEqualTo("False/InvalidKind");
    assertThat(passedTo(r, "abc.example.com"))
        .containsExactly(WeightedCluster.INVALID_BACKEND + "=1");
  }

  @Test
  void tlsRouteInvalidReferenceGrant() {
    TLSRoute route =
        tlsRoute(
            "demo/gateway-conformance-infra-test",
            List.of("abc.example.com"),
            List.of(parent("demo/gw", null)),
            inNamespace(backend("web", 80, null), "other"));
    List<ReferenceGrant> wrong =
        List.of(
            grant("demo/wrong-namespace", "TLSRoute", "demo", "", "Service"),
            grant("other/wrong-from-kind", "Gateway", "demo", "", "Service"),
            grant("other/wrong-from-namespace", "TLSRoute", "elsewhere", "", "Service"),
            grant("other/wrong-to-group", "TLSRoute", "demo", "not-the-group", "Service"),
            grant("other/wrong-to-kind", "TLSRoute", "demo", "", "Secret"),
            grant("other/wrong-from-kind-httproute", "HTTPRoute", "demo", "", "Service"));
    GatewayApiCompiler.Result refused =
        compile(List.of(passthroughGateway()), List.of(), List.of(route), wrong, Map.of());

    assertThat(resolved(refused, "demo/gateway-conformance-infra-test"))
        .isEqualTo("False/RefNotPermitted");
    assertThat(passedTo(refused, "abc.example.com"))
        .containsExactly(WeightedCluster.INVALID_BACKEND + "=1");

    GatewayApiCompiler.Result permitted =
        compile(
            List.of(passthroughGateway()),
            List.of(),
            List.of(route),
            List.of(grant("other/right", "TLSRoute", "demo", "", "Service")),
            Map.of());
    assertThat(resolved(permitted, "demo/gateway-conformance-infra-test"))
        .isEqualTo("True/ResolvedRefs");
    assertThat(passedTo(permitted, "abc.example.com")).containsExactly("other/web/80=1");
  }

  @Test
  void weightsSplitConnectionsBetweenTwoClustersMirrors() {
    GatewayApiCompiler.Result r =
        compile(
            passthroughGateway(),
            tlsRoute(
                "demo/t",
                List.of("abc.example.com"),
                List.of(parent("demo/gw", null)),
                backend("east-web", 80, 3),
                backend("west-web", 80, 1),
                backend("absent", 80, 2),
                backend("web", 80, 0)));

    assertThat(passedTo(r, "abc.example.com"))
        .containsExactly(
            "demo/east-web/80=3", "demo/west-web/80=1", WeightedCluster.INVALID_BACKEND + "=2");
    assertThat(r.upstreams().values()).allSatisfy(u -> assertThat(u.federated()).isFalse());
    assertThat(resolved(r, "demo/t")).isEqualTo("False/BackendNotFound");
  }

  @Test
  void allWeightsZeroRefusesEveryConnection() {
    GatewayApiCompiler.Result r =
        compile(
            passthroughGateway(),
            tlsRoute(
                "demo/t",
                List.of("abc.example.com"),
                List.of(parent("demo/gw", null)),
                backend("east-web", 80, 0)));

    assertThat(passedTo(r, "abc.example.com"))
        .containsExactly(WeightedCluster.INVALID_BACKEND + "=1");
    assertThat(resolved(r, "demo/t")).isEqualTo("True/ResolvedRefs");
  }

  @Test
  void gatewayHttpsAndTlsPassthroughSamePort() {
    Gateway g =
        gateway(
            "demo/gateway-https-tls-passthrough-same-port",
            kinds(https("https-terminate", 8884, "*.example.com", "cert"), "HTTPRoute"),
            kinds(passthrough("tls-passthrough", 8884, "abc.example.com"), "TLSRoute"));
    HTTPRoute terminated =
        route(
            "demo/gateway-conformance-https-terminate",
            List.of(),
            List.of(parent("demo/gateway-https-tls-passthrough-same-port", "https-terminate")),
            rule(service("web", 80, null)));
    TLSRoute passed =
        tlsRoute(
            "demo/gateway-conformance-tls-passthrough",
            List.of("abc.example.com"),
            List.of(parent("demo/gateway-https-tls-passthrough-same-port", "tls-passthrough")),
            backend("east-web", 80, null));
    GatewayApiCompiler.Result r =
        compile(List.of(g), List.of(terminated), List.of(passed), List.of(), Map.of());

    for (int i = 0; i < 2; i++) {
      ListenerStatus l = listener(r, "demo/gateway-https-tls-passthrough-same-port", i);
      assertThat(condition(l.getConditions(), "Accepted")).isEqualTo("True/Accepted");
      assertThat(condition(l.getConditions(), "Conflicted")).isEqualTo("False/NoConflicts");
      assertThat(l.getAttachedRoutes()).isEqualTo(1);
    }
    assertThat(kindsOf(listener(r, "demo/gateway-https-tls-passthrough-same-port", 0)))
        .containsExactly("HTTPRoute");
    assertThat(kindsOf(listener(r, "demo/gateway-https-tls-passthrough-same-port", 1)))
        .containsExactly("TLSRoute");
    // Envoy picks the exact SNI over the wildcard: two filter chains on one listener.
    assertThat(host(r, "*.example.com").tls().passthrough()).isFalse();
    assertThat(host(r, "*.example.com").tls().certificate().name()).isEqualTo("demo/cert");
    assertThat(passedTo(r, "abc.example.com")).containsExactly("demo/east-web/80=1");
  }

  @Test
  void tlsAndHttpsListenersWithOneHostnameConflictAndTlsBesideHttpOnOnePortIsAProtocolConflict() {
    Gateway g =
        gateway(
            "demo/gw",
            https("https", 443, "abc.example.com", "cert"),
            passthrough("tls", 443, "abc.example.com"),
            passthrough("tls-on-http-port", 80, "x.example.com"),
            http("http", 80, null));
    GatewayApiCompiler.Result r = compile(g);

    assertThat(condition(listener(r, "demo/gw", 1).getConditions(), "Conflicted"))
        .isEqualTo("True/HostnameConflict");
    assertThat(condition(listener(r, "demo/gw", 3).getConditions(), "Conflicted"))
        .isEqualTo("True/ProtocolConflict");
    assertThat(condition(listener(r, "demo/gw", 0).getConditions(), "Programmed"))
        .isEqualTo("True/Programmed");
  }

  @Test
  void tlsRouteForAHostAnHttpProxyHoldsIsAHostnameConflict() {
    GatewayApiCompiler.Result r =
        compile(
            List.of(passthroughGateway()),
            List.of(),
            List.of(
                tlsRoute(
                    "demo/t",
                    List.of("abc.example.com", "free.example.com"),
                    List.of(parent("demo/gw", null)),
                    backend("web", 80, null)),
                tlsRoute(
                    "demo/all-taken",
                    List.of("abc.example.com"),
                    List.of(parent("demo/gw", null)),
                    backend("web", 80, null))),
            List.of(),
            Map.of("abc.example.com", "HTTPProxy demo/app"));

    assertThat(r.hosts())
        .extracting(RoutingTable.VirtualHost::fqdn)
        .containsExactly("free.example.com");
    assertThat(accepted(r, "demo/t")).isEqualTo("True/Accepted");
    assertThat(parentOf(r, "demo/t").getConditions().get(0).getMessage())
        .contains("abc.example.com (served by HTTPProxy demo/app)");
    assertThat(accepted(r, "demo/all-taken")).isEqualTo("False/HostnameConflict");
    assertThat(r.conflicts().get("HTTPProxy demo/app").get("abc.example.com"))
        .containsExactlyInAnyOrder("TLSRoute demo/t", "TLSRoute demo/all-taken");
  }

  @Test
  void oneSniIsEitherTerminatedOrPassedThroughAndTheOlderRouteKeepsIt() {
    Gateway g =
        gateway(
            "demo/gw",
            from(https("https", 443, "*.example.com", "cert"), "Same"),
            kinds(passthrough("tls", 443, "abc.example.com"), "TLSRoute"),
            http("http", 80, null));
    // The HTTPRoute (2026-01-02) is older than the TLSRoute (2026-01-04): it keeps abc's SNI.
    HTTPRoute terminated =
        route(
            "demo/terminated",
            List.of("abc.example.com"),
            List.of(parent("demo/gw", "https")),
            rule(service("web", 80, null)));
    TLSRoute newer =
        tlsRoute(
            "demo/passed",
            List.of("abc.example.com"),
            List.of(parent("demo/gw", null)),
            backend("east-web", 80, null));
    GatewayApiCompiler.Result r =
        compile(List.of(g), List.of(terminated), List.of(newer), List.of(), Map.of());

    assertThat(host(r, "abc.example.com").tls().passthrough()).isFalse();
    assertThat(accepted(r, "demo/passed")).isEqualTo("False/HostnameConflict");
    assertThat(parentOf(r, "demo/passed").getConditions().get(0).getMessage())
        .contains("HTTPRoute demo/terminated");

    // An older TLSRoute keeps it: the HTTPS listener's route is refused for it, a second TLSRoute
    // too; an HTTP listener's route still serves the name over plain HTTP.
    TLSRoute older = created(newer, "2026-01-01T00:00:00Z");
    TLSRoute second =
        created(
            tlsRoute(
                "demo/second",
                List.of("abc.example.com"),
                List.of(parent("demo/gw", null)),
                backend("west-web", 80, null)),
            "2026-01-01T12:00:00Z");
    HTTPRoute plain =
        route(
            "demo/plain",
            List.of("abc.example.com"),
            List.of(parent("demo/gw", "http")),
            rule(service("web", 80, null)));
    r =
        compile(
            List.of(g), List.of(terminated, plain), List.of(older, second), List.of(), Map.of());

    assertThat(passedTo(r, "abc.example.com")).containsExactly("demo/east-web/80=1");
    assertThat(host(r, "abc.example.com").routes())
        .singleElement()
        .satisfies(x -> assertThat(x.actions().permitInsecure()).isTrue());
    assertThat(accepted(r, "demo/passed")).isEqualTo("True/Accepted");
    assertThat(accepted(r, "demo/second")).isEqualTo("False/HostnameConflict");
    assertThat(
            condition(
                r.statuses()
                    .httpRoutes()
                    .get("demo/terminated")
                    .getParents()
                    .get(0)
                    .getConditions(),
                "Accepted"))
        .isEqualTo("False/HostnameConflict");
    assertThat(
            condition(
                r.statuses().httpRoutes().get("demo/plain").getParents().get(0).getConditions(),
                "Accepted"))
        .isEqualTo("True/Accepted");
  }

  @Test
  void aBackendPortSpeakingTlsIsReachedOverPlainTcp() {
    // A Service port whose appProtocol is https: an HTTPRoute's cluster would speak TLS to it, but
    // a passed-through stream is the client's TLS already and must reach it unchanged.
    java.util.Map<dev.gantry.api.federation.ServiceName, dev.gantry.api.federation.FederatedService>
        federated = new java.util.TreeMap<>(SNAPSHOT.federated());
    dev.gantry.api.federation.FederatedService secure =
        new dev.gantry.api.federation.FederatedService(
            dev.gantry.api.federation.ServiceName.of("demo", "secure"),
            List.of(new dev.gantry.api.federation.ServicePortSpec("https", 443, "TCP", "https")),
            Map.of(),
            List.of());
    federated.put(secure.name(), secure);
    GatewayApiCompiler.Result r =
        compiler.compile(
            new GatewayApiObjects(
                List.of(gantryClass()),
                List.of(passthroughGateway()),
                List.of(),
                List.of(),
                List.of(),
                Map.of(),
                List.of(
                    tlsRoute(
                        "demo/t",
                        List.of("abc.example.com"),
                        List.of(parent("demo/gw", null)),
                        backend("secure", 443, null)))),
            new dev.gantry.api.federation.FederationSnapshot(federated, SNAPSHOT.hubServices()),
            CERTS,
            Map.of());

    assertThat(passedTo(r, "abc.example.com")).containsExactly("demo/secure/443=1");
    assertThat(r.upstreams().values())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.protocol()).isEqualTo(dev.gantry.xds.ir.UpstreamProtocol.HTTP1);
              assertThat(u.tls()).isNull();
            });
  }

  @Test
  void unknownFieldsAndMoreThanOneRuleRefuseTheRoute() {
    TLSRoute extra =
        tlsRoute(
            "demo/extra",
            List.of("abc.example.com"),
            List.of(parent("demo/gw", null)),
            backend("web", 80, null));
    extra.getSpec().setAdditionalProperty("future", "x");
    TLSRoute rules =
        tlsRoute(
            "demo/rules",
            List.of("def.example.com"),
            List.of(parent("demo/gw", null)),
            backend("web", 80, null));
    rules.getSpec().getRules().add(rules.getSpec().getRules().get(0));
    TLSRoute ok =
        tlsRoute(
            "demo/ok",
            List.of("ok.example.com"),
            List.of(parent("demo/gw", null)),
            backend("web", 80, null));
    GatewayApiCompiler.Result r =
        compile(
            List.of(passthroughGateway()),
            List.of(),
            List.of(extra, rules, ok),
            List.of(),
            Map.of());

    assertThat(accepted(r, "demo/extra")).isEqualTo("False/UnsupportedValue");
    assertThat(accepted(r, "demo/rules")).isEqualTo("False/UnsupportedValue");
    assertThat(accepted(r, "demo/ok")).isEqualTo("True/Accepted");
    assertThat(r.hosts())
        .extracting(RoutingTable.VirtualHost::fqdn)
        .containsExactly("ok.example.com");
  }

  @Test
  void oddInputIsRefusedOnItsRouteAloneAndTheOthersServe() {
    TLSRoute nullHost =
        tlsRoute(
            "demo/null-host",
            new java.util.ArrayList<>(java.util.Arrays.asList("a.example.com", null)),
            List.of(parent("demo/gw", null)),
            backend("web", 80, null));
    TLSRoute nullBackend =
        tlsRoute(
            "demo/null-backend",
            List.of("b.example.com"),
            List.of(parent("demo/gw", null)),
            backend("web", 80, null));
    nullBackend.getSpec().getRules().get(0).getBackendRefs().add(null);
    TLSRoute noRules =
        tlsRoute(
            "demo/no-rules",
            List.of("c.example.com"),
            List.of(parent("demo/gw", null)),
            backend("web", 80, null));
    noRules.getSpec().setRules(null);
    TLSRoute ok =
        tlsRoute(
            "demo/ok",
            List.of("ok.example.com"),
            List.of(parent("demo/gw", null)),
            backend("web", 80, null));
    io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener noTls =
        passthrough("no-tls", 443, "other.example.org");
    noTls.setTls(null);
    Gateway g =
        gateway(
            "demo/gw",
            kinds(passthrough("https", 443, "*.example.com"), Listeners.TLS_ROUTE),
            noTls);
    GatewayApiCompiler.Result r =
        compile(
            List.of(g),
            List.of(),
            List.of(nullHost, nullBackend, noRules, ok),
            List.of(),
            Map.of());

    assertThat(accepted(r, "demo/null-host")).isEqualTo("False/UnsupportedValue");
    assertThat(accepted(r, "demo/null-backend")).isEqualTo("False/UnsupportedValue");
    // No rule: nothing to pass connections to, so every one is refused.
    assertThat(accepted(r, "demo/no-rules")).isEqualTo("True/Accepted");
    assertThat(passedTo(r, "c.example.com"))
        .containsExactly(WeightedCluster.INVALID_BACKEND + "=1");
    assertThat(accepted(r, "demo/ok")).isEqualTo("True/Accepted");
    assertThat(passedTo(r, "ok.example.com")).containsExactly("demo/web/80=1");
    assertThat(condition(listener(r, "demo/gw", 1).getConditions(), "Accepted"))
        .isEqualTo("False/UnsupportedValue");
  }
}
