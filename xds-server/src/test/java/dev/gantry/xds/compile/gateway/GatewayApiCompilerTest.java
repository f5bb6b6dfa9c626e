package dev.gantry.xds.compile.gateway;

import static dev.gantry.xds.GatewayApiFixtures.from;
import static dev.gantry.xds.GatewayApiFixtures.gantryClass;
import static dev.gantry.xds.GatewayApiFixtures.gateway;
import static dev.gantry.xds.GatewayApiFixtures.gatewayClass;
import static dev.gantry.xds.GatewayApiFixtures.grant;
import static dev.gantry.xds.GatewayApiFixtures.header;
import static dev.gantry.xds.GatewayApiFixtures.http;
import static dev.gantry.xds.GatewayApiFixtures.https;
import static dev.gantry.xds.GatewayApiFixtures.inNamespace;
import static dev.gantry.xds.GatewayApiFixtures.method;
import static dev.gantry.xds.GatewayApiFixtures.parent;
import static dev.gantry.xds.GatewayApiFixtures.path;
import static dev.gantry.xds.GatewayApiFixtures.query;
import static dev.gantry.xds.GatewayApiFixtures.route;
import static dev.gantry.xds.GatewayApiFixtures.rule;
import static dev.gantry.xds.GatewayApiFixtures.service;
import static dev.gantry.xds.GatewayApiFixtures.serviceImport;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.federation.ServicePortSpec;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.compile.ServiceResolver;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.ir.WeightedCluster;
import dev.gantry.xds.tls.TlsSecrets;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Gateway API objects in, routing model hosts and statuses out. */
class GatewayApiCompilerTest {
  static final FederationSnapshot SNAPSHOT = snapshot();
  static final VirtualHostTls.Certificate CERT =
      new VirtualHostTls.Certificate("demo/cert", "chain", "key");
  static final Map<String, TlsSecrets.Outcome> CERTS =
      Map.of(
          "demo/cert", new TlsSecrets.Outcome(CERT, null),
          "certs/shared",
              new TlsSecrets.Outcome(
                  new VirtualHostTls.Certificate("certs/shared", "chain", "key"), null));

  private final GatewayApiCompiler compiler = new GatewayApiCompiler(ExternalNames.DISABLED);

  /** demo/web federated over east and west, their mirrors, other/web, a UDP demo/dns. */
  static FederationSnapshot snapshot() {
    Map<ServiceName, FederatedService> federated = new TreeMap<>();
    Map<ServiceName, FederatedService> hub = new TreeMap<>();
    FederatedService web =
        Fixtures.service("demo/web")
            .port("http", 80)
            .cluster("east", 0, 1, "http", "198.18.0.1:8080")
            .cluster("west", 0, 1, "http", "198.18.1.1:8080")
            .build();
    federated.put(web.name(), web);
    for (String c : List.of("east", "west")) {
      FederatedService mirror =
          Fixtures.service("demo/" + c + "-web")
              .port("http", 80)
              .cluster(c, 0, 1, "http", "198.18." + (c.equals("east") ? 0 : 1) + ".1:8080")
              .build();
      hub.put(mirror.name(), mirror);
    }
    FederatedService other = Fixtures.service("other/web").port("http", 80).build();
    federated.put(other.name(), other);
    FederatedService dns =
        new FederatedService(
            ServiceName.of("demo", "dns"),
            List.of(new ServicePortSpec("dns", 53, "UDP", null)),
            Map.<String, ClusterEndpoints>of(),
            List.of());
    federated.put(dns.name(), dns);
    return new FederationSnapshot(federated, hub);
  }

  private GatewayApiCompiler.Result compile(
      List<GatewayClass> classes,
      List<Gateway> gateways,
      List<HTTPRoute> routes,
      List<ReferenceGrant> grants) {
    return compiler.compile(
        new GatewayApiObjects(classes, gateways, routes, List.of(), grants),
        SNAPSHOT,
        CERTS,
        Map.of());
  }

  private GatewayApiCompiler.Result compile(Gateway gateway, HTTPRoute... routes) {
    return compile(List.of(gantryClass()), List.of(gateway), List.of(routes), List.of());
  }

  private static Gateway plain() {
    return gateway("demo/gw", from(http("web", 80, null), "All"));
  }

  static String condition(List<Condition> conditions, String type) {
    return conditions.stream()
        .filter(c -> c.getType().equals(type))
        .map(c -> c.getStatus() + "/" + c.getReason())
        .findFirst()
        .orElse("absent");
  }

