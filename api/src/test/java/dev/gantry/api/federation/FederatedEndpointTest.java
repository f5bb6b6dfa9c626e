package dev.gantry.api.federation;

import static dev.gantry.api.federation.FederatedEndpoint.State.NOT_READY;
import static dev.gantry.api.federation.FederatedEndpoint.State.READY;
import static dev.gantry.api.federation.FederatedEndpoint.State.SERVING_TERMINATING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
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

  @Test
  void endpointsGivenOneCanonicalPortMapShareItAndAnyOtherMapIsCopiedSorted() {
    Map<String, Integer> given = new HashMap<>(Map.of("https", 8443, "http", 8080));
    FederatedEndpoint copied = new FederatedEndpoint("198.18.0.1", given, READY, null);
    given.put("metrics", 9090);
    assertThat(copied.ports()).containsOnlyKeys("http", "https");
    assertThat(List.copyOf(copied.ports().keySet())).containsExactly("http", "https");
    assertThatThrownBy(() -> copied.ports().put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);

    Map<String, Integer> shared = FederatedEndpoint.ports(Map.of("http", 8080));
    FederatedEndpoint a = new FederatedEndpoint("198.18.0.1", shared, READY, null);
    FederatedEndpoint b = new FederatedEndpoint("198.18.0.2", shared, NOT_READY, "z");
    assertThat(a.ports()).isSameAs(shared).isSameAs(b.ports());
    assertThat(FederatedEndpoint.ports(shared)).isSameAs(shared);
    assertThat(a).isEqualTo(new FederatedEndpoint("198.18.0.1", Map.of("http", 8080), READY, null));
  }
}
