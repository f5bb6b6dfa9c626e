package dev.gantry.aggregator.merge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.federation.ServicePortSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortSpecsTest {
  @Test
  void eachPortCarriesTheProtocolTheServicesUpstreamProtocolAnnotationsGiveIt() {
    Service service =
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace("demo")
            .withName("east-web")
            .addToAnnotations("projectcontour.io/upstream-protocol.tls", "https")
            .addToAnnotations("projectcontour.io/upstream-protocol.h2c", "9000")
            .endMetadata()
            .withNewSpec()
            .addNewPort()
            .withName("https")
            .withPort(443)
            .endPort()
            .addNewPort()
            .withName("grpc")
            .withPort(9000)
            .withAppProtocol("kubernetes.io/h2c")
            .endPort()
            .addNewPort()
            .withName("http")
            .withPort(80)
            .endPort()
            .endSpec()
            .build();

    List<ServicePortSpec> ports = PortSpecs.of(service, "east/web", new ArrayList<>());

    assertThat(ports)
        .containsExactly(
            new ServicePortSpec("http", 80, "TCP", null, null),
            new ServicePortSpec("https", 443, "TCP", null, "tls"),
            new ServicePortSpec("grpc", 9000, "TCP", "kubernetes.io/h2c", "h2c"));
  }
}