  private static RouteParentStatus parentOf(GatewayApiCompiler.Result r, String route) {
    return r.statuses().httpRoutes().get(route).getParents().get(0);
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

  @Test
  void gatewayClassOfOurControllerIsAcceptedAndOthersAreLeftAlone() {
    GatewayClass withParameters = gatewayClass("param", GatewayApiCompiler.CONTROLLER_NAME);
    withParameters
        .getSpec()
        .setParametersRef(
            new io.fabric8.kubernetes.api.model.gatewayapi.v1.ParametersReference(
                "example.com", "Config", "x", null));
    GatewayApiCompiler.Result r =
        compile(
            List.of(
                gantryClass(),
                gatewayClass("contour", "projectcontour.io/gateway-controller"),
                withParameters),
            List.of(),
            List.of(),
            List.of());

    assertThat(r.statuses().gatewayClasses()).containsOnlyKeys("gantry", "param");
    List<Condition> gantry = r.statuses().gatewayClasses().get("gantry").getConditions();
    assertThat(condition(gantry, "Accepted")).isEqualTo("True/Accepted");
    assertThat(condition(gantry, "SupportedVersion")).isEqualTo("True/SupportedVersion");
    assertThat(gantry).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(1L));
    assertThat(condition(r.statuses().gatewayClasses().get("param").getConditions(), "Accepted"))
        .isEqualTo("False/InvalidParameters");
  }

  @Test
  void httpRouteSimpleSameNamespace() {
    GatewayApiCompiler.Result r =
        compile(
            gateway("demo/gw", http("web", 80, null)),
            route(
                "demo/r",
                List.of(),
                List.of(parent("demo/gw", null)),
                rule(service("web", 80, null))));

    RoutingTable.VirtualHost any = host(r, RoutingTable.ANY_HOST);
    assertThat(any.tls()).isNull();
    assertThat(any.routes())
        .singleElement()
        .satisfies(
            route -> {
              assertThat(route.match()).isEqualTo(RoutingTable.Match.prefix("/"));
              assertThat(route.clusters())
                  .singleElement()
                  .satisfies(
                      c -> {
                        assertThat(c.cluster()).startsWith("demo/web/80/");
                        assertThat(r.upstreams().get(c.cluster()).federated()).isTrue();
                      });
            });
    assertThat(accepted(r, "demo/r")).isEqualTo("True/Accepted");
    assertThat(resolved(r, "demo/r")).isEqualTo("True/ResolvedRefs");
    assertThat(parentOf(r, "demo/r").getControllerName())
        .isEqualTo(GatewayApiCompiler.CONTROLLER_NAME);
    ListenerStatus l = listener(r, "demo/gw", 0);
    assertThat(l.getAttachedRoutes()).isEqualTo(1);
    assertThat(l.getSupportedKinds())
        .extracting(k -> k.getKind())
        .containsExactly("HTTPRoute", "GRPCRoute");
    assertThat(condition(l.getConditions(), "Accepted")).isEqualTo("True/Accepted");
    assertThat(condition(l.getConditions(), "ResolvedRefs")).isEqualTo("True/ResolvedRefs");
    assertThat(condition(l.getConditions(), "Conflicted")).isEqualTo("False/NoConflicts");
    assertThat(condition(l.getConditions(), "Programmed")).isEqualTo("True/Programmed");
    List<Condition> gw = r.statuses().gateways().get("demo/gw").getConditions();
    assertThat(condition(gw, "Accepted")).isEqualTo("True/Accepted");
    assertThat(condition(gw, "Programmed")).isEqualTo("True/Programmed");
    assertThat(r.statuses().gateways().get("demo/gw").getAddresses()).isNullOrEmpty();
  }

  @Test
  void serviceImportBackendIsTheFederatedServiceAndAMirrorIsOneCluster() {
    GatewayApiCompiler.Result r =
        compile(
            plain(),
            route(
                "demo/r",
                List.of("a.example.com"),
                List.of(parent("demo/gw", null)),
                rule(serviceImport("web", 80))),
            route(
                "demo/m",
                List.of("m.example.com"),
                List.of(parent("demo/gw", null)),
                rule(serviceImport("east-web", 80))));

    String cluster = host(r, "a.example.com").routes().get(0).clusters().get(0).cluster();
    assertThat(r.upstreams().get(cluster).federated()).isTrue();
    assertThat(r.upstreams().get(cluster).service().clusters()).containsOnlyKeys("east", "west");
    assertThat(resolved(r, "demo/m")).isEqualTo("False/BackendNotFound");
  }

