package dev.gantry.discoverer.mirror;

import static dev.gantry.discoverer.mirror.MirrorFixtures.CLUSTER;
import static dev.gantry.discoverer.mirror.MirrorFixtures.asStoredByHub;
import static dev.gantry.discoverer.mirror.MirrorFixtures.remoteService;
import static dev.gantry.discoverer.mirror.MirrorFixtures.remoteSlice;
import static dev.gantry.discoverer.mirror.MirrorFixtures.withReadyEndpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.gantry.api.federation.ServiceName;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MirrorDiffTest {
  private static final ServiceName WEB = ServiceName.of("shop", "web");
  private static final MirrorPlanner PLANNER =
      new MirrorPlanner(CLUSTER, MirrorScope.allNamespaces());

  /** shop/web with two slices: web-a (10.0.0.1) and web-b (10.0.0.2). */
  private static final DesiredMirror DESIRED =
      PLANNER.plan(
          WEB,
          remoteService("shop", "web").build(),
          List.of(
              withReadyEndpoint(remoteSlice("shop", "web", "web-a"), "10.0.0.1").build(),
              withReadyEndpoint(remoteSlice("shop", "web", "web-b"), "10.0.0.2").build()));

  private static final Service HUB_SERVICE = asStoredByHub(DESIRED.service());
  private static final EndpointSlice HUB_SLICE_A = asStoredByHub(DESIRED.slices().get(0));
  private static final EndpointSlice HUB_SLICE_B = asStoredByHub(DESIRED.slices().get(1));

  /** What the hub holds for one Service, and the writes (verb, kind, key) expected. */
  record Case(
      String name,
      DesiredMirror desired,
      Service hubService,
      List<EndpointSlice> hubSlices,
      List<String> expectedWrites) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "hub equal to desired, with server-defaulted fields and others' labels: no writes",
            DESIRED,
            HUB_SERVICE,
            List.of(HUB_SLICE_A, HUB_SLICE_B),
            List.of()),
        new Case(
            "hub slices in another order: no writes",
            DESIRED,
            HUB_SERVICE,
            List.of(HUB_SLICE_B, HUB_SLICE_A),
            List.of()),
        new Case(
            "nothing in the hub: create the Service, then its slices",
            DESIRED,
            null,
            List.of(),
            List.of(
                "create Service shop/east-web",
                "create EndpointSlice shop/east-web-a",
                "create EndpointSlice shop/east-web-b")),
        new Case(
            "one slice missing: create only it",
            DESIRED,
            HUB_SERVICE,
            List.of(HUB_SLICE_A),
            List.of("create EndpointSlice shop/east-web-b")),
        new Case(
            "Service port changed remotely: update the Service",
            DESIRED,
            editService(
                HUB_SERVICE, s -> s.editSpec().editFirstPort().withPort(8081).endPort().endSpec()),
            List.of(HUB_SLICE_A, HUB_SLICE_B),
            List.of("update Service shop/east-web")),
        new Case(
            "Service appProtocol changed: update the Service",
            DESIRED,
            editService(
                HUB_SERVICE,
                s -> s.editSpec().editFirstPort().withAppProtocol("h2c").endPort().endSpec()),
            List.of(HUB_SLICE_A, HUB_SLICE_B),
            List.of("update Service shop/east-web")),
        new Case(
            "one of our labels changed in the hub: update the Service",
            DESIRED,
            editService(
                HUB_SERVICE,
                s -> s.editMetadata().addToLabels("gantry.dev/service", "api").endMetadata()),
            List.of(HUB_SLICE_A, HUB_SLICE_B),
            List.of("update Service shop/east-web")),
        new Case(
            "source-uid annotation missing in the hub: update the Service",
            DESIRED,
            editService(HUB_SERVICE, s -> s.editMetadata().withAnnotations(null).endMetadata()),
            List.of(HUB_SLICE_A, HUB_SLICE_B),
            List.of("update Service shop/east-web")),
        new Case(
            "endpoint became not ready: update its slice only",
            DESIRED,
            HUB_SERVICE,
            List.of(
                HUB_SLICE_A,
                editSlice(
                    HUB_SLICE_B,
                    s ->
                        s.editFirstEndpoint()
                            .editConditions()
                            .withReady(false)
                            .endConditions()
                            .endEndpoint())),
            List.of("update EndpointSlice shop/east-web-b")),
        new Case(
            "endpoint address changed: update the slice",
            DESIRED,
            HUB_SERVICE,
            List.of(
                editSlice(
                    HUB_SLICE_A,
                    s -> s.editFirstEndpoint().withAddresses("10.9.9.9").endEndpoint()),
                HUB_SLICE_B),
            List.of("update EndpointSlice shop/east-web-a")),
        new Case(
            "slice port changed: update the slice",
            DESIRED,
            HUB_SERVICE,
            List.of(
                HUB_SLICE_A,
                editSlice(HUB_SLICE_B, s -> s.editFirstPort().withPort(9090).endPort())),
            List.of("update EndpointSlice shop/east-web-b")),
        new Case(
            "slice service-name label removed in the hub: update the slice",
            DESIRED,
            HUB_SERVICE,
            List.of(
                editSlice(
                    HUB_SLICE_A,
                    s ->
                        s.editMetadata()
                            .removeFromLabels("kubernetes.io/service-name")
                            .endMetadata()),
                HUB_SLICE_B),
            List.of("update EndpointSlice shop/east-web-a")),
        new Case(
            "Service type changed: delete the Service and create it again",
            DESIRED,
            editService(
                HUB_SERVICE,
                s ->
                    s.editSpec()
                        .withType("ExternalName")
                        .withExternalName("web.example.com")
                        .withClusterIP(null)
                        .withClusterIPs()
                        .endSpec()),
            List.of(HUB_SLICE_A, HUB_SLICE_B),
            List.of("delete Service shop/east-web", "create Service shop/east-web")),
        new Case(
            "slice addressType changed: delete the slice and create it again",
            DESIRED,
            HUB_SERVICE,
            List.of(HUB_SLICE_A, editSlice(HUB_SLICE_B, s -> s.withAddressType("IPv6"))),
            List.of(
                "delete EndpointSlice shop/east-web-b", "create EndpointSlice shop/east-web-b")),
        new Case(
            "slice gone remotely: delete its mirror",
            DESIRED,
            HUB_SERVICE,
            List.of(
                HUB_SLICE_A,
                HUB_SLICE_B,
                editSlice(
                    HUB_SLICE_B, s -> s.editMetadata().withName("east-web-old").endMetadata())),
            List.of("delete EndpointSlice shop/east-web-old")),
        new Case(
            "mirror no longer desired: delete the slices, then the Service",
            DesiredMirror.absent(WEB, "the remote Service does not exist"),
            HUB_SERVICE,
            List.of(HUB_SLICE_B, HUB_SLICE_A),
            List.of(
                "delete EndpointSlice shop/east-web-a",
                "delete EndpointSlice shop/east-web-b",
                "delete Service shop/east-web")),
        new Case(
            "mirror not desired and nothing in the hub: no writes",
            DesiredMirror.absent(WEB, "the remote Service does not exist"),
            null,
            List.of(),
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void givesTheMinimumWrites(Case c) {
    List<HubWrite> writes = MirrorDiff.diff(c.desired(), c.hubService(), c.hubSlices());

    assertThat(writes).map(HubWrite::toString).containsExactlyElementsOf(c.expectedWrites());
  }

  @Test
  void serverDefaultedFieldsDoNotCauseWrites() {
    Service hub =
        editService(
            HUB_SERVICE,
            s ->
                s.editSpec()
                    .editFirstPort()
                    .withTargetPort(new IntOrString("http"))
                    .endPort()
                    .withPublishNotReadyAddresses(false)
                    .endSpec());

    assertThat(MirrorDiff.diff(DESIRED, hub, List.of(HUB_SLICE_A, HUB_SLICE_B))).isEmpty();
  }

  @Test
  void createsSendTheDesiredObjects() {
    List<HubWrite> writes = MirrorDiff.diff(DESIRED, null, List.of());

    assertThat(writes)
        .extracting(HubWrite::object)
        .containsExactly(DESIRED.service(), DESIRED.slices().get(0), DESIRED.slices().get(1));
  }

  @Test
  void serviceUpdateKeepsResourceVersionAndOthersLabelsAndPutsInDesiredPorts() {
    Service hub =
        editService(
            HUB_SERVICE,
            s ->
                s.editMetadata()
                    .addToLabels("gantry.dev/service", "stale")
                    .endMetadata()
                    .editSpec()
                    .editFirstPort()
                    .withPort(8081)
                    .endPort()
                    .endSpec());

    List<HubWrite> writes = MirrorDiff.diff(DESIRED, hub, List.of(HUB_SLICE_A, HUB_SLICE_B));

    assertThat(writes).hasSize(1);
    Service sent = (Service) writes.get(0).object();
    assertThat(sent.getMetadata().getResourceVersion()).isEqualTo("501");
    assertThat(sent.getMetadata().getUid()).isEqualTo("hub-uid");
    assertThat(sent.getMetadata().getLabels())
        .containsEntry("team", "payments")
        .containsEntry("gantry.dev/service", "web")
        .containsEntry("gantry.dev/cluster", CLUSTER);
    assertThat(sent.getMetadata().getAnnotations())
        .containsEntry("note", "added in the hub")
        .containsEntry("gantry.dev/source-uid", "uid-web");
    assertThat(sent.getSpec().getPorts()).isEqualTo(DESIRED.service().getSpec().getPorts());
    assertThat(sent.getSpec().getClusterIPs())
        .as("server-set fields are sent back unchanged")
        .containsExactly("None");
    assertThat(hub.getMetadata().getLabels())
        .as("the cached hub object is not modified")
        .containsEntry("gantry.dev/service", "stale");
  }

  @Test
  void upstreamProtocolAnnotationsOfTheRemoteAreMirroredExactlyAndOthersAreNot() {
    DesiredMirror annotated =
        PLANNER.plan(
            WEB,
            remoteService("shop", "web")
                .editMetadata()
                .addToAnnotations("projectcontour.io/upstream-protocol.h2c", "80")
                .addToAnnotations("owner", "payments")
                .endMetadata()
                .build(),
            List.of());
    assertThat(annotated.service().getMetadata().getAnnotations())
        .containsEntry("projectcontour.io/upstream-protocol.h2c", "80")
        .doesNotContainKey("owner");

    // Added on the remote: an update that adds it.
    List<HubWrite> added = MirrorDiff.diff(annotated, HUB_SERVICE, List.of());
    assertThat(added).hasSize(1);
    assertThat(((Service) added.get(0).object()).getMetadata().getAnnotations())
        .containsEntry("projectcontour.io/upstream-protocol.h2c", "80")
        .containsEntry("note", "added in the hub");

    // Removed on the remote: an update that removes it, and keeps what others added.
    Service hubAnnotated = asStoredByHub(annotated.service());
    DesiredMirror plain = PLANNER.plan(WEB, remoteService("shop", "web").build(), List.of());
    List<HubWrite> removed = MirrorDiff.diff(plain, hubAnnotated, List.of());
    assertThat(removed).hasSize(1);
    assertThat(((Service) removed.get(0).object()).getMetadata().getAnnotations())
        .doesNotContainKey("projectcontour.io/upstream-protocol.h2c")
        .containsEntry("note", "added in the hub");

    assertThat(MirrorDiff.diff(annotated, hubAnnotated, List.of())).isEmpty();
  }

  @Test
  void theUpstreamDiscoveryAnnotationIsMirroredAndFollowsTheRemote() {
    DesiredMirror dns =
        PLANNER.plan(
            WEB,
            remoteService("shop", "web")
                .editMetadata()
                .addToAnnotations("gantry.dev/upstream-discovery", "dns")
                .endMetadata()
                .build(),
            List.of());
    assertThat(dns.service().getMetadata().getAnnotations())
        .containsEntry("gantry.dev/upstream-discovery", "dns");
    assertThat(MirrorDiff.diff(dns, HUB_SERVICE, List.of())).hasSize(1);

    Service hubDns = asStoredByHub(dns.service());
    DesiredMirror plain = PLANNER.plan(WEB, remoteService("shop", "web").build(), List.of());
    List<HubWrite> removed = MirrorDiff.diff(plain, hubDns, List.of());
    assertThat(removed).hasSize(1);
    assertThat(((Service) removed.get(0).object()).getMetadata().getAnnotations())
        .doesNotContainKey("gantry.dev/upstream-discovery");
    assertThat(MirrorDiff.diff(dns, hubDns, List.of())).isEmpty();
  }

  @Test
  void sliceUpdateKeepsResourceVersionAndOthersLabelsAndPutsInDesiredEndpoints() {
    EndpointSlice hub =
        editSlice(
            HUB_SLICE_A,
            s ->
                s.editFirstEndpoint()
                    .withAddresses("10.9.9.9")
                    .endEndpoint()
                    .editFirstPort()
                    .withPort(9090)
                    .endPort());

    List<HubWrite> writes = MirrorDiff.diff(DESIRED, HUB_SERVICE, List.of(hub, HUB_SLICE_B));

    assertThat(writes).hasSize(1);
    EndpointSlice sent = (EndpointSlice) writes.get(0).object();
    EndpointSlice want = DESIRED.slices().get(0);
    assertThat(sent.getMetadata().getResourceVersion()).isEqualTo("502");
    assertThat(sent.getMetadata().getLabels())
        .containsEntry("team", "payments")
        .containsAllEntriesOf(want.getMetadata().getLabels());
    assertThat(sent.getEndpoints()).isEqualTo(want.getEndpoints());
    assertThat(sent.getPorts()).isEqualTo(want.getPorts());
    assertThat(sent.getAddressType()).isEqualTo("IPv4");
  }

  @Test
  void replacementDeletesTheHubObjectAndCreatesTheDesiredOne() {
    Service externalName =
        editService(
            HUB_SERVICE, s -> s.editSpec().withType("ExternalName").withClusterIPs().endSpec());

    List<HubWrite> writes =
        MirrorDiff.diff(DESIRED, externalName, List.of(HUB_SLICE_A, HUB_SLICE_B));

    assertThat(writes)
        .extracting(HubWrite::verb, HubWrite::object)
        .containsExactly(
            tuple(HubWrite.Verb.DELETE, externalName),
            tuple(HubWrite.Verb.CREATE, DESIRED.service()));
  }

  private static Service editService(Service service, UnaryOperator<ServiceBuilder> edit) {
    return edit.apply(new ServiceBuilder(service)).build();
  }

  private static EndpointSlice editSlice(
      EndpointSlice slice, UnaryOperator<EndpointSliceBuilder> edit) {
    return edit.apply(new EndpointSliceBuilder(slice)).build();
  }
}
