package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.HubServices;
import dev.gantry.testbed.ManagedProcess;
import dev.gantry.testbed.NetworkNamespace;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Gateway API end to end on a real apiserver: the hub in this JVM reads a GatewayClass of ours, a
 * Gateway and an HTTPRoute to a ServiceImport from the API, a real Envoy answers the route from a
 * backend in a network namespace, and the hub writes each object's status (Accepted, Programmed,
 * Envoy's address on the Gateway, the route's parent entry under our controller name).
 */
@WithClusters({"hub"})
class GatewayApiEndToEndIT {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final String NS = "gw-e2e";
  private static final String HOST = "kuard.gateway.test";
  // Where clients reach Envoy, as --ingress-status-address tells the hub.
  private static final String ENVOY_ADDRESS = "198.18.0.9";
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void anHttpRouteToAServiceImportIsServedThroughTheHubAndEnvoyAndAccepted(Testbed testbed)
      throws Exception {
    KubernetesClient client = testbed.cluster("hub").client();
    Crds.install(client, RemoteCluster.CRD_NAME, HTTPProxy.CRD_NAME, ServiceImport.CRD_NAME);
    Crds.installGatewayApi(client);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    Path dir = Files.createDirectories(testbed.directory().resolve("gateway-e2e"));
    int httpPort = Ports.freeLoopbackPort();
    try (NetworkNamespace netns = NetworkNamespace.create();
        ManagedProcess backend =
            netns.httpBackend("kuard", 8080, "kuard", dir.resolve("kuard.log"));
        Hub hub =
            HubFixtures.hub(
                client,
                httpPort,
                Ports.freeLoopbackPort(),
                c -> c.withStatusAddress(StatusAddress.Source.fixed(ENVOY_ADDRESS)));
        Envoy envoy =
            Envoy.start(
                "envoy-gateway-e2e",
                Envoy.adsBootstrap("envoy-gateway-e2e", "DELTA_GRPC", hub.xdsPort()),
                dir)) {
      HubServices.withEndpoint(client, NS, "kuard", "http", 80, 8080, netns.address());
      client.resources(GatewayClass.class).resource(gatewayClass()).create();
      client.resources(Gateway.class).inNamespace(NS).resource(gateway()).create();
      client.resources(HTTPRoute.class).inNamespace(NS).resource(route()).create();

      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .until(() -> "kuard".equals(get(httpPort, HOST).body()));

      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                GatewayClass cls =
                    client.resources(GatewayClass.class).withName("gantry-e2e").get();
                assertThat(conditions(cls.getStatus().getConditions()))
                    .containsEntry("Accepted", "True");
                Gateway gw = client.resources(Gateway.class).inNamespace(NS).withName("gw").get();
                assertThat(conditions(gw.getStatus().getConditions()))
                    .containsEntry("Accepted", "True")
                    .containsEntry("Programmed", "True");
                assertThat(gw.getStatus().getAddresses())
                    .extracting(a -> a.getType() + "=" + a.getValue())
                    .containsExactly("IPAddress=" + ENVOY_ADDRESS);
                HTTPRoute r =
                    client.resources(HTTPRoute.class).inNamespace(NS).withName("kuard").get();
                RouteParentStatus parent = r.getStatus().getParents().get(0);
                assertThat(parent.getControllerName()).isEqualTo(GatewayApiStatusMerge.CONTROLLER);
                assertThat(conditions(parent.getConditions()))
                    .containsEntry("Accepted", "True")
                    .containsEntry("ResolvedRefs", "True");
              });
      assertThat(hub.ready()).isTrue();
      backend.checkAlive();
    }
  }

  @Test
  void aListenerSelectingNamespacesByLabelAcceptsARouteUntilItsNamespaceIsRelabelled(
      Testbed testbed) throws Exception {
    KubernetesClient client = testbed.cluster("hub").client();
    Crds.install(client, RemoteCluster.CRD_NAME, HTTPProxy.CRD_NAME, ServiceImport.CRD_NAME);
    Crds.installGatewayApi(client);
    String infra = "gw-sel-infra";
    String team = "gw-sel-team";
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(infra).endMetadata().build())
        .create();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(team)
                .withLabels(Map.of("gateway-access", "edge"))
                .endMetadata()
                .build())
        .create();
    try (Hub hub = HubFixtures.hub(client, Ports.freeLoopbackPort(), Ports.freeLoopbackPort())) {
      client
          .resources(GatewayClass.class)
          .resource(
              new GatewayClassBuilder(gatewayClass())
                  .editMetadata()
                  .withName("gantry-sel")
                  .endMetadata()
                  .build())
          .create();
      Gateway selecting =
          new GatewayBuilder()
              .withNewMetadata()
              .withName("edge")
              .endMetadata()
              .withNewSpec()
              .withGatewayClassName("gantry-sel")
              .addNewListener()
              .withName("http")
              .withProtocol("HTTP")
              .withPort(80)
              .withHostname("*.sel.test")
              .withNewAllowedRoutes()
              .withNewNamespaces()
              .withFrom("Selector")
              .withNewSelector()
              .withMatchLabels(Map.of("gateway-access", "edge"))
              .endSelector()
              .endNamespaces()
              .endAllowedRoutes()
              .endListener()
              .endSpec()
              .build();
      client.resources(Gateway.class).inNamespace(infra).resource(selecting).create();
      HTTPRoute route =
          new HTTPRouteBuilder(route())
              .editSpec()
              .withHostnames("kuard.sel.test")
              .editFirstParentRef()
              .withNamespace(infra)
              .withName("edge")
              .endParentRef()
              .endSpec()
              .build();
      client.resources(HTTPRoute.class).inNamespace(team).resource(route).create();

      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .untilAsserted(() -> assertThat(accepted(client, team)).isEqualTo("True/Accepted"));

      client
          .namespaces()
          .withName(team)
          .edit(
              n -> {
                n.getMetadata().getLabels().put("gateway-access", "none");
                return n;
              });
      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> assertThat(accepted(client, team)).isEqualTo("False/NotAllowedByListeners"));

      client
          .namespaces()
          .withName(team)
          .edit(
              n -> {
                n.getMetadata().getLabels().put("gateway-access", "edge");
                return n;
              });
      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .untilAsserted(() -> assertThat(accepted(client, team)).isEqualTo("True/Accepted"));
    }
  }

  /** Our parent entry's Accepted condition on the route kuard in {@code ns}: status/reason. */
  private static String accepted(KubernetesClient client, String ns) {
    HTTPRoute r = client.resources(HTTPRoute.class).inNamespace(ns).withName("kuard").get();
    return r.getStatus().getParents().stream()
        .filter(p -> GatewayApiStatusMerge.CONTROLLER.equals(p.getControllerName()))
        .flatMap(p -> p.getConditions().stream())
        .filter(c -> "Accepted".equals(c.getType()))
        .map(c -> c.getStatus() + "/" + c.getReason())
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, String> conditions(List<Condition> conditions) {
    return conditions.stream()
        .collect(Collectors.toMap(Condition::getType, Condition::getStatus, (a, b) -> a));
  }

  private static GatewayClass gatewayClass() {
    return new GatewayClassBuilder()
        .withNewMetadata()
        .withName("gantry-e2e")
        .endMetadata()
        .withNewSpec()
        .withControllerName(GatewayApiStatusMerge.CONTROLLER)
        .endSpec()
        .build();
  }

  private static Gateway gateway() {
    return new GatewayBuilder()
        .withNewMetadata()
        .withName("gw")
        .endMetadata()
        .withNewSpec()
        .withGatewayClassName("gantry-e2e")
        .addNewListener()
        .withName("http")
        .withProtocol("HTTP")
        .withPort(80)
        .endListener()
        .endSpec()
        .build();
  }

  private static HTTPRoute route() {
    return new HTTPRouteBuilder()
        .withNewMetadata()
        .withName("kuard")
        .endMetadata()
        .withNewSpec()
        .addNewParentRef()
        .withName("gw")
        .endParentRef()
        .withHostnames(HOST)
        .addNewRule()
        .addNewBackendRef()
        .withGroup("multicluster.x-k8s.io")
        .withKind("ServiceImport")
        .withName("kuard")
        .withPort(80)
        .endBackendRef()
        .endRule()
        .endSpec()
        .build();
  }

  private HttpResponse<String> get(int port, String host) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .header("Host", host)
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
