package dev.gantry.discoverer;

import static dev.gantry.discoverer.Fixtures.create;
import static dev.gantry.discoverer.Fixtures.service;
import static dev.gantry.discoverer.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.Labels;
import dev.gantry.api.MirrorNames;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Mirroring on real apiservers: add, update, delete, names, address types, loops, opt-outs. */
@WithClusters({"east", "hub"})
class MirrorLifecycleIT {
  private KubeCluster east;
  private KubeCluster hub;
  private KubernetesClient remote;
  private KubernetesClient hubClient;
  private String ns;
  private Discoverer discoverer;

  @BeforeEach
  void start(Testbed testbed) {
    east = testbed.cluster("east");
    hub = testbed.cluster("hub");
    remote = east.client();
    hubClient = hub.client();
    DiscovererHarness.installCrd(hubClient);
    ns = Fixtures.uniqueNamespace("life");
    Fixtures.namespace(remote, ns);
    Path kubeconfig =
        DiscovererHarness.kubeconfigFile(
            testbed.directory().resolve(ns), "east.kubeconfig", east.adminKubeconfig());
    discoverer =
        new Discoverer(DiscovererHarness.config("east", kubeconfig, hub, ns).build()).start();
  }

  @AfterEach
  void stop() {
    discoverer.close();
  }

  private Service mirror(String name) {
    return hubClient.services().inNamespace(ns).withName(name).get();
  }

  private List<EndpointSlice> mirrorSlices(String mirrorService) {
    return hubClient
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(ns)
        .withLabel("kubernetes.io/service-name", mirrorService)
        .list()
        .getItems();
  }

