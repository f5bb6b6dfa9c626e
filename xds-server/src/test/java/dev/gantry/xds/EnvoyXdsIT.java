package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.publish.XdsPublisher;
import dev.gantry.xds.server.XdsServer;
import dev.gantry.xds.translate.XdsAssembler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The xDS server driving two real Envoys, one over state-of-the-world ADS and one over Delta ADS,
 * from federation snapshots built in the test (endpoints on loopback: no apiserver is involved
 * here, so loopback addresses are allowed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnvoyXdsIT {
  private final Backends backends = new Backends();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<List<ProxyVerdict>> verdicts = new AtomicReference<>(List.of());
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private XdsServer server;
  private XdsPublisher publisher;
  private Envoy sotw;
  private Envoy delta;
  private int sotwPort;
  private int deltaPort;
  private String east1;
  private String east2;
  private String west1;

  @BeforeAll
  void start() {
    east1 = "127.0.0.1:" + backends.start("east-1");
    east2 = "127.0.0.1:" + backends.start("east-2");
    west1 = "127.0.0.1:" + backends.start("west-1");
    server = new XdsServer(new InetSocketAddress("127.0.0.1", 0), metrics, null).start();
    sotwPort = Ports.freeLoopbackPort();
    deltaPort = Ports.freeLoopbackPort();
    // One assembler per listener port: each Envoy gets a listener on its own port.
    publisher =
        new XdsPublisher(
            executor,
            Duration.ofMillis(10),
            new ProxyCompiler("gantry"),
            new XdsAssembler("127.0.0.1", sotwPort, 8443),
            server,
            metrics,
            verdicts::set);
    // A Delta client gets nothing until there is something to send: publish before connecting.
    Feeds.proxies(publisher, proxies());
    Feeds.federation(publisher, snapshot(true));
    await().atMost(Duration.ofSeconds(10)).until(() -> publisher.builds() > 0);
    Path dir = Testbed.workDirectory().resolve("xds-" + System.nanoTime());
    sotw = Envoy.start("envoy-sotw", Envoy.adsBootstrap("envoy-GRPC", "GRPC", server.port()), dir);
    delta =
        Envoy.start(
            "envoy-delta",
            Envoy.adsBootstrap("envoy-DELTA_GRPC", "DELTA_GRPC", server.port()),
            dir);
  }

  @AfterAll
  void stop() {
    sotw.close();
    delta.close();
    server.close();
    executor.shutdownNow();
    backends.close();
  }

  private FederationSnapshot snapshot(boolean eastUp) {
    FederatedService federated =
        Fixtures.service("demo/kuard")
            .port("http", 80)
            .cluster("east", 0, 1, "http", eastUp ? new String[] {east1, east2} : new String[0])
            .cluster("west", 0, 1, "http", west1)
            .build();
    FederatedService eastMirror =
        Fixtures.service("demo/east-kuard")
            .port("http", 80)
            .cluster("east", 0, 1, "http", eastUp ? new String[] {east1, east2} : new String[0])
            .build();
    FederatedService westMirror =
        Fixtures.service("demo/west-kuard")
            .port("http", 80)
            .cluster("west", 0, 1, "http", west1)
            .build();
    return new FederationSnapshot(
        Map.of(ServiceName.of("demo", "kuard"), federated),
        Map.of(
            ServiceName.of("demo", "east-kuard"),
            eastMirror,
            ServiceName.of("demo", "west-kuard"),
            westMirror));
  }

  private List<HTTPProxy> proxies() {
    return List.of(
        Fixtures.proxy("demo/all").fqdn("kuard.example.com").route("/", "kuard", 80, null).build(),
        Fixtures.proxy("demo/split")
            .fqdn("split.example.com")
            .route("/", "east-kuard", 80, 80, "west-kuard", 80, 20)
            .build(),
        Fixtures.proxy("demo/broken")
            .fqdn("broken.example.com")
            .route("/", "nope", 80, null)
            .build());
  }

  private Map<String, Integer> hits(int port, String host, int requests) throws Exception {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                  .header("Host", host)
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      counts.merge(r.statusCode() == 200 ? r.body() : "status-" + r.statusCode(), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void sotwAndDeltaEnvoysConvergeToTheSameRoutingAndEndpointChangesAreEndpointOnly()
      throws Exception {
    Feeds.proxies(publisher, proxies());
    Feeds.federation(publisher, snapshot(true));

    for (int port : new int[] {sotwPort}) {
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(hits(port, "kuard.example.com", 30).keySet())
                      .containsExactlyInAnyOrder("east-1", "east-2", "west-1"));
    }
    // The Delta Envoy has the same listener address from the same snapshot: it cannot bind a
    // port the SotW one holds, so compare what it received instead.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(routeDump(delta))
                    .isEqualTo(routeDump(sotw))
                    .contains("kuard.example.com"));
    assertThat(metrics.scrape())
        .contains("gantry_xds_streams{mode=\"delta\"} 1.0")
        .contains("gantry_xds_streams{mode=\"sotw\"} 1.0");

    Map<String, Integer> split = hits(sotwPort, "split.example.com", 1000);
    int east = split.getOrDefault("east-1", 0) + split.getOrDefault("east-2", 0);
    assertThat(east).as("80/20 split observed: %s", split).isBetween(700, 900);
    assertThat(split.getOrDefault("west-1", 0)).isBetween(100, 300);

    assertThat(verdicts.get())
        .filteredOn(v -> v.name().equals("broken"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.currentStatus()).isEqualTo("invalid");
              assertThat(v.errors().get(0).reason()).isEqualTo("ServiceUnresolvedReference");
            });
    assertThat(hits(sotwPort, "broken.example.com", 1)).containsOnlyKeys("status-404");

    // All of east's endpoints go away: an endpoints-only rebuild, traffic goes to west.
    double fullBefore = count("gantry_xds_snapshot_build_duration_seconds_count{kind=\"full\"}");
    Map<String, Double> pushedBefore = pushed();
    Feeds.federation(publisher, snapshot(false));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(hits(sotwPort, "kuard.example.com", 20)).containsOnlyKeys("west-1"));
    assertThat(count("gantry_xds_snapshot_build_duration_seconds_count{kind=\"full\"}"))
        .isEqualTo(fullBefore);
    assertThat(count("gantry_xds_snapshot_build_duration_seconds_count{kind=\"endpoints\"}"))
        .isPositive();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(endpointDump(delta))
                    .isEqualTo(endpointDump(sotw))
                    .doesNotContain(east1));
    // Each Envoy was sent the two assignments that changed (federated kuard and east's mirror),
    // not west's, and no listener, route or cluster.
    Map<String, Double> sent = pushed();
    sent.replaceAll((series, total) -> total - pushedBefore.getOrDefault(series, 0.0));
    sent.values().removeIf(delta -> delta == 0);
    assertThat(sent)
        .isEqualTo(
            Map.of(
                "mode=\"delta\",type=\"ClusterLoadAssignment\"", 2.0,
                "mode=\"sotw\",type=\"ClusterLoadAssignment\"", 2.0));
    assertThat(metrics.scrape()).doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
  }

  /** Resources pushed so far, by the tags of {@code gantry_xds_pushed_resources_total}. */
  private Map<String, Double> pushed() {
    Map<String, Double> out = new TreeMap<>();
    String prefix = "gantry_xds_pushed_resources_total{";
    for (String line : metrics.scrape().split("\n")) {
      if (line.startsWith(prefix)) {
        int end = line.indexOf('}');
        out.put(line.substring(prefix.length(), end), Double.parseDouble(line.substring(end + 2)));
      }
    }
    return out;
  }

  private double count(String series) {
    for (String line : metrics.scrape().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    return 0;
  }

  private static String routeDump(Envoy envoy) throws Exception {
    return stripVersions(envoy.admin("/config_dump?resource=dynamic_route_configs"));
  }

  private static String endpointDump(Envoy envoy) throws Exception {
    return stripVersions(envoy.admin("/config_dump?resource=dynamic_endpoint_configs"));
  }

  /** Last-updated times and version fields differ between the two clients; the config must not. */
  private static String stripVersions(String dump) {
    return dump.replaceAll("\"last_updated\": \"[^\"]*\"", "")
        .replaceAll("\"version_info\": \"[^\"]*\"", "");
  }
}
