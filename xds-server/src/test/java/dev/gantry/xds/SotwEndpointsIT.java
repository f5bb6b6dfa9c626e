package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Durations;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Testbed;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.server.XdsServer;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real Envoy over state-of-the-world ADS when its clusters change: a new cluster and one whose
 * definition changed get their assignments at once (Envoy warms both and would wait for them until
 * its initial fetch timeout), and only those two are sent, not every assignment again.
 */
class SotwEndpointsIT {
  private static final int UNCHANGED = 20;

  private final XdsMetrics metrics = new XdsMetrics();

  private static Cluster cluster(String name, long connectTimeoutMs) {
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setConnectTimeout(Durations.fromMillis(connectTimeoutMs))
        .setEdsClusterConfig(
            Cluster.EdsClusterConfig.newBuilder()
                .setEdsConfig(
                    ConfigSource.newBuilder()
                        .setResourceApiVersion(ApiVersion.V3)
                        .setAds(AggregatedConfigSource.getDefaultInstance())))
        .build();
  }

  private static ClusterLoadAssignment cla(String name, String address) {
    return Fixtures.assignment(name, address);
  }

  private static Snapshot snapshot(List<Cluster> clusters, String version) {
    return Snapshot.create(clusters, List.of(), List.of(), List.of(), List.of(), version);
  }

  private double sotwAssignmentsSent() {
    return metrics
        .registry()
        .find("gantry.xds.pushed.resources")
        .tags("mode", "sotw")
        .counters()
        .stream()
        .filter(c -> "ClusterLoadAssignment".equals(c.getId().getTag("type")))
        .mapToDouble(c -> c.count())
        .sum();
  }

  @Test
  void aNewAndARedefinedClusterGetTheirAssignmentsAndNothingElseIsSentAgain() throws Exception {
    List<Cluster> clusters = new ArrayList<>();
    List<ClusterLoadAssignment> assignments = new ArrayList<>();
    for (int i = 0; i < UNCHANGED; i++) {
      clusters.add(cluster("c" + i, 1000));
      assignments.add(cla("c" + i, "127.0.1." + (i + 1)));
    }
    clusters.add(cluster("changed", 1000));
    assignments.add(cla("changed", "127.0.2.1"));
    try (XdsServer server =
        new XdsServer(new InetSocketAddress("127.0.0.1", 0), metrics, null).start()) {
      server.endpoints(assignments, List.of(), Map.of());
      Snapshot first = snapshot(clusters, "1");
      server.publish(first, first);
      Path dir = Testbed.workDirectory().resolve("sotw-eds-" + System.nanoTime());
      try (Envoy envoy =
          Envoy.start(
              "envoy-sotw-eds", Envoy.adsBootstrap("sotw-eds", "GRPC", server.port()), dir)) {
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(envoy.admin("/clusters"))
                        .contains("c19::127.0.1.20:8080")
                        .contains("changed::127.0.2.1:8080"));
        double before = sotwAssignmentsSent();

        List<Cluster> next = new ArrayList<>(clusters.subList(0, UNCHANGED));
        next.add(cluster("changed", 2000));
        next.add(cluster("added", 1000));
        server.endpoints(List.of(cla("added", "127.0.3.1")), List.of(), Map.of());
        Snapshot second = snapshot(next, "2");
        server.publish(second, second);

        // Well within Envoy's 15 s initial fetch timeout: neither cluster waited for it.
        await()
            .atMost(Duration.ofSeconds(5))
            .untilAsserted(
                () -> {
                  assertThat(envoy.admin("/config_dump?resource=dynamic_active_clusters"))
                      .contains("\"connect_timeout\": \"2s\"");
                  assertThat(envoy.admin("/clusters"))
                      .contains("added::127.0.3.1:8080")
                      .contains("changed::127.0.2.1:8080")
                      .contains("c0::127.0.1.1:8080");
                });
        assertThat(sotwAssignmentsSent() - before).isEqualTo(2.0);
      }
    }
  }
}
