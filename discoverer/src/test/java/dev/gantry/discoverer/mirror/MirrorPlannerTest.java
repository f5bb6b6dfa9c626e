package dev.gantry.discoverer.mirror;

import static dev.gantry.discoverer.mirror.MirrorFixtures.CLUSTER;
import static dev.gantry.discoverer.mirror.MirrorFixtures.remoteService;
import static dev.gantry.discoverer.mirror.MirrorFixtures.remoteSlice;
import static dev.gantry.discoverer.mirror.MirrorFixtures.withReadyEndpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.api.federation.ServiceName;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MirrorPlannerTest {
  private static final MirrorScope ALL = MirrorScope.allNamespaces();
  private static final ServiceName WEB = ServiceName.of("shop", "web");

  /** One planner input and the complete desired mirror expected from it. */
  record Case(
      String name,
      MirrorScope scope,
      ServiceName key,
      Service remote,
      List<EndpointSlice> remoteSlices,
      DesiredMirror expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> mirrored() {
    return Stream.of(
        new Case(
            "ClusterIP Service becomes a headless, selector-less mirror with its slice",
            ALL,
            WEB,
            remoteService("shop", "web").build(),
            List.of(withReadyEndpoint(remoteSlice("shop", "web", "web-abc12"), "10.0.0.1").build()),
            DesiredMirror.present(
                WEB,
                headlessMirror("web", "uid-web")
                    .addNewPort()
                    .withName("http")
                    .withPort(80)
                    .withProtocol("TCP")
                    .withAppProtocol("http")
                    .endPort()
                    .endSpec()
                    .build(),
                List.of(
                    mirrorSlice("web", "web-abc12")
                        .addNewEndpoint()
                        .withAddresses("10.0.0.1")
                        .withNewConditions()
                        .withReady(true)
                        .withServing(true)
                        .withTerminating(false)
                        .endConditions()
                        .withZone("zone-a")
                        .endEndpoint()
                        .addNewPort()
                        .withName("http")
                        .withPort(8080)
                        .withProtocol("TCP")
                        .endPort()
                        .build()))),
        new Case(
            "LoadBalancer Service is mirrored headless, ports sorted, protocol defaulted to TCP",
            ALL,
            WEB,
            remoteService("shop", "web")
                .editSpec()
                .withType("LoadBalancer")
                .withPorts()
                .addNewPort()
                .withName("https")
                .withPort(443)
                .withNodePort(30443)
                .withTargetPort(new IntOrString("https"))
                .endPort()
                .addNewPort()
                .withName("dns-udp")
                .withPort(53)
                .withProtocol("UDP")
                .endPort()
                .addNewPort()
                .withName("http")
                .withPort(80)
                .withProtocol("TCP")
                .endPort()
                .addNewPort()
                .withName("dns-tcp")
                .withPort(53)
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build(),
            List.of(),
            DesiredMirror.present(
                WEB,
                headlessMirror("web", "uid-web")
                    .addNewPort()
                    .withName("dns-tcp")
                    .withPort(53)
                    .withProtocol("TCP")
                    .endPort()
                    .addNewPort()
                    .withName("dns-udp")
                    .withPort(53)
                    .withProtocol("UDP")
                    .endPort()
                    .addNewPort()
                    .withName("http")
                    .withPort(80)
                    .withProtocol("TCP")
                    .endPort()
                    .addNewPort()
                    .withName("https")
                    .withPort(443)
                    .withProtocol("TCP")
                    .endPort()
                    .endSpec()
                    .build(),
                List.of())),
        new Case(
            "endpoint conditions, zone and hostname are copied; nodeName and targetRef are not",
            ALL,
            WEB,
            remoteService("shop", "web").editSpec().withPorts().endSpec().build(),
            List.of(
                remoteSlice("shop", "web", "web-abc12")
                    .withPorts()
                    .addNewPort()
                    .withName("http")
                    .withPort(8080)
                    .endPort()
                    .addNewEndpoint()
                    .withAddresses("10.0.0.1")
                    .withNewConditions()
                    .withReady(true)
                    .withServing(true)
                    .withTerminating(false)
                    .endConditions()
                    .withHostname("web-0")
                    .withZone("zone-a")
                    .withNodeName("node-1")
                    .withNewTargetRef()
                    .withKind("Pod")
                    .withNamespace("shop")
                    .withName("web-0")
                    .withUid("pod-uid-0")
                    .endTargetRef()
                    .endEndpoint()
                    .addNewEndpoint()
                    .withAddresses("10.0.0.2")
                    .withNewConditions()
                    .withReady(false)
                    .withServing(true)
                    .withTerminating(true)
                    .endConditions()
                    .withZone("zone-b")
                    .withNodeName("node-2")
                    .endEndpoint()
                    .addNewEndpoint()
                    .withAddresses("10.0.0.3")
                    .endEndpoint()
                    .build()),
            DesiredMirror.present(
                WEB,
                headlessMirror("web", "uid-web").endSpec().build(),
                List.of(
                    mirrorSlice("web", "web-abc12")
                        .addNewEndpoint()
                        .withAddresses("10.0.0.1")
                        .withNewConditions()
                        .withReady(true)
                        .withServing(true)
                        .withTerminating(false)
                        .endConditions()
                        .withHostname("web-0")
                        .withZone("zone-a")
                        .endEndpoint()
                        .addNewEndpoint()
                        .withAddresses("10.0.0.2")
                        .withNewConditions()
                        .withReady(false)
                        .withServing(true)
                        .withTerminating(true)
                        .endConditions()
                        .withZone("zone-b")
                        .endEndpoint()
                        .addNewEndpoint()
                        .withAddresses("10.0.0.3")
                        .withNewConditions()
                        .endConditions()
                        .endEndpoint()
                        .addNewPort()
                        .withName("http")
                        .withPort(8080)
                        .withProtocol("TCP")
                        .endPort()
                        .build()))),
        new Case(
            "ExternalName Service keeps its externalName and gets no slices",
            ALL,
            WEB,
            remoteService("shop", "web")
                .editSpec()
                .withType("ExternalName")
                .withExternalName("web.example.com")
                .withClusterIP(null)
                .withClusterIPs()
                .withSelector(Map.of())
                .endSpec()
                .build(),
            List.of(withReadyEndpoint(remoteSlice("shop", "web", "web-abc12"), "10.0.0.1").build()),
            DesiredMirror.present(
                WEB,
                new ServiceBuilder()
                    .withMetadata(mirrorService("web", "uid-web").buildMetadata())
                    .withNewSpec()
                    .withType("ExternalName")
                    .withExternalName("web.example.com")
                    .addNewPort()
                    .withName("http")
                    .withPort(80)
                    .withProtocol("TCP")
                    .withAppProtocol("http")
                    .endPort()
                    .endSpec()
                    .build(),
                List.of())),
        new Case(
            "slices written by another discoverer are never mirrored back; the rest sorted by name",
            ALL,
            WEB,
            remoteService("shop", "web").editSpec().withPorts().endSpec().build(),
            List.of(
                remoteSlice("shop", "web", "web-zzz").withPorts().build(),
                remoteSlice("shop", "web", "west-web-abc12")
                    .editMetadata()
                    .addToLabels("gantry.dev/cluster", "west")
                    .endMetadata()
                    .build(),
                remoteSlice("shop", "web", "north-web-abc12")
                    .editMetadata()
                    .addToLabels("endpointslice.kubernetes.io/managed-by", "discoverer.gantry.dev")
                    .endMetadata()
                    .build(),
                remoteSlice("shop", "web", "web-aaa").withPorts().build()),
            DesiredMirror.present(
                WEB,
                headlessMirror("web", "uid-web").endSpec().build(),
                List.of(
                    mirrorSlice("web", "web-aaa").build(), mirrorSlice("web", "web-zzz").build()))),
        new Case(
            "objects without a UID get no source-uid annotation",
            ALL,
            WEB,
            remoteService("shop", "web")
                .editMetadata()
                .withUid(null)
                .endMetadata()
                .editSpec()
                .withPorts()
                .endSpec()
                .build(),
            List.of(
                remoteSlice("shop", "web", "web-abc12")
                    .editMetadata()
                    .withUid(null)
                    .endMetadata()
                    .withPorts()
                    .build()),
            DesiredMirror.present(
                WEB,
                headlessMirror("web", null).endSpec().build(),
                List.of(
                    mirrorSlice("web", "web-abc12")
                        .editMetadata()
                        .withAnnotations(Map.of())
                        .endMetadata()
                        .build()))),
        new Case(
            "export annotation other than false is mirrored",
            ALL,
            WEB,
            remoteService("shop", "web")
                .editMetadata()
                .addToAnnotations("gantry.dev/export", "true")
                .endMetadata()
                .editSpec()
                .withPorts()
                .endSpec()
                .build(),
            List.of(),
            DesiredMirror.present(
                WEB, headlessMirror("web", "uid-web").endSpec().build(), List.of())),
        new Case(
            "kube-system is mirrored when --namespaces lists it",
            new MirrorScope(
                Set.of("kube-system"), MirrorScope.DEFAULT_EXCLUDED, LabelSelector.everything()),
            ServiceName.of("kube-system", "dns"),
            remoteService("kube-system", "dns").editSpec().withPorts().endSpec().build(),
            List.of(),
            DesiredMirror.present(
                ServiceName.of("kube-system", "dns"),
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName("east-dns")
                    .withNamespace("kube-system")
                    .withLabels(mirrorLabels("dns"))
                    .withAnnotations(Map.of("gantry.dev/source-uid", "uid-dns"))
                    .endMetadata()
                    .withNewSpec()
                    .withType("ClusterIP")
                    .withClusterIP("None")
                    .endSpec()
                    .build(),
                List.of())),
        new Case(
            "Service matching --service-selector is mirrored",
            new MirrorScope(Set.of(), Set.of(), LabelSelector.parse("app in (web,api)")),
            WEB,
            remoteService("shop", "web").editSpec().withPorts().endSpec().build(),
            List.of(),
            DesiredMirror.present(
                WEB, headlessMirror("web", "uid-web").endSpec().build(), List.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mirrored")
  void plansTheCompleteMirror(Case c) {
    DesiredMirror planned =
        new MirrorPlanner(CLUSTER, c.scope()).plan(c.key(), c.remote(), c.remoteSlices());

    assertThat(planned.isPresent()).isTrue();
    assertThat(planned).usingRecursiveComparison().isEqualTo(c.expected());
  }

  static Stream<Case> notMirrored() {
    MirrorScope onlyShop = new MirrorScope(Set.of("shop"), Set.of(), LabelSelector.everything());
    MirrorScope frontends =
        new MirrorScope(Set.of(), Set.of(), LabelSelector.parse("tier=frontend"));
    ServiceName kubernetes = ServiceName.of("default", "kubernetes");
    ServiceName coredns = ServiceName.of("kube-system", "coredns");
    ServiceName other = ServiceName.of("other", "web");
    return Stream.of(
        absent("deleted remote Service", ALL, WEB, null, "the remote Service does not exist"),
        absent(
            "namespace excluded by default",
            ALL,
            coredns,
            remoteService("kube-system", "coredns").build(),
            "namespace kube-system is not mirrored"),
        absent(
            "namespace not in --namespaces",
            onlyShop,
            other,
            remoteService("other", "web").build(),
            "namespace other is not mirrored"),
        absent(
            "annotated gantry.dev/export=false",
            ALL,
            WEB,
            remoteService("shop", "web")
                .editMetadata()
                .addToAnnotations("gantry.dev/export", "false")
                .endMetadata()
                .build(),
            "annotated gantry.dev/export=false"),
        absent(
            "annotated gantry.dev/export=False, case ignored",
            ALL,
            WEB,
            remoteService("shop", "web")
                .editMetadata()
                .addToAnnotations("gantry.dev/export", "False")
                .endMetadata()
                .build(),
            "annotated gantry.dev/export=false"),
        absent(
            "a mirror written by another discoverer (label gantry.dev/cluster)",
            ALL,
            WEB,
            remoteService("shop", "web")
                .editMetadata()
                .addToLabels("gantry.dev/cluster", "west")
                .endMetadata()
                .build(),
            "it is itself a mirror (label gantry.dev/cluster)"),
        absent(
            "the apiserver's own Service default/kubernetes",
            ALL,
            kubernetes,
            remoteService("default", "kubernetes").build(),
            "the apiserver's own Service is never mirrored"),
        absent(
            "labels do not match --service-selector",
            frontends,
            WEB,
            remoteService("shop", "web")
                .editMetadata()
                .addToLabels("tier", "backend")
                .endMetadata()
                .build(),
            "labels do not match --service-selector tier=frontend"),
        absent(
            "no labels at all do not match --service-selector",
            frontends,
            WEB,
            remoteService("shop", "web").editMetadata().withLabels(null).endMetadata().build(),
            "labels do not match --service-selector tier=frontend"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notMirrored")
  void plansNoMirrorWithTheReason(Case c) {
    List<EndpointSlice> slices =
        List.of(withReadyEndpoint(remoteSlice("shop", "web", "web-abc12"), "10.0.0.1").build());

    DesiredMirror planned = new MirrorPlanner(CLUSTER, c.scope()).plan(c.key(), c.remote(), slices);

    assertThat(planned.isPresent()).isFalse();
    assertThat(planned).usingRecursiveComparison().isEqualTo(c.expected());
  }

  @Test
  void invalidClusterNameIsRejectedWithTheReason() {
    assertThatThrownBy(() -> new MirrorPlanner("East_1", ALL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'East_1'")
        .hasMessageContaining("lower-case letters, digits and '-'");
  }

  private static Case absent(
      String name, MirrorScope scope, ServiceName key, Service remote, String reason) {
    return new Case(name, scope, key, remote, List.of(), DesiredMirror.absent(key, reason));
  }

  private static Map<String, String> mirrorLabels(String service) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("gantry.dev/cluster", CLUSTER);
    labels.put("gantry.dev/service", service);
    labels.put("app.kubernetes.io/managed-by", "gantry");
    return labels;
  }

  /** The mirror of shop/{@code service}, metadata only. */
  private static ServiceBuilder mirrorService(String service, String uid) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName("east-" + service)
        .withNamespace("shop")
        .withLabels(mirrorLabels(service))
        .withAnnotations(uid == null ? Map.of() : Map.of("gantry.dev/source-uid", uid))
        .endMetadata();
  }

  /** The headless mirror of shop/{@code service}, with its spec open for ports. */
  private static ServiceBuilder.SpecNested<ServiceBuilder> headlessMirror(
      String service, String uid) {
    return mirrorService(service, uid).withNewSpec().withType("ClusterIP").withClusterIP("None");
  }

  /** The mirror of remote slice {@code slice} of shop/{@code service}, without endpoints/ports. */
  private static EndpointSliceBuilder mirrorSlice(String service, String slice) {
    Map<String, String> labels = mirrorLabels(service);
    labels.put("kubernetes.io/service-name", "east-" + service);
    labels.put("endpointslice.kubernetes.io/managed-by", "discoverer.gantry.dev");
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName("east-" + slice)
        .withNamespace("shop")
        .withLabels(labels)
        .withAnnotations(Map.of("gantry.dev/source-uid", "uid-" + slice))
        .endMetadata()
        .withAddressType("IPv4");
  }
}
