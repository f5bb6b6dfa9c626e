package dev.gantry.runtime.informer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.api.crd.UnknownFields;
import dev.gantry.api.crd.contour.HTTPProxy;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/** Reading raw HTTPProxies into the model one by one, as {@link TolerantInformer} does. */
class TolerantInformerTest {
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  private GenericKubernetesResource raw(String spec) {
    return serialization.unmarshal(
        """
        apiVersion: projectcontour.io/v1
        kind: HTTPProxy
        metadata: {name: p, namespace: demo}
        spec:
        """
            + spec,
        GenericKubernetesResource.class);
  }

  @Test
  void fieldsTheModelDoesNotDeclareAreKeptWithTheirPaths() {
    HTTPProxy proxy =
        serialization.convertValue(
            raw(
                """
                  virtualhost: {fqdn: a.test, jwtProviders: [{name: p, issuer: i}], futureHostField: 1}
                  routes:
                  - services: [{name: s, port: 80, cookieRewritePolicies: [{name: d, maxAge: 1}]}]
                  - services: [{name: s, port: 80}]
                    cookieRewritePolicies: [{name: c, secure: true}]
                    futureRouteField: {a: 1}
                  futureField: 1
                """),
            HTTPProxy.class);

    assertThat(UnknownFields.collect(proxy.getSpec(), "spec"))
        .containsOnlyKeys(
            "spec.futureField",
            "spec.routes[0].services[0].cookieRewritePolicies[0].maxAge",
            "spec.routes[1].futureRouteField",
            "spec.virtualhost.futureHostField");
    assertThat(proxy.getSpec().getVirtualhost().getFqdn()).isEqualTo("a.test");
  }

  @Test
  void aFieldOfTheWrongTypeIsDescribedByItsPathWithoutClassNames() {
    GenericKubernetesResource wrong = raw("  routes: [{services: [{name: s, port: eighty}]}]\n");

    assertThatThrownBy(() -> serialization.convertValue(wrong, HTTPProxy.class))
        .isInstanceOfSatisfying(
            IllegalArgumentException.class,
            e ->
                assertThat(TolerantInformer.describe(e))
                    .startsWith("spec.routes[0].services[0].port: ")
                    .contains("\"eighty\"")
                    .doesNotContain("dev.gantry"));
  }

  @Test
  void aListThatIsNotAListIsDescribedAtTheList() {
    GenericKubernetesResource wrong = raw("  routes: notalist\n");

    assertThatThrownBy(() -> serialization.convertValue(wrong, HTTPProxy.class))
        .isInstanceOfSatisfying(
            IllegalArgumentException.class,
            e -> assertThat(TolerantInformer.describe(e)).startsWith("spec.routes: "));
  }
}