  @Test
  void httpRouteWeightSplitsBetweenTwoClustersMirrors() {
    GatewayApiCompiler.Result r =
        compile(
            plain(),
            route(
                "demo/r",
                List.of("a.example.com"),
                List.of(parent("demo/gw", null)),
                rule(
                    service("east-web", 80, 80),
                    service("west-web", 80, 20),
                    service("web", 80, 0))));

    assertThat(host(r, "a.example.com").routes().get(0).clusters())
        .extracting(c -> c.cluster().split("/")[1] + "=" + c.weight())
        .containsExactly("east-web=80", "west-web=20");
    assertThat(r.upstreams().values()).allSatisfy(u -> assertThat(u.federated()).isFalse());
  }

  @Test
  void httpRouteHostnameIntersection() {
    Gateway gw = gateway("demo/gw", from(http("wild", 80, "*.example.com"), "All"));
    GatewayApiCompiler.Result r =
        compile(
            gw,
            route(
                "demo/some",
                List.of("a.example.com", "other.org", "*.b.example.com"),
                List.of(parent("demo/gw", null)),
                rule(service("web", 80, null))),
            route(
                "demo/none",
                List.of("other.org"),
                List.of(parent("demo/gw", null)),
                rule(service("web", 80, null))),
            route(
                "demo/all",
                List.of(),
                List.of(parent("demo/gw", null)),
                rule(service("web", 80, null))));

    assertThat(r.hosts())
        .extracting(RoutingTable.VirtualHost::fqdn)
        .containsExactly("*.b.example.com", "*.example.com", "a.example.com");
    assertThat(accepted(r, "demo/none")).isEqualTo("False/NoMatchingListenerHostname");
    assertThat(listener(r, "demo/gw", 0).getAttachedRoutes()).isEqualTo(2);
  }

  @Test
  void httpRouteNotAllowedByListenersOfAnotherNamespaceUnlessSelected() {
    var same = http("same", 80, "same.example.com");
    var selected = from(http("selected", 80, "sel.example.com"), "Selector");
    selected
        .getAllowedRoutes()
        .getNamespaces()
        .setSelector(
            new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                .addToMatchLabels("kubernetes.io/metadata.name", "other")
                .build());
    GatewayApiCompiler.Result r =
        compile(
            gateway("demo/gw", same, selected),
            route(
                "other/refused",
                List.of(),
                List.of(parent("demo/gw", "same")),
                rule(service("web", 80, null))),
            route(
                "other/allowed",
                List.of(),
                List.of(parent("demo/gw", "selected")),
                rule(service("web", 80, null))),
            route(
                "third/refused",
                List.of(),
                List.of(parent("demo/gw", "selected")),
                rule(service("web", 80, null))));

    assertThat(accepted(r, "other/refused")).isEqualTo("False/NotAllowedByListeners");
    assertThat(accepted(r, "third/refused")).isEqualTo("False/NotAllowedByListeners");
    assertThat(accepted(r, "other/allowed")).isEqualTo("True/Accepted");
    assertThat(r.hosts())
        .extracting(RoutingTable.VirtualHost::fqdn)
        .containsExactly("sel.example.com");
  }

  @Test
  void httpRouteInvalidParentRefNotMatchingSectionNameOrPort() {
    var portRef = parent("demo/gw", null);
    portRef.setPort(8080);
    GatewayApiCompiler.Result r =
        compile(
            plain(),
            route(
                "demo/section",
                List.of(),
                List.of(parent("demo/gw", "nope")),
                rule(service("web", 80, null))),
            route("demo/port", List.of(), List.of(portRef), rule(service("web", 80, null))),
            route(
                "demo/elsewhere",
                List.of(),
                List.of(parent("demo/absent", null)),
                rule(service("web", 80, null))));

    assertThat(accepted(r, "demo/section")).isEqualTo("False/NoMatchingParent");
    assertThat(accepted(r, "demo/port")).isEqualTo("False/NoMatchingParent");
    assertThat(r.statuses().httpRoutes())
        .as("not our Gateway: no status")
        .doesNotContainKey("demo/elsewhere");
    assertThat(r.hosts()).isEmpty();
  }

