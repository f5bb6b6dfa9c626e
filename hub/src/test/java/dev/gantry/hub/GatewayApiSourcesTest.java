package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.xds.compile.gateway.GatewayApiObjects;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayApiSourcesTest {

  @Test
  void aStatusWriteChangesNothingABuildReads() {
    HTTPRoute before = route(1L, Map.of("team", "a"));
    HTTPRoute written = route(1L, Map.of("team", "a"));
    written.setStatus(new HTTPRouteStatus(List.of()));
    written.getMetadata().setResourceVersion("99");

    assertThat(GatewayApiSources.compiledFrom(objects(written)))
        .isEqualTo(GatewayApiSources.compiledFrom(objects(before)));
  }

  @Test
  void aSpecChangeALabelOrAnotherObjectIsAChange() {
    List<String> before = GatewayApiSources.compiledFrom(objects(route(1L, Map.of("team", "a"))));

    assertThat(GatewayApiSources.compiledFrom(objects(route(2L, Map.of("team", "a")))))
        .isNotEqualTo(before);
    assertThat(GatewayApiSources.compiledFrom(objects(route(1L, Map.of("team", "b")))))
        .isNotEqualTo(before);
    assertThat(GatewayApiSources.compiledFrom(objects())).isNotEqualTo(before).isEmpty();
  }

  @Test
  void namespaceLabelsAreAChangeOnlyWhileAListenerSelectsByThem() {
    Map<String, Map<String, String>> edge = Map.of("team-a", Map.of("team", "edge"));
    Map<String, Map<String, String>> core = Map.of("team-a", Map.of("team", "core"));

    assertThat(GatewayApiSources.compiledFrom(withLabels(gateway("Same"), core)))
        .isEqualTo(GatewayApiSources.compiledFrom(withLabels(gateway("Same"), edge)));
    assertThat(GatewayApiSources.compiledFrom(withLabels(gateway("Selector"), core)))
        .isNotEqualTo(GatewayApiSources.compiledFrom(withLabels(gateway("Selector"), edge)));
    assertThat(GatewayApiSources.compiledFrom(withLabels(gateway("Selector"), Map.of())))
        .isNotEqualTo(GatewayApiSources.compiledFrom(withLabels(gateway("Selector"), edge)));
  }

  @Test
  void namespacesPassTheirLabelsByName() {
    Namespace labelled =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName("team-a")
            .withLabels(Map.of("team", "edge"))
            .endMetadata()
            .build();
    Namespace bare =
        new NamespaceBuilder().withNewMetadata().withName("bare").endMetadata().build();

    assertThat(GatewayApiSources.labels(List.of(labelled, bare)))
        .isEqualTo(Map.of("team-a", Map.of("team", "edge")));
  }

  private static GatewayApiObjects withLabels(
      Gateway gateway, Map<String, Map<String, String>> labels) {
    return new GatewayApiObjects(
        List.of(), List.of(gateway), List.of(), List.of(), List.of(), labels);
  }

  private static Gateway gateway(String from) {
    return new GatewayBuilder()
        .withNewMetadata()
        .withNamespace("infra")
        .withName("gw")
        .withGeneration(1L)
        .endMetadata()
        .withNewSpec()
        .withGatewayClassName("gantry")
        .addNewListener()
        .withName("http")
        .withProtocol("HTTP")
        .withPort(80)
        .withNewAllowedRoutes()
        .withNewNamespaces()
        .withFrom(from)
        .endNamespaces()
        .endAllowedRoutes()
        .endListener()
        .endSpec()
        .build();
  }

  private static GatewayApiObjects objects(HTTPRoute... routes) {
    return new GatewayApiObjects(List.of(), List.of(), List.of(routes), List.of(), List.of());
  }

  private static HTTPRoute route(Long generation, Map<String, String> labels) {
    return new HTTPRouteBuilder()
        .withNewMetadata()
        .withNamespace("demo")
        .withName("web")
        .withUid("u-1")
        .withGeneration(generation)
        .withLabels(labels)
        .withResourceVersion("1")
        .endMetadata()
        .withNewSpec()
        .withHostnames("web.example.com")
        .endSpec()
        .build();
  }
}