  @Test
  void addedServiceIsMirroredWithLabelsPortsAndEndpoints() {
    Service source = create(remote, service(ns, "kuard").build());
    create(remote, slice(ns, "kuard", "kuard-abc", 1, 3).build());

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(mirrorSlices("east-kuard")).hasSize(1));
    Service mirror = mirror("east-kuard");
    assertThat(mirror.getMetadata().getLabels())
        .containsEntry("gantry.dev/cluster", "east")
        .containsEntry("gantry.dev/service", "kuard")
        .containsEntry("app.kubernetes.io/managed-by", "gantry");
    assertThat(mirror.getMetadata().getAnnotations())
        .containsEntry("gantry.dev/source-uid", source.getMetadata().getUid());
    assertThat(mirror.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(mirror.getSpec().getSelector()).isNullOrEmpty();
    assertThat(mirror.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getPort()).isEqualTo(80);
              assertThat(p.getProtocol()).isEqualTo("TCP");
              assertThat(p.getAppProtocol()).isEqualTo("http");
            });
    EndpointSlice slice = mirrorSlices("east-kuard").get(0);
    assertThat(slice.getMetadata().getName()).isEqualTo("east-kuard-abc");
    assertThat(slice.getMetadata().getLabels())
        .containsEntry("endpointslice.kubernetes.io/managed-by", "discoverer.gantry.dev")
        .containsEntry("gantry.dev/cluster", "east");
    assertThat(slice.getEndpoints())
        .extracting(e -> e.getAddresses().get(0))
        .containsExactly("198.18.1.1", "198.18.1.2", "198.18.1.3");
    assertThat(slice.getEndpoints().get(0).getZone()).isEqualTo("zone-a");
    assertThat(slice.getEndpoints().get(0).getConditions().getServing()).isTrue();
  }

  @Test
  void updatesOfPortsAndEndpointsFollowAndDeleteRemovesTheMirror() {
    create(remote, service(ns, "web").build());
    create(remote, slice(ns, "web", "web-1", 2, 2).build());
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .until(() -> mirrorSlices("east-web").size() == 1);
    // The write carries when the discoverer saw the remote change, for the hub's propagation
    // metric: a time of this run.
    Instant seen =
        Instant.parse(
            mirrorSlices("east-web")
                .get(0)
                .getMetadata()
                .getAnnotations()
                .get(Labels.REMOTE_EVENT_TIME));
    assertThat(seen).isBetween(Instant.now().minusSeconds(60), Instant.now());

    remote
        .services()
        .inNamespace(ns)
        .withName("web")
        .edit(
            s ->
                service(ns, "web")
                    .editSpec()
                    .addNewPort()
                    .withName("grpc")
                    .withPort(9000)
                    .withProtocol("TCP")
                    .withAppProtocol("kubernetes.io/h2c")
                    .endPort()
                    .endSpec()
                    .withMetadata(s.getMetadata())
                    .build());
    remote
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(ns)
        .withName("web-1")
        .edit(
            s -> {
              s.getEndpoints().get(0).getConditions().setReady(false);
              s.getEndpoints().get(0).getConditions().setTerminating(true);
              s.getEndpoints().remove(1);
              return s;
            });
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(mirror("east-web").getSpec().getPorts())
                  .extracting(p -> p.getPort())
                  .containsExactly(80, 9000);
              EndpointSlice s = mirrorSlices("east-web").get(0);
              assertThat(s.getEndpoints()).hasSize(1);
              assertThat(s.getEndpoints().get(0).getConditions().getReady()).isFalse();
              assertThat(s.getEndpoints().get(0).getConditions().getTerminating()).isTrue();
            });
    assertThat(mirror("east-web").getSpec().getPorts().get(1).getAppProtocol())
        .isEqualTo("kubernetes.io/h2c");

    // A second slice arrives, then the first goes away.
    create(remote, slice(ns, "web", "web-2", 3, 1).build());
    remote.discovery().v1().endpointSlices().inNamespace(ns).withName("web-1").delete();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(mirrorSlices("east-web"))
                    .extracting(s -> s.getMetadata().getName())
                    .containsExactly("east-web-2"));

    remote.services().inNamespace(ns).withName("web").delete();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(mirror("east-web")).isNull();
              // The remote slice still exists (no controller deletes it), yet without its Service
              // the
              // mirror's slices go too.
              assertThat(mirrorSlices("east-web")).isEmpty();
            });
  }

  @Test
  void contourUpstreamProtocolAnnotationsFollowTheRemoteServiceAndNoOtherAnnotationDoes() {
    create(
        remote,
        service(ns, "secure")
            .editMetadata()
            .addToAnnotations("projectcontour.io/upstream-protocol.tls", "443,https")
            .addToAnnotations("team.example.com/owner", "payments")
            .endMetadata()
            .build());
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(mirror("east-secure").getMetadata().getAnnotations())
                    .containsEntry("projectcontour.io/upstream-protocol.tls", "443,https")
                    .doesNotContainKey("team.example.com/owner"));

    // Changed and removed on the remote: the mirror follows, though the spec did not change.
    remote
        .services()
        .inNamespace(ns)
        .withName("secure")
        .edit(
            s -> {
              s.getMetadata().getAnnotations().remove("projectcontour.io/upstream-protocol.tls");
              s.getMetadata().getAnnotations().put("projectcontour.io/upstream-protocol.h2c", "80");
              return s;
            });
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(mirror("east-secure").getMetadata().getAnnotations())
                    .containsEntry("projectcontour.io/upstream-protocol.h2c", "80")
                    .doesNotContainKey("projectcontour.io/upstream-protocol.tls"));
  }

  @Test
  void headlessExternalNameAndEveryAddressTypeAreKept() {
    create(remote, service(ns, "db").editSpec().withClusterIP("None").endSpec().build());
    create(
        remote,
        service(ns, "ext")
            .editSpec()
            .withType("ExternalName")
            .withExternalName("db.example.com")
            .endSpec()
            .build());
    create(remote, slice(ns, "db", "db-v4", 4, 1).build());
    create(
        remote,
        slice(ns, "db", "db-v6", 4, 0)
            .withAddressType("IPv6")
            .addNewEndpoint()
            .withAddresses("2001:db8::10")
            .withHostname("db-0")
            .withNewConditions()
            .withReady(true)
            .endConditions()
            .endEndpoint()
            .build());
    create(
        remote,
        slice(ns, "db", "db-fqdn", 4, 0)
            .withAddressType("FQDN")
            .addNewEndpoint()
            .withAddresses("db-1.example.com")
            .withNewConditions()
            .withReady(true)
            .endConditions()
            .endEndpoint()
            .build());

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(mirrorSlices("east-db"))
                  .extracting(EndpointSlice::getAddressType)
                  .containsExactlyInAnyOrder("IPv4", "IPv6", "FQDN");
              assertThat(mirror("east-ext")).isNotNull();
            });
    assertThat(mirror("east-db").getSpec().getClusterIP()).isEqualTo("None");
    assertThat(mirror("east-ext").getSpec().getType()).isEqualTo("ExternalName");
    assertThat(mirror("east-ext").getSpec().getExternalName()).isEqualTo("db.example.com");
    EndpointSlice v6 =
        mirrorSlices("east-db").stream()
            .filter(s -> s.getAddressType().equals("IPv6"))
            .findFirst()
            .orElseThrow();
    assertThat(v6.getEndpoints().get(0).getAddresses()).containsExactly("2001:db8::10");
    assertThat(v6.getEndpoints().get(0).getHostname()).isEqualTo("db-0");
  }

  @Test
  void namesOver63CharactersAreShortenedWithAHash() {
    String longName = "a-service-name-that-is-long-enough-to-overflow-with-prefix-xyz";
    create(remote, service(ns, longName).build());
    create(remote, slice(ns, longName, longName.substring(0, 50) + "-abcde", 5, 1).build());
    String expected = MirrorNames.mirrorServiceName("east", longName);

    assertThat(expected.length()).isBetween(60, 63);
    assertThat(expected).startsWith("east-a-service-name");
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(mirror(expected)).isNotNull();
              assertThat(mirrorSlices(expected))
                  .singleElement()
                  .satisfies(
                      s -> assertThat(s.getMetadata().getName().length()).isLessThanOrEqualTo(63));
            });
  }

  @Test
  void mirrorsOptOutsAndUnselectedServicesAreNotMirrored() throws Exception {
    // Already a mirror (another discoverer wrote it into this cluster): never looped back.
    create(
        remote,
        service(ns, "west-api")
            .editMetadata()
            .addToLabels("gantry.dev/cluster", "west")
            .endMetadata()
            .build());
    create(
        remote,
        service(ns, "private")
            .editMetadata()
            .addToAnnotations("gantry.dev/export", "false")
            .endMetadata()
            .build());
    create(remote, service(ns, "visible").build());

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .until(() -> mirror("east-visible") != null);
    await()
        .ignoreExceptions()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .untilAsserted(
            () -> {
              assertThat(mirror("east-west-api")).isNull();
              assertThat(mirror("east-private")).isNull();
            });

    // Opting out later removes an existing mirror.
    remote
        .services()
        .inNamespace(ns)
        .withName("visible")
        .edit(
            s -> {
              s.getMetadata().setAnnotations(java.util.Map.of("gantry.dev/export", "false"));
              return s;
            });
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .until(() -> mirror("east-visible") == null);
  }

  @Test
  void missingHubNamespaceIsCreated() {
    // The namespace exists only in the remote; the hub gets it on the first mirror.
    assertThat(hubClient.namespaces().withName(ns).get()).isNull();
    create(remote, service(ns, "first").build());

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .until(() -> mirror("east-first") != null);
    assertThat(hubClient.namespaces().withName(ns).get().getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "gantry");
  }
}