  @Test
  void httpRouteInvalidCrossNamespaceBackendRefNeedsAReferenceGrant() {
    HTTPRoute cross =
        route(
            "demo/r",
            List.of("a.example.com"),
            List.of(parent("demo/gw", null)),
            rule(inNamespace(service("web", 80, null), "other")));
    GatewayApiCompiler.Result refused = compile(plain(), cross);
    assertThat(resolved(refused, "demo/r")).isEqualTo("False/RefNotPermitted");
    assertThat(accepted(refused, "demo/r")).isEqualTo("True/Accepted");
    assertThat(host(refused, "a.example.com").routes().get(0).actions().direct().status())
        .isEqualTo(500);

    GatewayApiCompiler.Result wrongKind =
        compile(
            List.of(gantryClass()),
            List.of(plain()),
            List.of(cross),
            List.of(grant("other/g", "GRPCRoute", "demo", "", "Service")));
    assertThat(resolved(wrongKind, "demo/r")).isEqualTo("False/RefNotPermitted");

    GatewayApiCompiler.Result granted =
        compile(
            List.of(gantryClass()),
            List.of(plain()),
            List.of(cross),
            List.of(grant("other/g", "HTTPRoute", "demo", "", "Service")));
    assertThat(resolved(granted, "demo/r")).isEqualTo("True/ResolvedRefs");
    assertThat(host(granted, "a.example.com").routes().get(0).clusters().get(0).cluster())
        .startsWith("other/web/80/");
  }

  @Test
  void httpRouteInvalidBackendRefsAnswer500WithTheirReason() {
    var unknownKind = service("web", 80, null);
    unknownKind.setKind("NonExistent");
    unknownKind.setGroup("example.com");
    GatewayApiCompiler.Result r =
        compile(
            plain(),
            route(
                "demo/missing",
                List.of("a.example.com"),
                List.of(parent("demo/gw", null)),
                rule(service("absent", 80, null))),
            route(
                "demo/kind",
                List.of("b.example.com"),
                List.of(parent("demo/gw", null)),
                rule(unknownKind)),
            route(
                "demo/udp",
                List.of("c.example.com"),
                List.of(parent("demo/gw", null)),
                rule(service("dns", 53, null))),
            route("demo/none", List.of("d.example.com"), List.of(parent("demo/gw", null)), rule()));

    assertThat(resolved(r, "demo/missing")).isEqualTo("False/BackendNotFound");
    assertThat(resolved(r, "demo/kind")).isEqualTo("False/InvalidKind");
    assertThat(resolved(r, "demo/udp")).isEqualTo("False/UnsupportedProtocol");
    assertThat(resolved(r, "demo/none")).isEqualTo("True/ResolvedRefs");
    for (String fqdn :
        List.of("a.example.com", "b.example.com", "c.example.com", "d.example.com")) {
      assertThat(host(r, fqdn).routes().get(0).actions().direct())
          .isEqualTo(new RoutingTable.DirectResponse(500, ""));
    }
  }

  @Test
  void invalidBackendsShareOfTheWeightAnswers500AndTheValidShareIsServed() {
    GatewayApiCompiler.Result r =
        compile(
            plain(),
            route(
                "demo/partly",
                List.of("a.example.com"),
                List.of(parent("demo/gw", null)),
                rule(service("web", 80, 3), service("absent", 80, 1), service("gone", 80, 2))),
            route(
                "demo/zero",
                List.of("b.example.com"),
                List.of(parent("demo/gw", null)),
                rule(service("web", 80, 1), service("absent", 80, 0))));

    assertThat(resolved(r, "demo/partly")).isEqualTo("False/BackendNotFound");
    RoutingTable.Route partly = host(r, "a.example.com").routes().get(0);
    assertThat(partly.actions().direct()).isNull();
    assertThat(partly.clusters())
        .extracting(
            c -> (c.cluster().startsWith("demo/web/") ? "web" : c.cluster()) + "=" + c.weight())
        .containsExactly("web=3", WeightedCluster.INVALID_BACKEND + "=3");
    // A weight of 0 sends nothing anywhere, resolved or not.
    assertThat(host(r, "b.example.com").routes().get(0).clusters())
        .extracting(WeightedCluster::weight)
        .containsExactly(1L);
  }

