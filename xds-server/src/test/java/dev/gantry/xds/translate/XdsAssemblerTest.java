package dev.gantry.xds.translate;

import static dev.gantry.xds.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.federation.FederatedService;
import dev.gantry.xds.ir.Routes;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.WeightedCluster;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XdsAssemblerTest {
  static final String KUARD = "demo/kuard/80/486e3713fa";
  static final String EAST_KUARD = "demo/east-kuard/80/d18b3d96ed";
  static final String WEST_KUARD = "demo/west-kuard/80/6931ad86ab";

  static final FederatedService KUARD_BOTH =
      service("demo/kuard")
          .port("http", 80)
          .cluster("east", 0, 1, "http", "10.0.0.1:8080")
          .cluster("west", 0, 1, "http", "10.1.0.1:8080")
          .build();
  static final FederatedService KUARD_WEST_SCALED =
      service("demo/kuard")
          .port("http", 80)
          .cluster("east", 0, 1, "http", "10.0.0.1:8080")
          .cluster("west", 0, 1, "http", "10.1.0.1:8080", "10.1.0.2:8080")
          .build();
  static final FederatedService EAST_MIRROR =
      service("demo/east-kuard")
          .port("http", 80)
          .cluster("east", 0, 1, "http", "10.0.0.1:8080")
          .build();
  static final FederatedService WEST_MIRROR =
      service("demo/west-kuard")
          .port("http", 80)
          .cluster("west", 0, 1, "http", "10.1.0.1:8080")
          .build();

  private final XdsAssembler assembler = new XdsAssembler("0.0.0.0", 8080, 8443);

  @Test
  void firstAssemblyBuildsEverythingFromTheTranslators() {
    RoutingTable table = table(KUARD_BOTH, 80);

    XdsAssembler.Assembly a = assembler.assemble(table);

    assertThat(a.fullRebuild()).isTrue();
    assertThat(a.endpointsRebuilt()).isEqualTo(2);
    Snapshot s = a.snapshot();
    assertThat(s.listeners().resources().values())
        .containsExactlyElementsOf(
            ListenerTranslator.translate("0.0.0.0", 8080, ListenerSettings.contour()));
    assertThat(s.routes().resources().values()).containsExactly(RouteTranslator.translate(table));
    assertThat(s.clusters().resources().values())
        .containsExactlyInAnyOrderElementsOf(
            ClusterTranslator.translate(table.upstreams().values()));
    assertThat(a.changed())
        .containsExactlyInAnyOrder(
            EndpointTranslator.translate(table.upstreams().get(EAST_KUARD)),
            EndpointTranslator.translate(table.upstreams().get(KUARD)));
    assertThat(a.assignments()).containsOnlyKeys(EAST_KUARD, KUARD);
    // Endpoints travel apart, through the endpoint cache.
    assertThat(s.endpoints().resources()).isEmpty();
    assertThat(s.listeners().version())
        .isEqualTo(
            Versions.of(ListenerTranslator.translate("0.0.0.0", 8080, ListenerSettings.contour())));
    assertThat(s.routes().version())
        .isEqualTo(Versions.of(List.of(RouteTranslator.translate(table))));
    assertThat(s.clusters().version())
        .isEqualTo(Versions.of(ClusterTranslator.translate(table.upstreams().values())));
  }

  @Test
  void sameTableAgainRebuildsNothingAndKeepsEveryVersion() {
    Snapshot first = assembler.assemble(table(KUARD_BOTH, 80)).snapshot();

    XdsAssembler.Assembly again = assembler.assemble(table(KUARD_BOTH, 80));

    assertThat(again.fullRebuild()).isFalse();
    assertThat(again.endpointsRebuilt()).isZero();
    assertThat(versions(again.snapshot())).isEqualTo(versions(first));
  }

  @Test
  void endpointOnlyChangeRebuildsOnlyTheChangedAssignment() {
    XdsAssembler.Assembly firstAssembly = assembler.assemble(table(KUARD_BOTH, 80));
    Snapshot first = firstAssembly.snapshot();

    RoutingTable scaled = table(KUARD_WEST_SCALED, 80);
    XdsAssembler.Assembly second = assembler.assemble(scaled);

    assertThat(second.fullRebuild()).isFalse();
    assertThat(second.endpointsRebuilt()).isEqualTo(1);
    Snapshot s = second.snapshot();
    assertThat(s).isSameAs(first);
    assertThat(second.changed())
        .containsExactly(EndpointTranslator.translate(scaled.upstreams().get(KUARD)));
    assertThat(second.assignments().get(KUARD))
        .isNotEqualTo(firstAssembly.assignments().get(KUARD));
    assertThat(second.removed()).isEmpty();
    // The untouched assignment is the very one built before, not a rebuilt copy.
    assertThat(second.assignments().get(EAST_KUARD))
        .isSameAs(firstAssembly.assignments().get(EAST_KUARD));
  }

  @Test
  void endpointChangeBackRestoresTheFirstAssignment() {
    XdsAssembler.Assembly first = assembler.assemble(table(KUARD_BOTH, 80));
    assembler.assemble(table(KUARD_WEST_SCALED, 80));

    XdsAssembler.Assembly back = assembler.assemble(table(KUARD_BOTH, 80));

    assertThat(back.endpointsRebuilt()).isEqualTo(1);
    assertThat(back.assignments()).isEqualTo(first.assignments());
    assertThat(versions(back.snapshot())).isEqualTo(versions(first.snapshot()));
  }

  @Test
  void routeChangeIsAFullRebuild() {
    Snapshot first = assembler.assemble(table(KUARD_BOTH, 80)).snapshot();

    RoutingTable reweighted = table(KUARD_BOTH, 50);
    XdsAssembler.Assembly second = assembler.assemble(reweighted);

    assertThat(second.fullRebuild()).isTrue();
    assertThat(second.snapshot().routes().resources().values())
        .containsExactly(RouteTranslator.translate(reweighted));
    assertThat(second.snapshot().routes().version()).isNotEqualTo(first.routes().version());
    // Versions come from content: what did not change keeps its version through a full rebuild.
    assertThat(second.snapshot().clusters().version()).isEqualTo(first.clusters().version());
    assertThat(second.snapshot().listeners().version()).isEqualTo(first.listeners().version());
    assertThat(second.endpointsRebuilt()).isZero();
  }

  @Test
  void newUpstreamIsAFullRebuildThatBuildsOnlyItsAssignment() {
    Snapshot first = assembler.assemble(table(KUARD_BOTH, 80)).snapshot();

    RoutingTable withWest = withWestRoute(table(KUARD_BOTH, 80));
    XdsAssembler.Assembly second = assembler.assemble(withWest);

    assertThat(second.fullRebuild()).isTrue();
    assertThat(second.endpointsRebuilt()).isEqualTo(1);
    assertThat(second.snapshot().clusters().resources())
        .containsOnlyKeys(EAST_KUARD, KUARD, WEST_KUARD);
    assertThat(second.changed())
        .containsExactly(EndpointTranslator.translate(withWest.upstreams().get(WEST_KUARD)));
    assertThat(second.snapshot().clusters().version()).isNotEqualTo(first.clusters().version());
  }

  @Test
  void removedUpstreamLeavesTheSnapshotAndIsRebuiltWhenItReturns() {
    RoutingTable withWest = withWestRoute(table(KUARD_BOTH, 80));
    assembler.assemble(withWest);

    XdsAssembler.Assembly without = assembler.assemble(table(KUARD_BOTH, 80));
    XdsAssembler.Assembly back = assembler.assemble(withWest);

    assertThat(without.assignments()).containsOnlyKeys(EAST_KUARD, KUARD);
    assertThat(without.removed()).containsExactly(WEST_KUARD);
    assertThat(without.snapshot().clusters().resources()).containsOnlyKeys(EAST_KUARD, KUARD);
    assertThat(back.fullRebuild()).isTrue();
    assertThat(back.endpointsRebuilt()).isEqualTo(1);
  }

  @Test
  void proxylessSnapshotHasApiListenersAndPerHostRoutesAndSharesClustersAndEndpoints() {
    RoutingTable table = withWestRoute(table(KUARD_BOTH, 80));

    XdsAssembler.Assembly a = assembler.assemble(table);

    Snapshot envoy = a.snapshot();
    Snapshot grpc = a.proxyless();
    assertThat(grpc.listeners().resources().values())
        .containsExactlyElementsOf(ListenerTranslator.apiListeners(table.virtualHosts()));
    assertThat(grpc.listeners().resources())
        .containsOnlyKeys("kuard.example.com", "west.example.com");
    assertThat(grpc.routes().resources().values())
        .containsExactlyElementsOf(RouteTranslator.perHost(table));
    assertThat(grpc.listeners().version())
        .isEqualTo(Versions.of(ListenerTranslator.apiListeners(table.virtualHosts())));
    assertThat(grpc.routes().version()).isEqualTo(Versions.of(RouteTranslator.perHost(table)));
    assertThat(grpc.clusters().resources()).isEqualTo(envoy.clusters().resources());
    assertThat(grpc.clusters().version()).isEqualTo(envoy.clusters().version());
    // Envoy's snapshot is what it was before gRPC clients were served.
    assertThat(envoy.listeners().resources()).containsOnlyKeys("ingress_http");
    assertThat(envoy.routes().resources()).containsOnlyKeys("ingress_http");
  }

  @Test
  void routeChangeKeepsTheApiListenersVersionAndEndpointChangeKeepsTheProxylessSnapshot() {
    Snapshot first = assembler.assemble(table(KUARD_BOTH, 80)).proxyless();

    Snapshot scaled = assembler.assemble(table(KUARD_WEST_SCALED, 80)).proxyless();
    Snapshot reweighted = assembler.assemble(table(KUARD_WEST_SCALED, 50)).proxyless();

    assertThat(scaled.listeners().version()).isEqualTo(first.listeners().version());
    assertThat(scaled.routes().version()).isEqualTo(first.routes().version());
    assertThat(reweighted.listeners().version()).isEqualTo(first.listeners().version());
    assertThat(reweighted.routes().version()).isNotEqualTo(first.routes().version());
  }

  private static List<String> versions(Snapshot s) {
    return List.of(s.listeners().version(), s.routes().version(), s.clusters().version());
  }

  /** kuard.example.com: "/" split between the federated kuard and east's mirror. */
  @Test
  void aHostAddedReusesTheTranslationsOfWhatDidNotChangeAndVersionsFollowContent() {
    RoutingTable base = table(KUARD_BOTH, 80);
    Snapshot first = assembler.assemble(base).snapshot();

    Snapshot grown = assembler.assemble(withWestRoute(base)).snapshot();

    RouteConfiguration before = first.routes().resources().get(RouteTranslator.INGRESS_HTTP);
    RouteConfiguration after = grown.routes().resources().get(RouteTranslator.INGRESS_HTTP);
    assertThat(after.getVirtualHostsList()).hasSize(2);
    assertThat(after.getVirtualHosts(0)).isSameAs(before.getVirtualHosts(0));
    assertThat(grown.clusters().resources().get(KUARD))
        .isSameAs(first.clusters().resources().get(KUARD));
    assertThat(grown.routes().version()).isNotEqualTo(first.routes().version());
    assertThat(grown.routes().resources().values())
        .containsExactlyElementsOf(List.of(RouteTranslator.translate(withWestRoute(base))));
    assertThat(grown.clusters().version())
        .isEqualTo(
            Versions.of(ClusterTranslator.translate(withWestRoute(base).upstreams().values())));

    // Back to the first table: the first versions again, from reused and new translations alike.
    Snapshot back = assembler.assemble(table(KUARD_BOTH, 80)).snapshot();
    assertThat(back.routes().version()).isEqualTo(first.routes().version());
    assertThat(back.clusters().version()).isEqualTo(first.clusters().version());
  }

  @Test
  void aDnsUpstreamHasNoAssignmentAndANewNameRebuildsItsCluster() {
    XdsAssembler.Assembly first = assembler.assemble(dnsTable("a.example.com"));

    assertThat(first.assignments()).isEmpty();
    assertThat(first.changed()).isEmpty();
    assertThat(first.snapshot().clusters().resources().get("demo/ext/80/0123456789").getType())
        .isEqualTo(io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType.STRICT_DNS);

    XdsAssembler.Assembly renamed = assembler.assemble(dnsTable("b.example.com"));

    assertThat(renamed.fullRebuild()).isTrue();
    assertThat(renamed.assignments()).isEmpty();
    assertThat(
            renamed
                .snapshot()
                .clusters()
                .resources()
                .get("demo/ext/80/0123456789")
                .getLoadAssignment()
                .getEndpoints(0)
                .getLbEndpoints(0)
                .getEndpoint()
                .getAddress()
                .getSocketAddress()
                .getAddress())
        .isEqualTo("b.example.com");
  }

  private static RoutingTable dnsTable(String externalName) {
    FederatedService ext =
        service("demo/ext").port("http", 80).externalName("east", 0, 1, externalName).build();
    String name = "demo/ext/80/0123456789";
    Upstream upstream =
        Upstream.of(name, ext, ext.ports().get(0), true)
            .dns(List.of(new Upstream.DnsTarget("east", 0, 1, externalName)))
            .build();
    return new RoutingTable(
        List.of(
            Routes.host(
                "ext.example.com",
                List.of(Routes.route("/", List.of(new WeightedCluster(name, 1)))))),
        Map.of(name, upstream));
  }

  @Test
  void sharesOfTheSameServicesWithOtherWeightsAreANewAssignment() {
    String name = "extension/demo/auth";
    RoutingTable even = sharesTable(name, 1, 1);
    assembler.assemble(even);

    RoutingTable uneven = sharesTable(name, 3, 1);
    XdsAssembler.Assembly next = assembler.assemble(uneven);

    // The same services, so nothing but the weights tells the two assignments apart.
    assertThat(next.changed())
        .containsExactly(EndpointTranslator.translate(uneven.upstreams().get(name)));
    assertThat(next.assignments().get(name))
        .isEqualTo(EndpointTranslator.translate(uneven.upstreams().get(name)))
        .isNotEqualTo(EndpointTranslator.translate(even.upstreams().get(name)));
    // And the endpoints-only path keeps the new weights.
    assertThat(assembler.refresh(List.of(uneven.upstreams().get(name)))).isEmpty();
  }

  /** One host routed to an upstream of east's and west's mirrors at {@code east}:{@code west}. */
  private static RoutingTable sharesTable(String name, long east, long west) {
    Upstream shares =
        Upstream.of(
                name,
                List.of(
                    new Upstream.Share(EAST_MIRROR, EAST_MIRROR.ports().get(0), false, east),
                    new Upstream.Share(WEST_MIRROR, WEST_MIRROR.ports().get(0), false, west)))
            .build();
    return new RoutingTable(
        List.of(
            Routes.host(
                "auth.example.com",
                List.of(Routes.route("/", List.of(new WeightedCluster(name, 1)))))),
        Map.of(name, shares));
  }

  private static RoutingTable table(FederatedService kuard, long kuardWeight) {
    Map<String, Upstream> upstreams = new LinkedHashMap<>();
    upstreams.put(KUARD, Upstream.of(KUARD, kuard, kuard.ports().get(0), true).build());
    upstreams.put(
        EAST_KUARD,
        Upstream.of(EAST_KUARD, EAST_MIRROR, EAST_MIRROR.ports().get(0), false).build());
    return new RoutingTable(
        List.of(
            Routes.host(
                "kuard.example.com",
                List.of(
                    Routes.route(
                        "/",
                        List.of(
                            new WeightedCluster(KUARD, kuardWeight),
                            new WeightedCluster(EAST_KUARD, 100 - kuardWeight)))))),
        upstreams);
  }

  /** The same table plus west.example.com routed to west's mirror. */
  private static RoutingTable withWestRoute(RoutingTable table) {
    Map<String, Upstream> upstreams = new LinkedHashMap<>(table.upstreams());
    upstreams.put(
        WEST_KUARD,
        Upstream.of(WEST_KUARD, WEST_MIRROR, WEST_MIRROR.ports().get(0), false).build());
    List<RoutingTable.VirtualHost> hosts = new ArrayList<>(table.virtualHosts());
    hosts.add(
        Routes.host(
            "west.example.com",
            List.of(Routes.route("/", List.of(new WeightedCluster(WEST_KUARD, 1))))));
    return new RoutingTable(hosts, upstreams);
  }
}
