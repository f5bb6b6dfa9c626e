package dev.gantry.aggregator.merge;

import static dev.gantry.aggregator.HubFixtures.HTTP;
import static dev.gantry.aggregator.HubFixtures.hubService;
import static dev.gantry.aggregator.HubFixtures.hubSlice;
import static dev.gantry.aggregator.HubFixtures.locality;
import static dev.gantry.aggregator.HubFixtures.mirror;
import static dev.gantry.aggregator.HubFixtures.mirrorSlice;
import static dev.gantry.aggregator.HubFixtures.ready;
import static dev.gantry.aggregator.HubFixtures.remoteCluster;
import static dev.gantry.aggregator.HubFixtures.service;
import static dev.gantry.aggregator.HubFixtures.snapshot;
import static dev.gantry.aggregator.merge.MergeCase.NOW;
import static dev.gantry.aggregator.merge.MergeCase.TTL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.federation.ServicePortSpec;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad hub data is skipped and reported in {@code problems}, never thrown. */
class FederationMergerBadDataTest {
  static Stream<MergeCase> cases() {
    return Stream.of(
        new MergeCase(
            "a remote cluster named like the hub's own is reported and not federated",
            MergeCase.Input.of(
                mirror("hub", "shop/web").port("http", 80),
                mirrorSlice("hub", "shop/web", "a").ready("198.18.3.1"),
                mirror("east", "shop/web").port("http", 80)),
            snapshot(
                List.of(
                    service(
                        "shop/web",
                        List.of(HTTP),
                        List.of(
                            "service shop/hub-web: remote cluster 'hub' is named like the hub's"
                                + " own cluster; not federated"),
                        locality("east"))),
                List.of(
                    service("shop/east-web", List.of(HTTP), locality("east")),
                    service(
                        "shop/hub-web",
                        List.of(HTTP),
                        List.of(
                            "service shop/hub-web: remote cluster 'hub' is named like the hub's"
                                + " own cluster; not federated"),
                        locality("hub", ready("198.18.3.1")))))),
        new MergeCase(
            "a mirror without its service label or with a bad cluster name is reported and not"
                + " federated",
            MergeCase.Input.of(
                mirror("east", "shop/web").withoutLabel(Labels.SERVICE).port("http", 80),
                mirror("East", "shop/api").port("http", 80)),
            snapshot(
                List.of(),
                List.of(
                    service(
                        "shop/East-api",
                        List.of(HTTP),
                        List.of(
                            "service shop/East-api: cluster name 'East' must consist of lower-case"
                                + " letters, digits and '-', start with a letter and end with a"
                                + " letter or digit; not federated"),
                        locality("East")),
                    service(
                        "shop/east-web",
                        List.of(HTTP),
                        List.of(
                            "service shop/east-web: label gantry.dev/service is missing; not"
                                + " federated"),
                        locality("east"))))),
        new MergeCase(
            "ports numbered 0 or unset are skipped with a problem, in Services and slices",
            MergeCase.Input.of(
                hubService("shop/web").port("http", 0).port("grpc", 9000).port("x", null),
                hubSlice("shop/web", "a").port("bad", 0).ready("198.18.0.1")),
            snapshot(
                List.of(
                    service(
                        "shop/web",
                        List.of(new ServicePortSpec("grpc", 9000, "TCP", "http")),
                        List.of(
                            "service shop/web: port 'http' has number 0, not 1-65535; skipped",
                            "service shop/web: port 'x' has number null, not 1-65535; skipped",
                            "slice shop/web-a: port 'bad' has number 0, not 1-65535; skipped"),
                        locality("hub", ready("198.18.0.1")))),
                List.of(
                    service(
                        "shop/web",
                        List.of(new ServicePortSpec("grpc", 9000, "TCP", "http")),
                        List.of(
                            "service shop/web: port 'http' has number 0, not 1-65535; skipped",
                            "service shop/web: port 'x' has number null, not 1-65535; skipped",
                            "slice shop/web-a: port 'bad' has number 0, not 1-65535; skipped"),
                        locality("hub", ready("198.18.0.1")))))),
        new MergeCase(
            "a slice whose cluster label disagrees with its Service's is skipped and reported",
            MergeCase.Input.of(
                mirror("east", "shop/web").port("http", 80),
                mirrorSlice("east", "shop/web", "a").ready("198.18.1.1"),
                mirrorSlice("east", "shop/web", "b")
                    .label(Labels.CLUSTER, "west")
                    .ready("198.18.9.9"),
                mirrorSlice("east", "shop/web", "c")
                    .withoutLabel(Labels.CLUSTER)
                    .ready("198.18.9.8"),
                hubService("shop/api").port("http", 80),
                hubSlice("shop/api", "a").label(Labels.CLUSTER, "east").ready("198.18.9.7")),
            snapshot(
                List.of(
                    service(
                        "shop/api",
                        List.of(HTTP),
                        List.of(
                            "slice shop/api-a: gantry.dev/cluster is 'east' but its Service"
                                + " shop/api has none; skipped"),
                        locality("hub")),
                    service(
                        "shop/web",
                        List.of(HTTP),
                        List.of(
                            "slice shop/east-web-b: gantry.dev/cluster is 'west' but its Service"
                                + " shop/east-web has 'east'; skipped",
                            "slice shop/east-web-c: gantry.dev/cluster is none but its Service"
                                + " shop/east-web has 'east'; skipped"),
                        locality("east", ready("198.18.1.1")))),
                List.of(
                    service(
                        "shop/api",
                        List.of(HTTP),
                        List.of(
                            "slice shop/api-a: gantry.dev/cluster is 'east' but its Service"
                                + " shop/api has none; skipped"),
                        locality("hub")),
                    service(
                        "shop/east-web",
                        List.of(HTTP),
                        List.of(
                            "slice shop/east-web-b: gantry.dev/cluster is 'west' but its Service"
                                + " shop/east-web has 'east'; skipped",
                            "slice shop/east-web-c: gantry.dev/cluster is none but its Service"
                                + " shop/east-web has 'east'; skipped"),
                        locality("east", ready("198.18.1.1")))))),
        new MergeCase(
            "two mirrors of one service from one cluster: the discoverer's name wins, reported",
            MergeCase.Input.of(
                mirror("east", "shop/web").port("http", 80),
                mirrorSlice("east", "shop/web", "a").ready("198.18.1.1"),
                hubService("shop/zzz-copy")
                    .label(Labels.CLUSTER, "east")
                    .label(Labels.SERVICE, "web")
                    .port("http", 80)),
            snapshot(
                List.of(
                    service(
                        "shop/web",
                        List.of(HTTP),
                        List.of(
                            "cluster east: both shop/east-web and shop/zzz-copy mirror shop/web;"
                                + " using shop/east-web"),
                        locality("east", ready("198.18.1.1")))),
                List.of(
                    service("shop/east-web", List.of(HTTP), locality("east", ready("198.18.1.1"))),
                    service("shop/zzz-copy", List.of(HTTP), locality("east"))))),
        new MergeCase(
            "bad RemoteCluster values fall back to defaults with problems",
            MergeCase.Input.of(
                    remoteCluster("east").priority(-1).weight(0).staleSince("yesterday"),
                    mirror("east", "shop/web").port("http", 80),
                    mirrorSlice("east", "shop/web", "a").ready("198.18.1.1"))
                .ttl(TTL),
            snapshot(
                List.of(
                    service(
                        "shop/web",
                        List.of(HTTP),
                        List.of(
                            "cluster east: priority -1 is negative; using 0",
                            "cluster east: staleSince 'yesterday' is not an RFC 3339 time; stale"
                                + " endpoints kept",
                            "cluster east: weight 0 is below 1; using 1"),
                        locality("east", 0, 1, true, ready("198.18.1.1")))),
                List.of(
                    service(
                        "shop/east-web",
                        List.of(HTTP),
                        List.of(
                            "cluster east: priority -1 is negative; using 0",
                            "cluster east: staleSince 'yesterday' is not an RFC 3339 time; stale"
                                + " endpoints kept",
                            "cluster east: weight 0 is below 1; using 1"),
                        locality("east", 0, 1, true, ready("198.18.1.1")))))),
        new MergeCase(
            "a RemoteCluster named like the hub's own cluster is reported and ignored",
            MergeCase.Input.of(
                    remoteCluster("hub").priority(5).staleSince(NOW.minus(Duration.ofDays(1))),
                    hubService("shop/web").port("http", 80))
                .ttl(TTL),
            snapshot(
                List.of(
                    service(
                        "shop/web",
                        List.of(HTTP),
                        List.of(
                            "cluster hub: RemoteCluster hub is named like the hub's own cluster;"
                                + " ignored"),
                        locality("hub"))),
                List.of(
                    service(
                        "shop/web",
                        List.of(HTTP),
                        List.of(
                            "cluster hub: RemoteCluster hub is named like the hub's own cluster;"
                                + " ignored"),
                        locality("hub"))))),
        new MergeCase(
            "null fields and null entries are skipped without an exception",
            MergeCase.Input.of(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withNamespace("shop")
                    .withName("bare")
                    .endMetadata()
                    .build(),
                new ServiceBuilder().build(),
                new EndpointSliceBuilder()
                    .withNewMetadata()
                    .withNamespace("shop")
                    .withName("bare-a")
                    .addToLabels(Labels.SERVICE_NAME, "bare")
                    .endMetadata()
                    .build(),
                new EndpointSliceBuilder().build(),
                new RemoteCluster()),
            snapshot(
                List.of(service("shop/bare", List.of(), locality("hub"))),
                List.of(service("shop/bare", List.of(), locality("hub"))))),
        new MergeCase(
            "slices without a service-name label or of a missing Service are ignored",
            MergeCase.Input.of(
                hubService("shop/web").port("http", 80),
                hubSlice("shop/web", "a").withoutLabel(Labels.SERVICE_NAME).ready("198.18.0.1"),
                hubSlice("shop/gone", "a").ready("198.18.0.2")),
            snapshot(
                List.of(service("shop/web", List.of(HTTP), locality("hub"))),
                List.of(service("shop/web", List.of(HTTP), locality("hub"))))));
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
}