  @Test
  void unsupportedFilterOrFieldRefusesTheRoute() {
    HTTPRouteFilter extension = new HTTPRouteFilter();
    extension.setType("ExtensionRef");
    var withRetry = rule(service("web", 80, null));
    withRetry.setRetry(new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRetry());
    GatewayApiCompiler.Result r =
        compile(
            plain(),
            route(
                "demo/ext",
                List.of("a.example.com"),
                List.of(parent("demo/gw", null)),
                rule(List.of(), List.of(extension), service("web", 80, null))),
            route(
                "demo/retry",
                List.of("b.example.com"),
                List.of(parent("demo/gw", null)),
                withRetry));

    assertThat(accepted(r, "demo/ext")).isEqualTo("False/UnsupportedValue");
    assertThat(condition(parentOf(r, "demo/ext").getConditions(), "Accepted")).isNotNull();
    assertThat(parentOf(r, "demo/ext").getConditions().get(0).getMessage())
        .contains("ExtensionRef");
    assertThat(accepted(r, "demo/retry")).isEqualTo("False/UnsupportedValue");
    assertThat(r.hosts()).isEmpty();
    assertThat(listener(r, "demo/gw", 0).getAttachedRoutes()).isZero();
  }

  @Test
  void httpRouteMatchingInTheSpecsPrecedence() {
    GatewayApiCompiler.Result r =
        compile(
            plain(),
            route(
                "demo/r",
                List.of("a.example.com"),
                List.of(parent("demo/gw", null)),
                rule(List.of(path("PathPrefix", "/")), List.of(), service("web", 80, null)),
                rule(
                    List.of(query(path("PathPrefix", "/v1"), "q", "1")),
                    List.of(),
                    service("web", 80, null)),
                rule(
                    List.of(header(header(path("PathPrefix", "/v1"), "a", "1"), "b", "2")),
                    List.of(),
                    service("web", 80, null)),
                rule(
                    List.of(method(path("PathPrefix", "/v1"), "POST")),
                    List.of(),
                    service("web", 80, null)),
                rule(
                    List.of(path("PathPrefix", "/v1/longer/")),
                    List.of(),
                    service("web", 80, null)),
                rule(List.of(path("Exact", "/v1")), List.of(), service("web", 80, null)),
                rule(
                    List.of(path("RegularExpression", "/re/[0-9]+")),
                    List.of(),
                    service("web", 80, null))));

    assertThat(host(r, "a.example.com").routes())
        .extracting(
            x ->
                x.match().pathKind()
                    + " "
                    + x.match().path()
                    + " h"
                    + x.match().headers().size()
                    + " q"
                    + x.match().queries().size())
        .containsExactly(
            "EXACT /v1 h0 q0",
            "REGEX /re/[0-9]+ h0 q0",
            "SEGMENT_PREFIX /v1/longer h0 q0",
            "SEGMENT_PREFIX /v1 h1 q0",
            "SEGMENT_PREFIX /v1 h2 q0",
            "SEGMENT_PREFIX /v1 h0 q1",
            "PREFIX / h0 q0");
    assertThat(host(r, "a.example.com").routes().get(3).match().headers().get(0).name())
        .isEqualTo(":method");
  }

  @Test
  void olderRouteWinsATieAndThenNamespaceName() {
    HTTPRoute newer =
        route(
            "demo/a",
            List.of("a.example.com"),
            List.of(parent("demo/gw", null)),
            rule(service("east-web", 80, null)));
    newer.getMetadata().setCreationTimestamp("2026-03-01T00:00:00Z");
    HTTPRoute older =
        route(
            "demo/b",
            List.of("a.example.com"),
            List.of(parent("demo/gw", null)),
            rule(service("west-web", 80, null)));
    GatewayApiCompiler.Result r = compile(plain(), newer, older);

    assertThat(host(r, "a.example.com").routes())
        .extracting(x -> x.clusters().get(0).cluster().split("/")[1])
        .containsExactly("west-web", "east-web");
  }

  @Test
  void aMoreSpecificRouteHostnameComesFirstThoughNewer() {
    HTTPRoute olderWildcard =
        route(
            "demo/wild",
            List.of("*.example.com"),
            List.of(parent("demo/gw", null)),
            rule(service("west-web", 80, null)));
    HTTPRoute newerExact =
        route(
            "demo/exact",
            List.of("a.example.com"),
            List.of(parent("demo/gw", null)),
            rule(service("east-web", 80, null)));
    newerExact.getMetadata().setCreationTimestamp("2026-03-01T00:00:00Z");
    GatewayApiCompiler.Result r =
        compile(gateway("demo/gw", http("web", 80, "a.example.com")), olderWildcard, newerExact);

    assertThat(host(r, "a.example.com").routes())
        .extracting(x -> x.clusters().get(0).cluster().split("/")[1])
        .containsExactly("east-web", "west-web");
  }

