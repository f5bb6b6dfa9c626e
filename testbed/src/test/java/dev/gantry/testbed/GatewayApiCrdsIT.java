package dev.gantry.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gateway API's standard CRDs, as the test bed fetches them, install into a real apiserver, and
 * fabric8's v1 model round-trips an HTTPRoute through them.
 */
@WithClusters({"gwapi"})
class GatewayApiCrdsIT {

  @Test
  void standardCrdsAreServedAndTakeAnHttpRouteV1(Testbed testbed) {
    KubernetesClient hub = testbed.cluster("gwapi").client();

    List<String> installed = Crds.installGatewayApi(hub);
    // Installing again (another test class on the same cluster) is a no-op, not a failure.
    Crds.installGatewayApi(hub);

    assertThat(installed)
        .contains(
            "gatewayclasses.gateway.networking.k8s.io",
            "gateways.gateway.networking.k8s.io",
            "httproutes.gateway.networking.k8s.io",
            "grpcroutes.gateway.networking.k8s.io",
            "referencegrants.gateway.networking.k8s.io");
    assertThat(Crds.servesValidatingAdmissionPolicies(hub)).isTrue();
    assertThat(
            hub.admissionRegistration()
                .v1()
                .validatingAdmissionPolicies()
                .withName("safe-upgrades.gateway.networking.k8s.io")
                .get())
        .isNotNull();

    String ns = "gwapi-" + ThreeClustersIT.shortId();
    hub.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    hub.resources(HTTPRoute.class)
        .inNamespace(ns)
        .resource(
            new HTTPRouteBuilder()
                .withNewMetadata()
                .withName("kuard")
                .endMetadata()
                .withNewSpec()
                .addNewParentRef()
                .withName("gantry")
                .endParentRef()
                .withHostnames("kuard.example.com")
                .addNewRule()
                .addNewBackendRef()
                .withName("kuard")
                .withPort(80)
                .endBackendRef()
                .endRule()
                .endSpec()
                .build())
        .create();

    HTTPRoute read = hub.resources(HTTPRoute.class).inNamespace(ns).withName("kuard").get();
    assertThat(read.getSpec().getHostnames()).containsExactly("kuard.example.com");
    assertThat(read.getSpec().getRules().get(0).getBackendRefs().get(0).getName())
        .isEqualTo("kuard");
    // The apiserver applied the CRD's defaults: the parent's group and kind, the rule's match.
    assertThat(read.getSpec().getParentRefs().get(0).getKind()).isEqualTo("Gateway");
    assertThat(read.getSpec().getRules().get(0).getMatches().get(0).getPath().getValue())
        .isEqualTo("/");
  }
}
