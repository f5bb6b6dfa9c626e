package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamProtocolAnnotationsTest {
  private static final Map<String, String> ANNOTATIONS =
      Map.of(
          "projectcontour.io/upstream-protocol.h2c", "grpc, 9000",
          "projectcontour.io/upstream-protocol.tls", "443,https",
          "projectcontour.io/upstream-protocol.h2", "8443",
          "owner", "payments");

  @Test
  void aPortIsNamedByItsNameOrItsNumberWithSpacesAllowed() {
    assertThat(UpstreamProtocolAnnotations.protocol(ANNOTATIONS, "grpc", 50051)).isEqualTo("h2c");
    assertThat(UpstreamProtocolAnnotations.protocol(ANNOTATIONS, "other", 9000)).isEqualTo("h2c");
    assertThat(UpstreamProtocolAnnotations.protocol(ANNOTATIONS, "https", 8080)).isEqualTo("tls");
    assertThat(UpstreamProtocolAnnotations.protocol(ANNOTATIONS, "", 8443)).isEqualTo("h2");
    assertThat(UpstreamProtocolAnnotations.protocol(ANNOTATIONS, "http", 80)).isNull();
    assertThat(UpstreamProtocolAnnotations.protocol(null, "grpc", 9000)).isNull();
  }

  @Test
  void theNameWinsOverTheNumber() {
    assertThat(UpstreamProtocolAnnotations.protocol(ANNOTATIONS, "https", 9000)).isEqualTo("tls");
  }

  @Test
  void onlyTheUpstreamProtocolAnnotationsAreKept() {
    assertThat(UpstreamProtocolAnnotations.of(ANNOTATIONS))
        .containsOnlyKeys(
            "projectcontour.io/upstream-protocol.h2c",
            "projectcontour.io/upstream-protocol.tls",
            "projectcontour.io/upstream-protocol.h2");
    assertThat(UpstreamProtocolAnnotations.of(null)).isEmpty();
  }
}