  @Test
  void aHostAMoreSpecificListenerCoversIsNotServedThroughALessSpecificOne() {
    GatewayApiCompiler.Result r =
        compile(
            gateway("demo/gw", http("any", 80, null), http("wild", 80, "*.example.com")),
            route(
                "demo/any",
                List.of("bar.com", "*.example.com"),
                List.of(parent("demo/gw", "any")),
                rule(service("east-web", 80, null))),
            route(
                "demo/wild",
                List.of(),
                List.of(parent("demo/gw", "wild")),
                rule(service("west-web", 80, null))));

    assertThat(r.hosts())
        .extracting(RoutingTable.VirtualHost::fqdn)
        .containsExactly("*.example.com", "bar.com");
    assertThat(host(r, "*.example.com").routes())
        .extracting(x -> x.clusters().get(0).cluster().split("/")[1])
        .containsExactly("west-web");
    assertThat(accepted(r, "demo/any")).isEqualTo("True/Accepted");
  }

  @Test
  void listenerConflictsAndRefusals() {
    var kinds = http("kinds", 8081, "kinds.example.com");
    kinds.setAllowedRoutes(new io.fabric8.kubernetes.api.model.gatewayapi.v1.AllowedRoutes());
    var tcpRoute = new io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind();
    tcpRoute.setGroup("gateway.networking.k8s.io");
    tcpRoute.setKind("TCPRoute");
    kinds.getAllowedRoutes().setKinds(List.of(tcpRoute));
    var tcp = http("tcp", 9000, null);
    tcp.setProtocol("TCP");
    Gateway first = gateway("demo/a", http("web", 80, "a.example.com"));
    Gateway second =
        gateway(
            "demo/b",
            http("same", 8080, "a.example.com"),
            https("tls", 80, "b.example.com", "cert"),
            kinds,
            tcp,
            https("nocert", 443, "c.example.com", "missing"),
            https("cross", 443, "d.example.com", "certs/shared"));
    second.getMetadata().setCreationTimestamp("2026-02-01T00:00:00Z");
    GatewayApiCompiler.Result r =
        compile(List.of(gantryClass()), List.of(second, first), List.of(), List.of());

    assertThat(condition(listener(r, "demo/a", 0).getConditions(), "Programmed"))
        .isEqualTo("True/Programmed");
    assertThat(condition(listener(r, "demo/b", 0).getConditions(), "Conflicted"))
        .isEqualTo("True/HostnameConflict");
    assertThat(condition(listener(r, "demo/b", 0).getConditions(), "Programmed"))
        .isEqualTo("False/Invalid");
    assertThat(condition(listener(r, "demo/b", 1).getConditions(), "Accepted"))
        .isEqualTo("False/PortUnavailable");
    assertThat(condition(listener(r, "demo/b", 2).getConditions(), "ResolvedRefs"))
        .isEqualTo("False/InvalidRouteKinds");
    assertThat(listener(r, "demo/b", 2).getSupportedKinds()).isEmpty();
    assertThat(condition(listener(r, "demo/b", 3).getConditions(), "Accepted"))
        .isEqualTo("False/UnsupportedProtocol");
    assertThat(condition(listener(r, "demo/b", 4).getConditions(), "ResolvedRefs"))
        .isEqualTo("False/InvalidCertificateRef");
    assertThat(condition(listener(r, "demo/b", 5).getConditions(), "ResolvedRefs"))
        .isEqualTo("False/RefNotPermitted");
    // Accepted, some listeners refused: the spec's reason says so.
    assertThat(condition(r.statuses().gateways().get("demo/b").getConditions(), "Accepted"))
        .isEqualTo("True/ListenersNotValid");

    GatewayApiCompiler.Result granted =
        compile(
            List.of(gantryClass()),
            List.of(second, first),
            List.of(),
            List.of(grant("certs/g", "Gateway", "demo", "", "Secret")));
    assertThat(condition(listener(granted, "demo/b", 5).getConditions(), "Programmed"))
        .isEqualTo("True/Programmed");
  }

  @Test
  void protocolConflictWithinAGatewayAndRequestedAddressesAreRefused() {
    var withAddress = gateway("demo/addr", http("web", 80, "x.example.com"));
    withAddress
        .getSpec()
        .setAddresses(
            List.of(
                new io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpecAddress(
                    "IPAddress", "10.0.0.1")));
    GatewayApiCompiler.Result r =
        compile(
            List.of(gantryClass()),
            List.of(
                gateway(
                    "demo/gw",
                    http("web", 80, "a.example.com"),
                    https("tls", 80, "b.example.com", "cert")),
                withAddress),
            List.of(),
            List.of());

    assertThat(condition(listener(r, "demo/gw", 1).getConditions(), "Conflicted"))
        .isEqualTo("True/ProtocolConflict");
    assertThat(condition(r.statuses().gateways().get("demo/addr").getConditions(), "Accepted"))
        .isEqualTo("False/UnsupportedAddress");
  }

