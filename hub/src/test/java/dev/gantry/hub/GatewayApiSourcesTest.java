package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.xds.compile.gateway.GatewayApiObjects;
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
