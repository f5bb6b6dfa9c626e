package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.testbed.ManagedProcess;
import dev.gantry.testbed.NetworkNamespace;
import dev.gantry.testbed.Tools;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.server.XdsServer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Envoy preStop hook as the chart renders it, run word for word against a real Envoy started
 * from the chart's bootstrap and arguments (issue 18). Both run in a network namespace of their
 * own, as in a pod: the hook reaches the admin on 127.0.0.1:9001 as it would by an exec in the
 * container, and the test reaches the health listener on the pod's address as the kubelet's
 * readiness probe does. The hub's xDS server stands in for the hub (an empty configuration); only
 * the bootstrap's hub address is changed.
 */
class EnvoyPreStopDrainIT {
  private static final int DELAY_SECONDS = 3;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void preStopFailsTheHealthCheckDrainsConnectionsAndWaitsTheDelay(@TempDir Path dir)
      throws Exception {
    // Plain-text xDS: the certgen Secrets play no part in a drain. State of the world: the empty
    // configuration is answered at once, where Delta sends nothing until there is a resource and
    // Envoy would wait out its initial fetch timeouts (15 s for clusters, 15 s for listeners).
    Path values =
        Files.writeString(
            dir.resolve("values.yaml"),
            """
            xds: {tls: {enabled: false}}
            envoy: {adsApiType: GRPC, preStopDelaySeconds: %d, terminationGracePeriodSeconds: 10}
            """
                .formatted(DELAY_SECONDS));
    List<JsonNode> rendered = documents(Charts.render("t", "gantry-system", values));
    JsonNode container =
        find(rendered, "Deployment", "t-envoy").at("/spec/template/spec/containers/0");
    List<String> preStop = strings(container.at("/lifecycle/preStop/exec/command"));
    String bootstrap =
        find(rendered, "ConfigMap", "t-envoy-bootstrap").at("/data/envoy.yaml").asText();
    assertThat(preStop).isNotEmpty();
    assertThat(bootstrap).contains("port_value: 9001");

    try (NetworkNamespace pod = NetworkNamespace.create();
        XdsServer hub =
            new XdsServer(new InetSocketAddress(pod.hostAddress(), 0), new XdsMetrics(), null)
                .start()) {
      Path bootstrapFile =
          Files.writeString(
              dir.resolve("envoy.yaml"),
              replaceOnce(
                  replaceOnce(
                      bootstrap,
                      "address: t-hub.gantry-system.svc.cluster.local",
                      "address: " + pod.hostAddress()),
                  "port_value: 8001",
                  "port_value: " + hub.port()));
      List<String> envoyCommand = new ArrayList<>();
      envoyCommand.add(Tools.require(Tools.resolve().envoy()).toString());
      for (String arg : strings(container.at("/args"))) {
        envoyCommand.add(
            arg.replace("/etc/envoy/envoy.yaml", bootstrapFile.toString())
                .replace("$(POD_NAME)", "t-envoy-0"));
      }
      // Other Envoys may run on this machine: no shared memory for hot restart.
      envoyCommand.addAll(List.of("--disable-hot-restart", "--concurrency", "1"));
      ManagedProcess envoy = pod.exec("envoy", envoyCommand, dir.resolve("envoy.log"));
      String health = "http://" + pod.address() + ":8002";
      envoy.awaitReady(
          "envoy", Duration.ofSeconds(30), () -> get(health + "/ready").body().equals("LIVE\n"));

      try (Socket kept = new Socket(pod.address(), 8002)) {
        kept.setSoTimeout(5_000);
        assertThat(exchange(kept, "/ready"))
            .startsWith("HTTP/1.1 200")
            .doesNotContainIgnoringCase("connection: close");

        List<String> hook = new ArrayList<>(List.of("ip", "netns", "exec", pod.name()));
        hook.addAll(preStop);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(hook).redirectErrorStream(true).start();
        String hookOutput = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(DELAY_SECONDS + 20, TimeUnit.SECONDS)).isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(p.exitValue()).as(hookOutput).isZero();
        assertThat(hookOutput)
            .contains(
                "POST /healthcheck/fail: HTTP/1.1 200 OK",
                "POST /drain_listeners?graceful: HTTP/1.1 200 OK");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(DELAY_SECONDS));
        envoy.checkAlive(); // SIGTERM is the kubelet's, after the hook
        // A connection open before the drain gets its answer and is closed after it.
        String drained = exchange(kept, "/ready");
        assertThat(drained)
            .startsWith("HTTP/1.1 503")
            .containsIgnoringCase("connection: close")
            .contains("DRAINING");
        // A client closes on `Connection: close`; one that does not is closed by Envoy after the
        // connection manager's drain_timeout (5 s).
        kept.setSoTimeout(15_000);
        assertThat(kept.getInputStream().read()).as("closed by Envoy").isEqualTo(-1);
      }
      // New connections are still taken, so traffic the load balancer still sends is served.
      HttpResponse<String> ready = get(health + "/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).isEqualTo("DRAINING\n");
      await()
          .atMost(Duration.ofSeconds(15)) // the gauge moves with the stats flush, every 5 s
          .untilAsserted(() -> assertThat(stat(health, "server.state")).isEqualTo(1)); // DRAINING
      assertThat(stat(health, "http.health.downstream_cx_drain_close")).isPositive();
    }
  }

  /** One stat, read through the health listener as a scrape would. */
  private static long stat(String health, String name) throws IOException, InterruptedException {
    String filter = URLEncoder.encode("^" + name.replace(".", "\\.") + "$", StandardCharsets.UTF_8);
    String body = get(health + "/stats?filter=" + filter).body();
    assertThat(body).as("stat " + name).startsWith(name + ": ");
    return Long.parseLong(body.substring(name.length() + 2).strip());
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** One HTTP/1.1 GET on a connection kept open: the response's head and body. */
  private static String exchange(Socket socket, String path) throws IOException {
    socket
        .getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: t-envoy-0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    StringBuilder response = new StringBuilder();
    while (response.indexOf("\r\n\r\n") < 0) {
      response.append((char) next(in));
    }
    Matcher length =
        Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(response.toString());
    if (length.find()) {
      for (int i = Integer.parseInt(length.group(1)); i > 0; i--) {
        response.append((char) next(in));
      }
    } else { // chunked, up to the last (empty) chunk
      while (!response.toString().endsWith("\r\n0\r\n\r\n")) {
        response.append((char) next(in));
      }
    }
    return response.toString();
  }

  private static int next(InputStream in) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("connection closed before the end of the response");
    }
    return b;
  }

  private static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> docs =
        YAMLMapper.shared().readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && doc.isObject()) {
          out.add(doc);
        }
      }
    }
    return out;
  }

  private static JsonNode find(List<JsonNode> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> o.path("kind").asText().equals(kind))
        .filter(o -> o.at("/metadata/name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String replaceOnce(String text, String from, String to) {
    assertThat(text).as("the rendered bootstrap has " + from).contains(from);
    return text.replace(from, to);
  }
}
