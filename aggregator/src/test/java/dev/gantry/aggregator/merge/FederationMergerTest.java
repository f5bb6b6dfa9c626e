package dev.gantry.aggregator.merge;

import static dev.gantry.aggregator.HubFixtures.HTTP;
import static dev.gantry.aggregator.HubFixtures.hubService;
import static dev.gantry.aggregator.HubFixtures.hubSlice;
import static dev.gantry.aggregator.HubFixtures.locality;
import static dev.gantry.aggregator.HubFixtures.mirror;
import static dev.gantry.aggregator.HubFixtures.mirrorSlice;
import static dev.gantry.aggregator.HubFixtures.notReady;
import static dev.gantry.aggregator.HubFixtures.ready;
import static dev.gantry.aggregator.HubFixtures.remoteCluster;
import static dev.gantry.aggregator.HubFixtures.service;
import static dev.gantry.aggregator.HubFixtures.servingTerminating;
import static dev.gantry.aggregator.HubFixtures.snapshot;
import static dev.gantry.aggregator.merge.MergeCase.NOW;
import static dev.gantry.aggregator.merge.MergeCase.TTL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.federation.FederatedEndpoint;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServicePortSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Merging well-formed hub objects: localities, ports, staleness. */
class FederationMergerTest {
  static Stream<MergeCase> cases() {
    return Stream.of(
        new MergeCase(
            "an empty hub gives an empty snapshot",
            MergeCase.Input.of(),
            FederationSnapshot.empty()),
        new MergeCase(
            "the hub's own Service federates under its own name as cluster hub",
            MergeCase.Input.of(
                hubService("shop/web").port("http", 80),
                hubSlice("shop/web", "a").ready("198.18.0.1")),
            snapshot(
                List.of(service("shop/web", List.of(HTTP), locality("hub", ready("198.18.0.1")))),
                List.of(service("shop/web", List.of(HTTP), locality("hub", ready("198.18.0.1")))))),
        new MergeCase(
            "a mirror federates under its source name and is a hub service under its own",
            MergeCase.Input.of(
                mirror("east", "shop/web").port("http", 80),
                mirrorSlice("east", "shop/web", "a").ready("198.18.1.1")),
            snapshot(
                List.of(service("shop/web", List.of(HTTP), locality("east", ready("198.18.1.1")))),
                List.of(
                    service(
                        "shop/east-web", List.of(HTTP), locality("east", ready("198.18.1.1")))))),
        new MergeCase(
            "two clusters and the hub's own merge into localities with priorities, weights and"
                + " readiness",
            MergeCase.Input.of(
                remoteCluster("east").priority(0).weight(3),
                remoteCluster("west").priority(1),
                hubService("shop/web").port("http", 80),
                hubSlice("shop/web", "a").ready("198.18.0.1"),
                mirror("east", "shop/web").port("http", 80),
                mirrorSlice("east", "shop/web", "a")
                    .ready("198.18.1.1")
                    .notReady("198.18.1.2")
                    .endpoint(null, "198.18.1.3")
                    .withoutConditions("198.18.1.4"),
                mirror("west", "shop/web").port("http", 80),
                mirrorSlice("west", "shop/web", "a")
                    .endpoint(true, "198.18.2.1", "198.18.2.2")
                    .endpoint(true)),
            snapshot(
                List.of(
                    service(
                        "shop/web",
                        List.of(HTTP),
                        locality(
                            "east",
                            0,
                            3,
                            false,
                            ready("198.18.1.1"),
                            notReady("198.18.1.2"),
                            ready("198.18.1.3"),
                            ready("198.18.1.4")),
                        locality("hub", ready("198.18.0.1")),
                        locality("west", 1, 1, false, ready("198.18.2.1"), ready("198.18.2.2")))),
                List.of(
                    service(
                        "shop/east-web",
                        List.of(HTTP),
                        locality(
                            "east",
                            0,
                            3,
                            false,
                            ready("198.18.1.1"),
                            notReady("198.18.1.2"),
                            ready("198.18.1.3"),
                            ready("198.18.1.4"))),
                    service("shop/web", List.of(HTTP), locality("hub", ready("198.18.0.1"))),
                    service(
                        "shop/west-web",
                        List.of(HTTP),
                        locality("west", 1, 1, false, ready("198.18.2.1"), ready("198.18.2.2")))))),
        new MergeCase(
            "each cluster's endpoints keep the state their conditions give, with or without ready"
                + " peers: what takes traffic is chosen per load assignment, across clusters",
            MergeCase.Input.of(
                mirror("east", "shop/web").port("http", 80),
                mirrorSlice("east", "shop/web", "a")
                    .notReady("198.18.1.1")
                    .servingTerminating("198.18.1.2")
                    .endpoint(false, true, false, "198.18.1.3")
                    .endpoint(null, null, null, "198.18.1.4"),
                mirror("west", "shop/web").port("http", 80),
                mirrorSlice("west", "shop/web", "a")
                    .ready("198.18.2.1")
                    .endpoint(false, null, true, "198.18.2.2")
                    .endpoint(false, false, true, "198.18.2.3")
                    .withoutConditions("198.18.2.4")),
            snapshot(
                List.of(
                    service(
                        "shop/web",
                        List.of(HTTP),
                        locality(
                            "east",
                            notReady("198.18.1.1"),
                            servingTerminating("198.18.1.2"),
                            notReady("198.18.1.3"),
                            ready("198.18.1.4")),
                        locality(
                            "west",
                            ready("198.18.2.1"),
                            servingTerminating("198.18.2.2"),
                            notReady("198.18.2.3"),
                            ready("198.18.2.4")))),
                List.of(
                    service(
                        "shop/east-web",
                        List.of(HTTP),
                        locality(
                            "east",
                            notReady("198.18.1.1"),
                            servingTerminating("198.18.1.2"),
                            notReady("198.18.1.3"),
                            ready("198.18.1.4"))),
                    service(
                        "shop/west-web",
                        List.of(HTTP),
                        locality(
                            "west",
                            ready("198.18.2.1"),
                            servingTerminating("198.18.2.2"),
                            notReady("198.18.2.3"),
                            ready("198.18.2.4")))))),
        new MergeCase(
            "default/kubernetes is a hub service but never federated",
            MergeCase.Input.of(
                hubService("default/kubernetes").port("https", 443, "TCP", null),
                hubSlice("default/kubernetes", "a").ready("198.18.0.9")),
            snapshot(
                List.of(),
                List.of(
                    service(
                        "default/kubernetes",
                        List.of(new ServicePortSpec("https", 443, "TCP", null)),
                        locality("hub", ready("198.18.0.9")))))),
        new MergeCase(
            "ports come from the hub's own Service; a cluster that differs is reported and still"
                + " contributes; appProtocol alone is no difference",
            MergeCase.Input.of(
                hubService("shop/web").port("http", 80),
                mirror("east", "shop/web").port("http", 8080),
                mirror("west", "shop/web").port("http", 80, "TCP", "kubernetes.io/h2c")),
            snapshot(
                List.of(
                    service(
                        "shop/web",
                        List.of(HTTP),
                        List.of(
                            "cluster east: ports differ from hub: east has [http:8080/TCP], hub"
                                + " has [http:80/TCP]"),
                        locality("east"),
                        locality("hub"),
                        locality("west"))),
                List.of(
                    service(
                        "shop/east-web",
                        List.of(new ServicePortSpec("http", 8080, "TCP", "http")),
                        locality("east")),
                    service("shop/web", List.of(HTTP), locality("hub")),
                    service(
                        "shop/west-web",
                        List.of(new ServicePortSpec("http", 80, "TCP", "kubernetes.io/h2c")),
                        locality("west"))))),
        new MergeCase(
            "without the hub's own Service, ports come from the first cluster by name",
            MergeCase.Input.of(
                mirror("west", "shop/web").port("http", 80),
                mirror("east", "shop/web").port("metrics", 9090).port("http", 80)),
            snapshot(
                List.of(
                    service(
                        "shop/web",
                        List.of(HTTP, new ServicePortSpec("metrics", 9090, "TCP", "http")),
                        List.of(
                            "cluster west: ports differ from east: west has [http:80/TCP], east"
                                + " has [http:80/TCP, metrics:9090/TCP]"),
                        locality("east"),
                        locality("west"))),
                List.of(
                    service(
                        "shop/east-web",
                        List.of(HTTP, new ServicePortSpec("metrics", 9090, "TCP", "http")),
                        locality("east")),
                    service("shop/west-web", List.of(HTTP), locality("west"))))),
        new MergeCase(
            "a cluster stale up to the TTL keeps its endpoints; past it, it contributes none but"
                + " stays listed",
            MergeCase.Input.of(
                    remoteCluster("east").staleSince(NOW.minus(TTL)),
                    remoteCluster("west").staleSince(NOW.minus(TTL).minusMillis(1)),
                    mirror("east", "shop/web").port("http", 80),
                    mirrorSlice("east", "shop/web", "a").ready("198.18.1.1"),
                    mirror("west", "shop/web").port("http", 80),
                    mirrorSlice("west", "shop/web", "a").ready("198.18.2.1"))
                .ttl(TTL),
            snapshot(
                List.of(
                    service(
                        "shop/web",
                        List.of(HTTP),
                        locality("east", 0, 1, true, ready("198.18.1.1")),
                        locality("west", 0, 1, true))),
                List.of(
                    service(
                        "shop/east-web",
                        List.of(HTTP),
                        locality("east", 0, 1, true, ready("198.18.1.1"))),
                    service("shop/west-web", List.of(HTTP), locality("west", 0, 1, true))))),
        new MergeCase(
            "without a TTL a stale cluster keeps its endpoints forever",
            MergeCase.Input.of(
                remoteCluster("west").staleSince(NOW.minus(Duration.ofDays(30))),
                mirror("west", "shop/web").port("http", 80),
                mirrorSlice("west", "shop/web", "a").ready("198.18.2.1")),
            snapshot(
                List.of(
                    service(
                        "shop/web",
                        List.of(HTTP),
                        locality("west", 0, 1, true, ready("198.18.2.1")))),
                List.of(
                    service(
                        "shop/west-web",
                        List.of(HTTP),
                        locality("west", 0, 1, true, ready("198.18.2.1")))))),
        new MergeCase(
            "an address in two slices appears once, the copy in the better state winning; FQDN"
                + " and IPv6 addresses are kept as given",
            MergeCase.Input.of(
                hubService("shop/web").port("http", 80),
                hubSlice("shop/web", "a").notReady("198.18.0.1").servingTerminating("198.18.0.3"),
                hubSlice("shop/web", "b")
                    .ready("198.18.0.1", "198.18.0.2")
                    .notReady("198.18.0.3", "198.18.0.4"),
                hubSlice("shop/web", "c")
                    .noPorts()
                    .port("http", 9090)
                    .ready("198.18.0.2")
                    .servingTerminating("198.18.0.4"),
                hubService("shop/ext").port("http", 80),
                hubSlice("shop/ext", "a").addressType("FQDN").ready("backend.example.com"),
                hubSlice("shop/ext", "b").addressType("IPv6").ready("2001:db8::1")),
            snapshot(
                List.of(
                    service(
                        "shop/ext",
                        List.of(HTTP),
                        locality("hub", ready("2001:db8::1"), ready("backend.example.com"))),
                    service(
                        "shop/web",
                        List.of(HTTP),
                        locality(
                            "hub",
                            ready("198.18.0.1"),
                            ready("198.18.0.2"),
                            servingTerminating("198.18.0.3"),
                            new FederatedEndpoint(
                                "198.18.0.4",
                                Map.of("http", 9090),
                                FederatedEndpoint.State.SERVING_TERMINATING,
                                "zone-a")))),
                List.of(
                    service(
                        "shop/ext",
                        List.of(HTTP),
                        locality("hub", ready("2001:db8::1"), ready("backend.example.com"))),
                    service(
                        "shop/web",
                        List.of(HTTP),
                        locality(
                            "hub",
                            ready("198.18.0.1"),
                            ready("198.18.0.2"),
                            servingTerminating("198.18.0.3"),
                            new FederatedEndpoint(
                                "198.18.0.4",
                                Map.of("http", 9090),
                                FederatedEndpoint.State.SERVING_TERMINATING,
                                "zone-a")))))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void mergesHubObjectsIntoTheExpectedSnapshot(MergeCase c) {
    assertThat(c.input().merge()).isEqualTo(c.expected());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void inputOrderDoesNotChangeTheSnapshot(MergeCase c) {
    assertThat(MergeCase.mergeReversed(c.input())).isEqualTo(c.expected());
  }

  @Test
  void nullEntriesInTheInputListsAreSkipped() {
    List<Service> services = new ArrayList<>();
    services.add(null);
    services.add(hubService("shop/web").port("http", 80).build());
    List<EndpointSlice> slices = new ArrayList<>();
    slices.add(null);
    List<RemoteCluster> clusters = new ArrayList<>();
    clusters.add(null);
    assertThat(FederationMerger.merge(services, slices, clusters, NOW, TTL).federated())
        .containsOnlyKeys(dev.gantry.api.federation.ServiceName.of("shop", "web"));
  }

  @Test
  void nextStaleExpiryIsTheEarliestExpiryStillAhead() {
    List<RemoteCluster> clusters =
        List.of(
            remoteCluster("east").staleSince(NOW.minusSeconds(30)).build(),
            remoteCluster("west").staleSince(NOW.minusSeconds(10)).build(),
            remoteCluster("north").staleSince(NOW.minus(Duration.ofHours(1))).build(),
            remoteCluster("south").staleSince("not a time").build(),
            remoteCluster("fresh").build());
    assertThat(FederationMerger.nextStaleExpiry(clusters, NOW, TTL)).isEqualTo(NOW.plusSeconds(30));
    assertThat(FederationMerger.nextStaleExpiry(clusters, NOW, null)).isNull();
    assertThat(FederationMerger.nextStaleExpiry(List.of(clusters.get(2)), NOW, TTL)).isNull();
  }

  @Test
  void endpointsCarryTheirSlicesPortsAndZone() {
    FederationSnapshot snapshot =
        MergeCase.Input.of(
                hubService("shop/web").port("http", 80).port("grpc", 9000),
                hubSlice("shop/web", "a").port("grpc", 9001).ready("198.18.0.1"))
            .merge();
    assertThat(snapshot.hubServices().values().iterator().next().clusters().get("hub").endpoints())
        .containsExactly(
            new FederatedEndpoint(
                "198.18.0.1",
                Map.of("http", 8080, "grpc", 9001),
                FederatedEndpoint.State.READY,
                "zone-a"));
  }

  private static io.fabric8.kubernetes.api.model.Service externalName(
      dev.gantry.aggregator.HubFixtures.ServiceFixture fixture, String name) {
    io.fabric8.kubernetes.api.model.Service service = fixture.build();
    service.getSpec().setType("ExternalName");
    service.getSpec().setExternalName(name);
    return service;
  }

  @Test
  void externalNameMirrorsFederateWithEachClustersNameAndNoEndpoints() {
    FederationSnapshot snapshot =
        MergeCase.Input.of(
                externalName(mirror("east", "shop/db").port("sql", 5432), "db.east.example.com"),
                externalName(mirror("west", "shop/db").port("sql", 5432), "db.west.example.com"))
            .merge();

    var db = snapshot.federated().get(dev.gantry.api.federation.ServiceName.of("shop", "db"));
    assertThat(db.clusters().values())
        .extracting(c -> c.cluster() + "=" + c.externalName() + " " + c.endpoints())
        .containsExactly("east=db.east.example.com []", "west=db.west.example.com []");
    assertThat(db.problems()).isEmpty();
    assertThat(
            snapshot
                .hubServices()
                .get(dev.gantry.api.federation.ServiceName.of("shop", "east-db"))
                .clusters()
                .get("east")
                .externalName())
        .isEqualTo("db.east.example.com");
  }

  private static final String DISCOVERY = "gantry.dev/upstream-discovery";

  @Test
  void headlessServicesAskingForDnsCarryTheirNameInTheHubsDnsAndKeepTheirEndpoints() {
    FederationSnapshot snapshot =
        MergeCase.Input.of(
                mirror("east", "shop/web").port("http", 80).annotation(DISCOVERY, "dns"),
                mirrorSlice("east", "shop/web", "a").ready("198.18.0.1"),
                mirror("west", "shop/web").port("http", 80).annotation(DISCOVERY, "dns"),
                mirrorSlice("west", "shop/web", "a").ready("198.18.1.1"))
            .merge();

    var web = snapshot.federated().get(dev.gantry.api.federation.ServiceName.of("shop", "web"));
    assertThat(web.clusters().values())
        .extracting(c -> c.cluster() + "=" + c.dnsName() + " " + c.endpoints().size())
        .containsExactly(
            "east=east-web.shop.svc.cluster.local 1", "west=west-web.shop.svc.cluster.local 1");
    assertThat(web.problems()).isEmpty();
  }

  @Test
  void theClusterDomainIsTheHubsOwn() {
    var state = new FederationState("hub.example");
    var update =
        state.update(
            java.util.Set.of(dev.gantry.api.federation.ServiceName.of("shop", "east-web")),
            n ->
                n.name().equals("east-web")
                    ? mirror("east", "shop/web")
                        .port("http", 80)
                        .annotation(DISCOVERY, "dns")
                        .build()
                    : null,
            n -> List.of(),
            List.of(),
            java.time.Instant.EPOCH,
            null);
    assertThat(
            update
                .snapshot()
                .federated()
                .get(dev.gantry.api.federation.ServiceName.of("shop", "web"))
                .clusters()
                .get("east")
                .dnsName())
        .isEqualTo("east-web.shop.svc.hub.example");
  }

  @Test
  void whatCannotBeResolvedByTheHubsDnsIsNamedAndGoesByEds() {
    FederationSnapshot snapshot =
        MergeCase.Input.of(
                hubService("shop/web")
                    .port("http", 80)
                    .clusterIp("10.96.0.10")
                    .annotation(DISCOVERY, "dns"),
                mirror("east", "shop/web").port("http", 80).annotation(DISCOVERY, "DNS"),
                externalName(
                    mirror("west", "shop/web").port("http", 80).annotation(DISCOVERY, "dns"),
                    "web.west.example.com"))
            .merge();

    var web = snapshot.federated().get(dev.gantry.api.federation.ServiceName.of("shop", "web"));
    assertThat(web.clusters().values()).allSatisfy(c -> assertThat(c.dnsName()).isNull());
    assertThat(web.problems())
        .contains(
            "service shop/web: asks for DNS resolution (gantry.dev/upstream-discovery) but is not"
                + " headless: the hub's DNS answers with its cluster IP, not its endpoints; its"
                + " endpoints are given to Envoy by EDS",
            "service shop/east-web: annotation gantry.dev/upstream-discovery is \"DNS\", not"
                + " \"dns\"; its endpoints are given to Envoy by EDS",
            "service shop/west-web: is an ExternalName Service, resolved by its own name;"
                + " annotation gantry.dev/upstream-discovery ignored");
  }

  @Test
  void clustersThatDisagreeAreAllGivenByEdsWithAProblem() {
    FederationSnapshot snapshot =
        MergeCase.Input.of(
                mirror("east", "shop/web").port("http", 80).annotation(DISCOVERY, "dns"),
                mirror("west", "shop/web").port("http", 80))
            .merge();

    var web = snapshot.federated().get(dev.gantry.api.federation.ServiceName.of("shop", "web"));
    assertThat(web.clusters().get("east").dnsName()).isEqualTo("east-web.shop.svc.cluster.local");
    assertThat(web.problems())
        .containsExactly(
            "cluster(s) east ask for DNS resolution (gantry.dev/upstream-discovery) but west do"
                + " not: every cluster's endpoints are given to Envoy by EDS; a route to one"
                + " cluster's mirror follows its own");
  }

  @Test
  void slicesOfAnExternalNameServiceAreIgnoredWithAProblem() {
    FederationSnapshot snapshot =
        MergeCase.Input.of(
                externalName(hubService("shop/db").port("sql", 5432), "db.example.com"),
                hubSlice("shop/db", "a").ready("198.18.0.1"))
            .merge();

    var db = snapshot.federated().get(dev.gantry.api.federation.ServiceName.of("shop", "db"));
    assertThat(db.clusters().get("hub").endpoints()).isEmpty();
    assertThat(db.clusters().get("hub").externalName()).isEqualTo("db.example.com");
    assertThat(db.problems())
        .containsExactly(
            "service shop/db: is an ExternalName Service; its EndpointSlices are ignored");
  }

  @Test
  void anExternalNamesNameOrWeightIsShapeItsStalenessIsNot() {
    var base =
        new dev.gantry.api.federation.FederatedService(
            dev.gantry.api.federation.ServiceName.of("shop", "db"),
            List.of(new dev.gantry.api.federation.ServicePortSpec("sql", 5432, "TCP", null)),
            Map.of(
                "east",
                new dev.gantry.api.federation.ClusterEndpoints(
                    "east", 0, 1, false, List.of(), "db.example.com")),
            List.of());
    java.util.function.Function<
            dev.gantry.api.federation.ClusterEndpoints, dev.gantry.api.federation.FederatedService>
        with =
            c ->
                new dev.gantry.api.federation.FederatedService(
                    base.name(), base.ports(), Map.of("east", c), List.of());

    assertThat(
            dev.gantry.api.federation.FederationUpdate.sameShape(
                base,
                with.apply(
                    new dev.gantry.api.federation.ClusterEndpoints(
                        "east", 0, 1, false, List.of(), "db2.example.com"))))
        .isFalse();
    assertThat(
            dev.gantry.api.federation.FederationUpdate.sameShape(
                base,
                with.apply(
                    new dev.gantry.api.federation.ClusterEndpoints(
                        "east", 0, 5, false, List.of(), "db.example.com"))))
        .isFalse();
    assertThat(
            dev.gantry.api.federation.FederationUpdate.sameShape(
                base,
                with.apply(
                    new dev.gantry.api.federation.ClusterEndpoints(
                        "east", 0, 1, false, List.of(), null))))
        .isFalse();
    assertThat(
            dev.gantry.api.federation.FederationUpdate.sameShape(
                base,
                with.apply(
                    new dev.gantry.api.federation.ClusterEndpoints(
                        "east", 0, 1, true, List.of(), "db.example.com"))))
        .isTrue();
  }
}
