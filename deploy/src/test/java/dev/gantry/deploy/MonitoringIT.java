package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.discoverer.DiscovererCommand;
import dev.gantry.hub.HubCommand;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.HubServices;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.ManagedProcess;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Prometheus;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.Tools;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chart's Grafana dashboard and alert rules against a real Prometheus (built from its Go
 * module) scraping a running {@code gantry-discoverer}, {@code gantry-hub} and Envoy: every panel
 * query and every dashboard variable returns data, and every alert rule loads and evaluates without
 * error. Also: {@code promtool check rules} accepts the rule file, and the processes log JSON lines
 * with {@code GANTRY_LOG_FORMAT=json}.
 */
@WithClusters({"east", "hub"})
class MonitoringIT {
  private static final Path DASHBOARD = Path.of("deploy/helm/gantry/files/dashboards/gantry.json");
  private static final Path ALERTS = Path.of("deploy/helm/gantry/files/alerts/gantry.rules.yaml");
  private static final String NS = "monitored";
  private static final ObjectMapper JSON = JsonMapper.shared();
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^label_values\\((.*),\\s*([a-zA-Z_]+)\\)$", Pattern.DOTALL);

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void promtoolAcceptsTheAlertRules() throws Exception {
    Path rules = Tools.repositoryRoot().resolve(ALERTS);
    Process promtool =
        new ProcessBuilder(Tools.promtool().toString(), "check", "rules", rules.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(promtool.exitValue()).as(out).isZero();
    assertThat(out).contains("SUCCESS");
  }

  @Test
  void alertRulesFireAsTheirUnitTestsSay() throws Exception {
    // promtool reads rule_files from the test file; an absolute path, written beside a copy.
    Path tests = Files.createTempFile("gantry.rules.test", ".yaml");
    try (var in = MonitoringIT.class.getResourceAsStream("/alerts/gantry.rules.test.yaml")) {
      Files.writeString(
          tests,
          "rule_files: ['"
              + Tools.repositoryRoot().resolve(ALERTS)
              + "']\n"
              + new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    Process promtool =
        new ProcessBuilder(Tools.promtool().toString(), "test", "rules", tests.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(promtool.exitValue()).as(out).isZero();
    assertThat(out).contains("SUCCESS");
    Files.delete(tests);
  }

  @Test
  void everyDashboardQueryReturnsDataAndEveryAlertRuleEvaluates(Testbed testbed) throws Exception {
    Path root = Tools.repositoryRoot();
    Path dir = testbed.directory().resolve("monitoring");
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    KubernetesClient hubClient = hub.client();
    Crds.install(hubClient, RemoteCluster.CRD_NAME, HTTPProxy.CRD_NAME, ServiceImport.CRD_NAME);
    for (KubernetesClient c : List.of(hubClient, east.client())) {
      c.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
    }
    // Data-only endpoints (never contacted: no request is routed to them).
    HubServices.withEndpoint(east.client(), NS, "kuard", "http", 80, 8080, "198.18.3.10");
    proxy(hubClient, "web", "kuard");
    proxy(hubClient, "broken", "missing"); // invalid: the proxies-by-status panel has both

    int discovererPort = Ports.freeLoopbackPort();
    int adminPort = Ports.freeLoopbackPort();
    int xdsPort = Ports.freeLoopbackPort();
    int envoyHttpPort = Ports.freeLoopbackPort();
    try (ManagedProcess discoverer =
            java(
                dir,
                "discoverer-east",
                DiscovererCommand.class.getName(),
                List.of(
                    "--cluster-name=east",
                    "--remote-kubeconfig=" + east.adminKubeconfigFile(),
                    "--hub-kubeconfig=" + hub.adminKubeconfigFile(),
                    "--namespaces=" + NS,
                    "--metrics-address=127.0.0.1:" + discovererPort));
        ManagedProcess hubProcess =
            java(
                dir,
                "hub",
                HubCommand.class.getName(),
                List.of(
                    "--hub-kubeconfig=" + hub.adminKubeconfigFile(),
                    "--xds-address=127.0.0.1:" + xdsPort,
                    "--xds-insecure",
                    "--admin-address=127.0.0.1:" + adminPort,
                    "--envoy-http-address=127.0.0.1",
                    "--envoy-http-port=" + envoyHttpPort))) {
      discoverer.awaitReady(
          "discoverer", Duration.ofSeconds(60), () -> status(discovererPort, "/readyz") == 200);
      hubProcess.awaitReady(
          "hub", Duration.ofSeconds(60), () -> status(adminPort, "/readyz") == 200);
      try (Envoy envoy =
          Envoy.start("envoy", Envoy.adsBootstrap("monitoring-it", "GRPC", xdsPort), dir)) {
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(envoy.admin("/clusters")).contains("198.18.3.10:8080"));
        // A remote change that Envoy acknowledges: both propagation histograms get a sample.
        HubServices.withEndpoint(east.client(), NS, "kuard", "http", 80, 8080, "198.18.3.11");
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(get(adminPort, "/metrics"))
                        .containsPattern(
                            "gantry_propagation_seconds_count\\{cluster=\"east\",mode=\"sotw\"} [1-9]"));
        // Requests Envoy answers itself (no route for the host): its request panels have data.
        for (int i = 0; i < 3; i++) {
          assertThat(status(envoyHttpPort, "/", "nowhere.monitoring.test")).isEqualTo(404);
        }

        try (Prometheus prometheus =
            Prometheus.start(
                dir.resolve("prometheus"),
                List.of(
                    new Prometheus.Job("gantry-hub", List.of("127.0.0.1:" + adminPort), "/metrics"),
                    new Prometheus.Job(
                        "gantry-discoverer", List.of("127.0.0.1:" + discovererPort), "/metrics"),
                    new Prometheus.Job(
                        "envoy", List.of("127.0.0.1:" + envoy.adminPort()), "/stats/prometheus")),
                List.of(root.resolve(ALERTS)))) {
          Map<String, String> queries = dashboardQueries(root.resolve(DASHBOARD));
          assertThat(queries).hasSizeGreaterThan(30);
          // Rates need two scrapes of each target; then every query has data.
          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(
                  () -> {
                    List<String> empty = new ArrayList<>();
                    queries.forEach(
                        (what, expr) -> {
                          JsonNode answer = prometheus.query(expr);
                          assertThat(answer.path("status").asText())
                              .as(what + ": " + expr + ": " + answer.path("error").asText())
                              .isEqualTo("success");
                          if (answer.path("data").path("result").isEmpty()) {
                            empty.add(what + ": " + expr);
                          }
                        });
                    assertThat(empty).as("queries without data").isEmpty();
                  });

          List<String> alerts = new ArrayList<>();
          await()
              .atMost(Duration.ofSeconds(30))
              .untilAsserted(
                  () -> {
                    alerts.clear();
                    for (JsonNode group : prometheus.rules().path("data").path("groups")) {
                      for (JsonNode rule : group.path("rules")) {
                        alerts.add(rule.path("name").asText());
                        assertThat(rule.path("health").asText())
                            .as(rule.path("name").asText() + ": " + rule.path("lastError"))
                            .isEqualTo("ok");
                        JsonNode answer = prometheus.query(rule.path("query").asText());
                        assertThat(answer.path("status").asText())
                            .as(rule.path("name") + ": " + answer.path("error"))
                            .isEqualTo("success");
                      }
                    }
                    assertThat(alerts).hasSize(alertCount(root.resolve(ALERTS)));
                  });
          assertThat(alerts).contains("GantryXdsNack", "GantryRemoteClusterStale");
        }
      }
      // With GANTRY_LOG_FORMAT=json each process writes JSON lines; mirroring lines name the
      // object and cluster in structured fields.
      List<JsonNode> lines = new ArrayList<>();
      for (String line : Files.readAllLines(discoverer.logFile())) {
        if (line.startsWith("{")) {
          lines.add(JSON.readTree(line));
        }
      }
      assertThat(lines)
          .anySatisfy(
              l -> {
                assertThat(l.path("mdc").path("cluster").asText()).isEqualTo("east");
                assertThat(l.path("mdc").path("object").asText()).isEqualTo(NS + "/kuard");
                assertThat(l.path("formattedMessage").asText()).contains("hub write(s)");
              });
      assertThat(Files.readAllLines(hubProcess.logFile()))
          .filteredOn(l -> l.contains("hub up: xDS on port"))
          .singleElement()
          .satisfies(l -> assertThat(JSON.readTree(l).path("level").asText()).isEqualTo("INFO"));
    }
  }

  /**
   * Every query of the dashboard by panel title (and variable name), with Grafana's variables
   * filled in as "All" and {@code label_values(selector, label)} turned into a PromQL query.
   */
  static Map<String, String> dashboardQueries(Path dashboard) throws Exception {
    JsonNode d = JSON.readTree(dashboard.toFile());
    Map<String, String> queries = new LinkedHashMap<>();
    for (JsonNode variable : d.path("templating").path("list")) {
      if ("query".equals(variable.path("type").asText())) {
        Matcher m = LABEL_VALUES.matcher(variable.path("definition").asText());
        assertThat(m.matches()).as(variable.toString()).isTrue();
        queries.put(
            "variable " + variable.path("name").asText(),
            fill("count by (" + m.group(2) + ") (" + m.group(1) + ")"));
      }
    }
    for (JsonNode panel : d.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.put(
            panel.path("title").asText() + " [" + target.path("refId").asText() + "]",
            fill(target.path("expr").asText()));
      }
    }
    return queries;
  }

  private static String fill(String expr) {
    return expr.replace("$__rate_interval", "1m")
        .replace("$job", ".*")
        .replace("$cluster", ".*")
        .replace("$envoy_job", ".*");
  }

  private static int alertCount(Path rules) throws Exception {
    return (int) Files.readAllLines(rules).stream().filter(l -> l.contains("- alert: ")).count();
  }

  private static ManagedProcess java(Path dir, String name, String mainClass, List<String> flags) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    // The command's own logging (gantry-runtime's logback.xml), not this module's test logging.
    command.add("-Dlogback.configurationFile=logback.xml");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(flags);
    return new ManagedProcess(
            name, command, Map.of("GANTRY_LOG_FORMAT", "json"), dir.resolve(name + ".log"))
        .start();
  }

  private static void proxy(KubernetesClient client, String name, String service) {
    client
        .resource(
            """
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {namespace: %s, name: %s}
            spec:
              ingressClassName: gantry
              virtualhost: {fqdn: %s.monitoring.test}
              routes:
              - conditions: [{prefix: /}]
                services: [{name: %s, port: 80}]
            """
                .formatted(NS, name, name, service))
        .create();
  }

  private String get(int port, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private int status(int port, String path) throws Exception {
    return status(port, path, null);
  }

  private int status(int port, String path, String host) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5));
    if (host != null) {
      request.header("Host", host);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
