package dev.gantry.api.federation;

import static dev.gantry.api.federation.FederatedEndpoint.State.NOT_READY;
import static dev.gantry.api.federation.FederatedEndpoint.State.READY;
import static dev.gantry.api.federation.FederatedEndpoint.State.SERVING_TERMINATING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FederatedEndpointTest {
  @Test
  void readyIsBetterThanServingTerminatingWhichIsBetterThanNotReady() {
    assertThat(READY.betterThan(SERVING_TERMINATING)).isTrue();
    assertThat(SERVING_TERMINATING.betterThan(NOT_READY)).isTrue();
    assertThat(READY.betterThan(NOT_READY)).isTrue();
    assertThat(NOT_READY.betterThan(SERVING_TERMINATING)).isFalse();
    assertThat(SERVING_TERMINATING.betterThan(READY)).isFalse();
    assertThat(READY.betterThan(READY)).isFalse();
  }

  @Test
  void anEndpointWithoutStateIsRejectedNamingItsAddress() {
    assertThatThrownBy(() -> new FederatedEndpoint("198.18.0.1", Map.of(), null, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("198.18.0.1");
  }
}