  @Test
  void httpsListenerTerminatesWithItsCertificateAndOnlyHttpRoutesAreOnPlainHttp() {
    GatewayApiCompiler.Result r =
        compile(
            gateway(
                "demo/gw",
                http("web", 80, "a.example.com"),
                https("tls", 443, "a.example.com", "cert")),
            route(
                "demo/r",
                List.of(),
                List.of(parent("demo/gw", "tls")),
                rule(List.of(path("PathPrefix", "/secure")), List.of(), service("web", 80, null))),
            route(
                "demo/both",
                List.of(),
                List.of(parent("demo/gw", null)),
                rule(List.of(path("PathPrefix", "/open")), List.of(), service("web", 80, null))));

    RoutingTable.VirtualHost a = host(r, "a.example.com");
    assertThat(a.tls().certificate()).isEqualTo(CERT);
    assertThat(a.routes())
        .extracting(
            x ->
                x.match().path()
                    + " insecure="
                    + x.actions().permitInsecure()
                    + " secureOnly="
                    + x.actions().secureOnly())
        .containsExactly(
            "/secure insecure=false secureOnly=true", "/open insecure=true secureOnly=false");
  }

  @Test
  void gatewayHttpListenerIsolationARouteOfOneProtocolIsNotServedOverTheOther() {
    GatewayApiCompiler.Result r =
        compile(
            gateway(
                "demo/gw",
                http("web", 80, "a.example.com"),
                https("tls", 443, "a.example.com", "cert")),
            route(
                "demo/secure",
                List.of(),
                List.of(parent("demo/gw", "tls")),
                rule(List.of(path("PathPrefix", "/secure")), List.of(), service("web", 80, null))),
            route(
                "demo/plain",
                List.of(),
                List.of(parent("demo/gw", "web")),
                rule(List.of(path("PathPrefix", "/plain")), List.of(), service("web", 80, null))),
            route(
                "demo/both",
                List.of(),
                List.of(parent("demo/gw", null)),
                rule(List.of(path("PathPrefix", "/both")), List.of(), service("web", 80, null))));

    assertThat(host(r, "a.example.com").routes())
        .extracting(
            x ->
                x.match().path()
                    + " insecure="
                    + x.actions().permitInsecure()
                    + " secureOnly="
                    + x.actions().secureOnly()
                    + " insecureOnly="
                    + x.actions().insecureOnly())
        .containsExactly(
            "/secure insecure=false secureOnly=true insecureOnly=false",
            "/plain insecure=true secureOnly=false insecureOnly=true",
            "/both insecure=true secureOnly=false insecureOnly=false");
  }

