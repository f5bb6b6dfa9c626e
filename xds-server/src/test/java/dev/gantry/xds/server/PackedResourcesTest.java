package dev.gantry.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A message is packed once while it lives; an equal one of another instance is its own entry. */
class PackedResourcesTest {
  private static final Resources.ApiVersion V3 = Resources.ApiVersion.V3;

  @Test
  void theSameMessageIsPackedOnceAndAsAnyPackWouldPackIt() throws Exception {
    PackedResources packed = new PackedResources();
    Cluster cluster = Cluster.newBuilder().setName("demo/kuard/80/da39a3ee5e").build();

    Any first = packed.serialize(cluster, V3);

    assertThat(first).isEqualTo(Any.pack(cluster));
    assertThat(packed.serialize(cluster, V3)).isSameAs(first);
    assertThat(first.unpack(Cluster.class)).isEqualTo(cluster);

    Cluster equal = Cluster.newBuilder().setName("demo/kuard/80/da39a3ee5e").build();
    assertThat(packed.serialize(equal, V3)).isNotSameAs(first).isEqualTo(first);
    assertThat(packed.size()).isEqualTo(2);
  }

  @Test
  void assignmentsAreNotKept() {
    PackedResources packed = new PackedResources();
    ClusterLoadAssignment cla =
        ClusterLoadAssignment.newBuilder().setClusterName("demo/kuard/80/da39a3ee5e").build();

    assertThat(packed.serialize(cla, V3)).isEqualTo(Any.pack(cla));
    assertThat(packed.size()).isZero();
  }

  @Test
  void aMessageNoLongerReferencedIsDropped() {
    PackedResources packed = new PackedResources();
    for (int i = 0; i < 1_000; i++) {
      packed.serialize(Cluster.newBuilder().setName("c" + i).build(), V3);
    }
    Cluster kept = Cluster.newBuilder().setName("kept").build();
    packed.serialize(kept, V3);

    // Collected, then enqueued by the JVM's reference handler: asked again until it is.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              System.gc();
              return packed.size() == 1;
            });
    assertThat(packed.serialize(kept, V3)).isEqualTo(Any.pack(kept));
  }
}
