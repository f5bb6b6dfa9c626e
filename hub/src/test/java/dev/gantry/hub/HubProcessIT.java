package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.RemoteClusterStatus;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.HubServices;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import dev.gantry.xds.Fixtures;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code gantry-hub} as operators run it: a process with flags, serving an Envoy over ADS from the
 * hub's HTTPProxies and Services, with probes, metrics, HTTPProxy status and a clean stop.
 */
@WithClusters({"hub"})
class HubProcessIT {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void commandServesEnvoyWritesStatusAndStopsCleanly(Testbed testbed) throws Exception {
    KubeCluster hub = testbed.cluster("hub");
    KubernetesClient client = hub.client();
    Crds.install(client, RemoteCluster.CRD_NAME, HTTPProxy.CRD_NAME, ServiceImport.CRD_NAME);
    hubServiceAndProxy(client, "shop");
    staleRemoteCluster(client, "east");
    Path dir = testbed.directory().resolve("hub-process");
    Files.createDirectories(dir);
    int xdsPort = Ports.freeLoopbackPort();
    int adminPort = Ports.freeLoopbackPort();
    Path log = dir.resolve("hub.log");
    Process process = startHub(hub, xdsPort, adminPort, log);
    try {
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .until(() -> get(adminPort, "/readyz").statusCode() == 200);
      assertThat(get(adminPort, "/healthz").statusCode()).isEqualTo(200);
      awaitValidStatus(client, "shop");

      try (Envoy envoy =
          Envoy.start("envoy", Envoy.adsBootstrap("envoy-process-it", "GRPC", xdsPort), dir)) {
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(envoy.admin("/clusters")).contains("198.18.0.10:8080"));
      }
      String metrics = get(adminPort, "/metrics").body();
      assertThat(metrics)
          .contains("gantry_xds_snapshot_build_duration_seconds_count")
          .contains("gantry_xds_snapshot_build_duration_seconds_bucket{kind=\"full\",le=\"")
          .doesNotContain("quantile=")
          .contains("gantry_xds_pushes_total")
          .doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]")
          .contains("jvm_memory_used_bytes")
          .containsPattern(
              "gantry_build_info\\{revision=\"[^\"]+\",version=\""
                  + java.util.regex.Pattern.quote(dev.gantry.runtime.BuildInfo.version())
                  + "\"} 1")
          .contains("gantry_hub_httpproxies{status=\"valid\"} 1.0")
          .contains("gantry_hub_httpproxies{status=\"invalid\"} 0.0")
          .contains("gantry_hub_httpproxies{status=\"orphaned\"} 0.0")
          // The hub's own Service web/shop, one endpoint, under the cluster "local".
          // The hub's own Service shop/web, one endpoint, under the cluster "hub".
          .contains("gantry_hub_cluster_endpoints{cluster=\"hub\"} 1.0")
          .containsPattern("(?m)^gantry_hub_status_writes_total [1-9]")
          .contains("gantry_hub_status_write_failures_total 0.0");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                String now = get(adminPort, "/metrics").body();
                assertThat(now).contains("gantry_hub_cluster_stale{cluster=\"east\"} 1.0");
                assertThat(
                        value(
                            now,
                            "gantry_hub_cluster_heartbeat_timestamp_seconds{cluster=\"east\"}"))
                    .isEqualTo(HEARTBEAT.getEpochSecond());
              });
    } finally {
      process.destroy();
    }
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
    assertThat(process.exitValue()).as(Files.readString(log)).isIn(0, 143);
    assertThat(Files.readString(log)).doesNotContain("Exception").contains("hub up: xDS on port");
  }

  /**
   * Regression: a hub started while its apiserver was unreachable gave up on its informers for
   * good, stayed unready yet live, and so was neither restarted nor ever serving.
   */
  @Test
  void hubStartedBeforeItsApiserverWaitsForItThenServesAndWritesStatus(Testbed testbed)
      throws Exception {
    KubeCluster hub = testbed.cluster("hub");
    KubernetesClient client = hub.client();
    Crds.install(client, RemoteCluster.CRD_NAME, HTTPProxy.CRD_NAME, ServiceImport.CRD_NAME);
    hubServiceAndProxy(client, "late");
    Path dir = testbed.directory().resolve("hub-before-apiserver");
    Files.createDirectories(dir);
    int adminPort = Ports.freeLoopbackPort();
    Path log = dir.resolve("hub.log");

    hub.stopApiServer();
    Process process = startHub(hub, Ports.freeLoopbackPort(), adminPort, log);
    try {
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .until(() -> get(adminPort, "/healthz").statusCode() == 200);
      // Its first list has failed: before the fix the informers stopped here for good.
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> Files.readString(log).contains("failed, retrying with backoff"));
      assertThat(get(adminPort, "/readyz").statusCode()).isEqualTo(503);
      assertThat(get(adminPort, "/healthz").statusCode()).isEqualTo(200);

      hub.startApiServer();

      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(120))
          .until(() -> get(adminPort, "/readyz").statusCode() == 200);
      awaitValidStatus(client, "late");
      assertThat(get(adminPort, "/healthz").statusCode()).isEqualTo(200);
    } finally {
      if (!hub.isApiServerRunning()) {
        hub.startApiServer();
      }
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
    }
  }

  private static Process startHub(KubeCluster hub, int xdsPort, int adminPort, Path log)
      throws Exception {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            HubCommand.class.getName(),
            "--hub-kubeconfig=" + hub.adminKubeconfigFile(),
            "--xds-address=127.0.0.1:" + xdsPort,
            "--xds-insecure",
            "--admin-address=127.0.0.1:" + adminPort,
            "--envoy-http-address=127.0.0.1",
            "--envoy-http-port=" + Ports.freeLoopbackPort())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** The value of one series in a Prometheus text exposition, or NaN when it is not there. */
  private static double value(String exposition, String series) {
    return exposition
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst()
        .orElse(Double.NaN);
  }

  private static final Instant HEARTBEAT = Instant.parse("2026-01-01T10:00:00Z");

  /** A RemoteCluster whose discoverer last beat at {@link #HEARTBEAT} and that is Stale since. */
  private static void staleRemoteCluster(KubernetesClient client, String name) {
    RemoteCluster rc = new RemoteCluster();
    rc.setMetadata(new ObjectMetaBuilder().withName(name).build());
    rc = client.resources(RemoteCluster.class).resource(rc).create();
    RemoteClusterStatus status = new RemoteClusterStatus();
    status.setLastHeartbeatTime(HEARTBEAT.toString());
    status.setStaleSince(HEARTBEAT.toString());
    rc.setStatus(status);
    client.resources(RemoteCluster.class).resource(rc).updateStatus();
  }

  private static void awaitValidStatus(KubernetesClient client, String ns) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .resources(HTTPProxy.class)
                            .inNamespace(ns)
                            .withName("web")
                            .get()
                            .getStatus())
                    .isNotNull()
                    .satisfies(s -> assertThat(s.getCurrentStatus()).isEqualTo("valid")));
  }

  /** {@link #hubService} and an HTTPProxy {@code <ns>/web} routing to it. */
  private static void hubServiceAndProxy(KubernetesClient client, String ns) {
    hubService(client, ns);
    client
        .resources(HTTPProxy.class)
        .inNamespace(ns)
        .resource(
            Fixtures.proxy(ns + "/web")
                .fqdn(ns + ".gantry.test")
                .route("/", "web", 80, null)
                .build())
        .create();
  }

  /** The hub's own Service {@code <ns>/web} with one data-only endpoint (never contacted). */
  private static void hubService(KubernetesClient client, String ns) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    HubServices.withEndpoint(client, ns, "web", "http", 80, 8080, "198.18.0.10");
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
