package dev.gantry.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.Node;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientGroupTest {
  @ParameterizedTest(name = "user agent \"{0}\" gets the {1} snapshot")
  @CsvSource({
    "envoy, envoy",
    "gRPC Java, proxyless",
    "gRPC Go, proxyless",
    "gRPC C-core, proxyless",
    "'', envoy",
    "grpc-gateway, envoy",
  })
  void groupsByUserAgent(String userAgent, String group) {
    assertThat(new ClientGroup().hash(Node.newBuilder().setUserAgentName(userAgent).build()))
        .isEqualTo(group);
  }
}
