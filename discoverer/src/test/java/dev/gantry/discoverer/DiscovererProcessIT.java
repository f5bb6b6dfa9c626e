package dev.gantry.discoverer;

import static dev.gantry.discoverer.Fixtures.create;
import static dev.gantry.discoverer.Fixtures.service;
import static dev.gantry.discoverer.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command as operators run it: flags, probes, metrics, clean stop, no secrets in logs. */
@WithClusters({"east", "hub"})
class DiscovererProcessIT {

  @Test
  void commandMirrorsServesProbesAndMetricsAndNeverLogsCredentials(Testbed testbed)
      throws Exception {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    DiscovererHarness.installCrd(hub.client());
    String ns = Fixtures.uniqueNamespace("cmd");
    Fixtures.namespace(east.client(), ns);
    create(east.client(), service(ns, "kuard").build());
    create(east.client(), slice(ns, "kuard", "kuard-1", 12, 2).build());
    Path dir = testbed.directory().resolve(ns);
    String remoteKubeconfig = east.adminKubeconfig();
    Path kubeconfig = DiscovererHarness.kubeconfigFile(dir, "east", remoteKubeconfig);

    try (DiscovererProcess process =
        DiscovererProcess.start(
            dir,
            "discoverer-east",
            List.of(),
            List.of(
                "--cluster-name=east",
                "--remote-kubeconfig=" + kubeconfig,
                "--hub-kubeconfig=" + hub.adminKubeconfigFile(),
                "--namespaces=" + ns,
                "--workers=2"))) {
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .until(() -> process.status("/readyz") == 200);
      assertThat(process.status("/healthz")).isEqualTo(200);
      assertThat(
              hub.client()
                  .discovery()
                  .v1()
                  .endpointSlices()
                  .inNamespace(ns)
                  .withName("east-kuard-1")
                  .get())
          .isNotNull();

      String metrics = process.get("/metrics");
      assertThat(metrics)
          .contains("# HELP gantry_discoverer_hub_writes_total Writes to the hub apiserver")
          .contains("gantry_discoverer_queue_depth{cluster=\"east\"}")
          .contains("gantry_discoverer_reconcile_duration_seconds_count")
          .contains("gantry_discoverer_propagation_seconds_count{cluster=\"east\"}")
          // Durations are histograms (buckets aggregate across replicas), never client quantiles.
          .contains("gantry_discoverer_propagation_seconds_bucket{cluster=\"east\",le=\"")
          .contains("gantry_discoverer_reconcile_duration_seconds_bucket{cluster=\"east\",")
          .doesNotContain("quantile=")
          .containsPattern(
              "gantry_build_info\\{revision=\"[^\"]+\",version=\""
                  + java.util.regex.Pattern.quote(dev.gantry.runtime.BuildInfo.version())
                  + "\"} 1")
          .contains("gantry_discoverer_remote_token_expiry_timestamp_seconds{cluster=\"east\"}")
          .contains("gantry_discoverer_mirrored_objects{cluster=\"east\",resource=\"service\"} 1.0")
          .contains(
              "gantry_discoverer_mirrored_objects{cluster=\"east\",resource=\"endpointslice\"} 1.0")
          .contains("gantry_discoverer_remote_events_total")
          .contains("gantry_discoverer_remote_reachable{cluster=\"east\"} 1.0")
          .contains("gantry_discoverer_collisions{cluster=\"east\"} 0.0")
          .contains("jvm_memory_used_bytes");
      assertThat(process.metric("gantry_discoverer_last_successful_sync_timestamp_seconds", null))
          .isPositive();
      assertThat(
              process.metric(
                  "gantry_discoverer_hub_writes_total", "resource=\"service\",result=\"done\""))
          .isEqualTo(1.0);
    }

    String log = Files.readString(dir.resolve("discoverer-east.log"));
    assertThat(log).contains("mirroring cluster east");
    // Neither the client key nor the certificate of the kubeconfig ever reaches the log.
    for (String secretLine : remoteKubeconfig.split("\n")) {
      if (secretLine.contains("-data:")) {
        // fabric8 writes the values quoted.
        String value = secretLine.substring(secretLine.indexOf(':') + 1).strip().replace("\"", "");
        assertThat(log).doesNotContain(value.substring(0, 40));
      }
    }
  }

  @Test
  void badFlagsExitWithAClearMessage(Testbed testbed) throws Exception {
    Path dir = testbed.directory().resolve("bad-flags");
    Files.createDirectories(dir);
    try (DiscovererProcess process =
        DiscovererProcess.start(
            dir,
            "bad-name",
            List.of(),
            List.of(
                "--cluster-name=East_1",
                "--remote-kubeconfig=" + testbed.cluster("east").adminKubeconfigFile()))) {
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !process.process().isAlive());
    }
    assertThat(Files.readString(dir.resolve("bad-name.log")))
        .contains(
            "error: --cluster-name: cluster name 'East_1' must consist of lower-case letters");
  }
}