  @Test
  void httpRouteObservedGenerationBump() {
    HTTPRoute r1 =
        route(
            "demo/r", List.of(), List.of(parent("demo/gw", null)), rule(service("web", 80, null)));
    r1.getMetadata().setGeneration(7L);
    GatewayApiCompiler.Result r = compile(plain(), r1);
    assertThat(parentOf(r, "demo/r").getConditions())
        .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(7L));
  }

  @Test
  void grpcRouteMatchesServiceAndMethodAndReachesItsBackendOverHttp2() {
    GatewayApiCompiler.Result r =
        compiler.compile(
            new GatewayApiObjects(
                List.of(gantryClass()),
                List.of(plain()),
                List.of(),
                List.of(
                    dev.gantry.xds.GatewayApiFixtures.grpcRoute(
                        "demo/g",
                        List.of("grpc.example.com"),
                        List.of(parent("demo/gw", null)),
                        dev.gantry.xds.GatewayApiFixtures.grpcRule(
                            "gantry.test.Backend", "Who", null, "east-web", 80),
                        dev.gantry.xds.GatewayApiFixtures.grpcRule(
                            "gantry.test.Backend", null, null, "west-web", 80),
                        dev.gantry.xds.GatewayApiFixtures.grpcRule(
                            null, "W.o", "RegularExpression", "web", 80),
                        dev.gantry.xds.GatewayApiFixtures.grpcRule(null, null, null, "web", 80))),
                List.of()),
            SNAPSHOT,
            CERTS,
            Map.of());

    assertThat(host(r, "grpc.example.com").routes())
        .extracting(x -> x.match().pathKind() + " " + x.match().path())
        .containsExactly(
            "EXACT /gantry.test.Backend/Who",
            "REGEX /[^/]+/W.o",
            "PREFIX /gantry.test.Backend/",
            "PREFIX /");
    assertThat(r.upstreams().values()).allSatisfy(u -> assertThat(u.protocol().http2()).isTrue());
    assertThat(
            condition(
                r.statuses().grpcRoutes().get("demo/g").getParents().get(0).getConditions(),
                "Accepted"))
        .isEqualTo("True/Accepted");
    assertThat(listener(r, "demo/gw", 0).getAttachedRoutes()).isEqualTo(1);
  }

  @Test
  void grpcRouteInvalidBackendsShareOfTheWeightAnswers500() {
    var rule = dev.gantry.xds.GatewayApiFixtures.grpcRule(null, null, null, "web", 80);
    var absent = new io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef();
    absent.setName("absent");
    absent.setPort(80);
    absent.setWeight(2);
    rule.getBackendRefs().get(0).setWeight(2);
    rule.getBackendRefs().add(absent);
    GatewayApiCompiler.Result r =
        compiler.compile(
            new GatewayApiObjects(
                List.of(gantryClass()),
                List.of(plain()),
                List.of(),
                List.of(
                    dev.gantry.xds.GatewayApiFixtures.grpcRoute(
                        "demo/g",
                        List.of("grpc.example.com"),
                        List.of(parent("demo/gw", null)),
                        rule)),
                List.of()),
            SNAPSHOT,
            CERTS,
            Map.of());

    assertThat(host(r, "grpc.example.com").routes().get(0).clusters())
        .extracting(
            c -> (c.cluster().startsWith("demo/web/") ? "web" : c.cluster()) + "=" + c.weight())
        .containsExactly("web=2", WeightedCluster.INVALID_BACKEND + "=2");
  }

  @Test
  void oddInputIsRefusedOnItsRouteAloneAndTheOthersServe() {
    HTTPRoute nulls =
        route(
            "demo/nulls",
            List.of("a.example.com"),
            List.of(parent("demo/gw", null)),
            rule(
                List.of(
                    new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch(
                        List.of(
                            new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch(
                                null, null, null)),
                        null,
                        null,
                        null)),
                List.of(),
                service("web", 80, null)));
    HTTPRoute newer =
        route(
            "demo/newer",
            List.of("b.example.com"),
            List.of(parent("demo/gw", null)),
            rule(service("web", 80, null)));
    newer.getSpec().getRules().get(0).getAdditionalProperties().put("futureField", true);
    HTTPRoute badFilter =
        route(
            "demo/filter",
            List.of("c.example.com"),
            List.of(parent("demo/gw", null)),
            rule(List.of(), List.of(new HTTPRouteFilter()), service("web", 80, null)));
    HTTPRoute good =
        route(
            "demo/good",
            List.of("d.example.com"),
            List.of(parent("demo/gw", null)),
            rule(service("web", 80, null)));
    GatewayApiCompiler.Result r = compile(plain(), nulls, newer, badFilter, good);

    assertThat(accepted(r, "demo/nulls")).isEqualTo("False/UnsupportedValue");
    assertThat(accepted(r, "demo/newer")).isEqualTo("False/UnsupportedValue");
    assertThat(parentOf(r, "demo/newer").getConditions().get(0).getMessage())
        .contains("futureField");
    assertThat(accepted(r, "demo/filter")).isEqualTo("False/UnsupportedValue");
    assertThat(accepted(r, "demo/good")).isEqualTo("True/Accepted");
    assertThat(r.hosts())
        .extracting(RoutingTable.VirtualHost::fqdn)
        .containsExactly("d.example.com");
  }

  @Test
  void serviceLookupsAreRecordedForTheEndpointOnlyFastPath() {
    try (ServiceResolver.Lookups lookups = ServiceResolver.Lookups.record()) {
      compile(
          plain(),
          route(
              "demo/r",
              List.of(),
              List.of(parent("demo/gw", null)),
              rule(serviceImport("web", 80))));
      assertThat(lookups.anyOf(List.of(ServiceName.of("demo", "web")))).isTrue();
      assertThat(lookups.anyOf(List.of(ServiceName.of("demo", "east-web")))).isFalse();
    }
  }
}
