package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.hub.HubCommand;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.HubServices;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.NetworkNamespace;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two hub processes with leader election and one Envoy that knows both (as it would know the
 * Service in front of them); the leader is killed (SIGKILL) while HTTPProxies are being created and
 * requests flow through Envoy. The other replica takes the Lease, writes the status of every proxy
 * (those created while no replica held it too), had written none while it was standby, and Envoy
 * moves its ADS stream to it without one request failing.
 */
@WithClusters({"hub"})
class HubFailoverIT {
  private static final String NS = "shop";
  private static final int PROXIES = 10;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void killingTheLeaderUnderChangesLosesNoStatusAndNoRequest(Testbed testbed) throws Exception {
    KubeCluster hubCluster = testbed.cluster("hub");
    KubernetesClient client = hubCluster.client();
    Crds.install(client, RemoteCluster.CRD_NAME, HTTPProxy.CRD_NAME, ServiceImport.CRD_NAME);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    Path dir = Files.createDirectories(testbed.directory().resolve("failover"));
    int envoyPort = Ports.freeLoopbackPort();
    List<JvmProcess> hubs = new ArrayList<>();
    try (NetworkNamespace backend = NetworkNamespace.create()) {
      backend.httpBackend("web", 8080, "web", dir.resolve("web.log"));
      HubServices.withEndpoint(client, NS, "web", "http", 80, 8080, backend.address());
      proxy(client, "steady");
      List<Integer> xdsPorts = new ArrayList<>();
      for (String name : List.of("hub-a", "hub-b")) {
        int xds = Ports.freeLoopbackPort();
        xdsPorts.add(xds);
        hubs.add(startHub(name, hubCluster, xds, envoyPort, dir));
      }
      hubs.forEach(h -> h.awaitReady(Duration.ofSeconds(120)));
      try (Envoy envoy =
          Envoy.start(
              "envoy-failover", Envoy.adsBootstrap("failover", "DELTA_GRPC", xdsPorts), dir)) {
        await()
            .ignoreExceptions()
            .atMost(Duration.ofSeconds(60))
            .until(() -> "web".equals(get(envoyPort, "steady").body()));
        await().atMost(Duration.ofSeconds(60)).until(() -> leader(hubs) != null);
        JvmProcess leader = leader(hubs);
        JvmProcess survivor = hubs.get(hubs.indexOf(leader) == 0 ? 1 : 0);

        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger requests = new AtomicInteger();
        ScheduledExecutorService traffic = trafficTo(envoyPort, requests, failures);
        try {
          // Before the kill each proxy is served before the next is made; after it, the rest
          // land while no replica holds the Lease.
          for (int i = 0; i < PROXIES; i++) {
            String name = "p-" + i;
            proxy(client, name);
            if (i < PROXIES / 2) {
              await()
                  .ignoreExceptions()
                  .atMost(Duration.ofSeconds(30))
                  .until(() -> "web".equals(get(envoyPort, name).body()));
            } else if (i == PROXIES / 2) {
              assertThat(writes(survivor)).as("a standby writes no status").isZero();
              leader.kill();
            }
          }

          // The survivor holds the Lease (the dead leader never released it: one lease duration).
          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(
                  () ->
                      assertThat(
                              client
                                  .resources(Lease.class)
                                  .inNamespace(NS)
                                  .withName("gantry-hub")
                                  .get()
                                  .getSpec()
                                  .getHolderIdentity())
                          .endsWith("-" + survivor.pid()));
          // Every proxy, created before, during and after the gap, valid and served.
          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(
                  () -> {
                    for (int i = 0; i < PROXIES; i++) {
                      assertThat(status(client, "p-" + i)).as("p-" + i).isEqualTo("valid");
                      assertThat(get(envoyPort, "p-" + i).body()).isEqualTo("web");
                    }
                    assertThat(status(client, "steady")).isEqualTo("valid");
                  });
          assertThat(writes(survivor)).isPositive();
          assertThat(survivor.metrics().sum("gantry_xds_streams", Map.of("mode", "delta")))
              .as("Envoy's ADS stream moved to the survivor")
              .isEqualTo(1.0);
        } finally {
          traffic.shutdown();
          assertThat(traffic.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(requests.get()).isGreaterThan(100);
        assertThat(failures).as("requests through Envoy during the failover").isEmpty();
      }
    } finally {
      hubs.forEach(JvmProcess::close);
    }
  }

  private static JvmProcess startHub(
      String name, KubeCluster hub, int xdsPort, int envoyPort, Path dir) {
    int admin = Ports.freeLoopbackPort();
    return JvmProcess.start(
        name,
        List.of("-Xmx256m"),
        HubCommand.class,
        List.of(
            "--hub-kubeconfig=" + hub.adminKubeconfigFile(),
            "--xds-address=127.0.0.1:" + xdsPort,
            "--xds-insecure",
            "--admin-address=127.0.0.1:" + admin,
            "--leader-elect",
            "--leader-elect-namespace=" + NS,
            "--envoy-http-address=127.0.0.1",
            "--envoy-http-port=" + envoyPort),
        admin,
        dir);
  }

  /** The replica that says it writes status, or null while none does. */
  private static JvmProcess leader(List<JvmProcess> hubs) {
    for (JvmProcess h : hubs) {
      try {
        if (h.get("/readyz").body().trim().equals("ok")) {
          return h;
        }
      } catch (Exception e) {
        // not answering: not the leader
      }
    }
    return null;
  }

  private static double writes(JvmProcess hub) {
    return hub.metrics().sum("gantry_hub_status_writes_total", Map.of());
  }

  /** GETs {@code /} of host {@code steady.gantry.test} every 20 ms until shut down. */
  private ScheduledExecutorService trafficTo(
      int port, AtomicInteger requests, ConcurrentLinkedQueue<String> failures) {
    ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
    traffic.scheduleWithFixedDelay(
        () -> {
          try {
            HttpResponse<String> r = get(port, "steady");
            if (r.statusCode() != 200 || !"web".equals(r.body())) {
              failures.add(r.statusCode() + " " + r.body());
            }
          } catch (Exception e) {
            failures.add(e.toString());
          }
          requests.incrementAndGet();
        },
        0,
        20,
        TimeUnit.MILLISECONDS);
    return traffic;
  }

  private HttpResponse<String> get(int port, String name) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .header("Host", name + ".gantry.test")
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void proxy(KubernetesClient client, String name) {
    String yaml =
        """
        apiVersion: projectcontour.io/v1
        kind: HTTPProxy
        metadata: {name: %s, namespace: %s}
        spec:
          ingressClassName: gantry
          virtualhost: {fqdn: %s.gantry.test}
          routes: [{services: [{name: web, port: 80}]}]
        """
            .formatted(name, NS, name);
    client
        .resources(HTTPProxy.class)
        .inNamespace(NS)
        .resource(
            client
                .resources(HTTPProxy.class)
                .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                .item())
        .create();
  }

  private static String status(KubernetesClient client, String name) {
    HTTPProxy p = client.resources(HTTPProxy.class).inNamespace(NS).withName(name).get();
    return p.getStatus() == null ? null : p.getStatus().getCurrentStatus();
  }
}
