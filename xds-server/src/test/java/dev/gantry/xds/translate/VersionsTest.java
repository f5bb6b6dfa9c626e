package dev.gantry.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionsTest {
  @Test
  void sameContentBuiltTwiceHasTheSameVersion() {
    assertThat(Versions.of(List.of(cluster("a"), cluster("b"))))
        .isEqualTo(Versions.of(List.of(cluster("a"), cluster("b"))));
  }

  @Test
  void differentContentHasADifferentVersion() {
    assertThat(Versions.of(List.of(cluster("a"), cluster("b"))))
        .isNotEqualTo(Versions.of(List.of(cluster("a"), cluster("c"))));
  }

  @Test
  void oneMoreResourceChangesTheVersion() {
    assertThat(Versions.of(List.of(cluster("a"))))
        .isNotEqualTo(Versions.of(List.of(cluster("a"), cluster("b"))));
  }

  @Test
  void protoMapInsertionOrderDoesNotChangeTheVersion() {
    Cluster ab = withMetadata("a", "b");
    Cluster ba = withMetadata("b", "a");
    // Same message, but plain serialization keeps insertion order: the precondition that makes
    // this test able to fail.
    assertThat(ab).isEqualTo(ba);
    assertThat(ab.toByteString()).isNotEqualTo(ba.toByteString());

    assertThat(Versions.of(List.of(ab))).isEqualTo(Versions.of(List.of(ba)));
  }

  @Test
  void versionIsSixteenLowercaseHexDigits() {
    assertThat(Versions.of(List.of(cluster("a")))).matches("[0-9a-f]{16}");
    assertThat(Versions.of(List.of())).matches("[0-9a-f]{16}");
  }

  private static Cluster cluster(String name) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS).build();
  }

  /** A cluster whose filter metadata map gets its keys in the given order. */
  private static Cluster withMetadata(String... keys) {
    Metadata.Builder metadata = Metadata.newBuilder();
    Struct.Builder fields = Struct.newBuilder();
    for (String key : keys) {
      metadata.putFilterMetadata(
          "envoy.lb." + key,
          Struct.newBuilder()
              .putFields("k", Value.newBuilder().setStringValue(key).build())
              .build());
      fields.putFields(key, Value.newBuilder().setNumberValue(1).build());
    }
    metadata.putFilterMetadata("gantry", fields.build());
    return cluster("a").toBuilder().setMetadata(metadata).build();
  }
}
