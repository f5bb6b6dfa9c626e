package dev.gantry.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus (built by {@code scripts/provision} from its Go module) on a free loopback
 * port, scraping the given targets every second and evaluating the given rule files every second;
 * queried through its HTTP API.
 */
public final class Prometheus implements AutoCloseable {
  private static final ObjectMapper JSON = JsonMapper.shared();

  private final ManagedProcess process;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private Prometheus(ManagedProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** One scrape job: its name, the {@code host:port} targets and the metrics path. */
  public record Job(String name, List<String> targets, String metricsPath) {
    public Job {
      targets = List.copyOf(targets);
    }
  }

  /** Starts Prometheus in {@code dir} (configuration, data, log) and waits until it is ready. */
  public static Prometheus start(Path dir, List<Job> jobs, List<Path> ruleFiles) {
    int port = Ports.freeLoopbackPort();
    StringBuilder config =
        new StringBuilder(
            """
            global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
            """);
    config.append("rule_files:\n");
    ruleFiles.forEach(f -> config.append("- '").append(f.toAbsolutePath()).append("'\n"));
    config.append("scrape_configs:\n");
    for (Job job : jobs) {
      config
          .append("- job_name: '")
          .append(job.name())
          .append("'\n  metrics_path: '")
          .append(job.metricsPath())
          .append("'\n  static_configs: [{targets: [");
      config.append(String.join(", ", job.targets().stream().map(t -> "'" + t + "'").toList()));
      config.append("]}]\n");
    }
    Path file = dir.resolve("prometheus.yml");
    try {
      Files.createDirectories(dir);
      Files.writeString(file, config);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    ManagedProcess process =
        new ManagedProcess(
            "prometheus",
            List.of(
                Tools.prometheus().toString(),
                "--config.file=" + file,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"),
            dir.resolve("prometheus.log"));
    Prometheus prometheus = new Prometheus(process, port);
    process.start();
    try {
      process.awaitReady(
          "prometheus", Duration.ofSeconds(60), () -> prometheus.status("/-/ready") == 200);
    } catch (RuntimeException e) {
      process.stop();
      throw e;
    }
    return prometheus;
  }

  /**
   * An instant query ({@code /api/v1/query}): the whole answer, whose {@code status} is {@code
   * success} or {@code error} (with {@code error} saying why) and whose {@code data.result} holds
   * the series.
   */
  public JsonNode query(String expr) {
    return get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
  }

  /** The rule groups as loaded and last evaluated ({@code /api/v1/rules}). */
  public JsonNode rules() {
    return get("/api/v1/rules");
  }

  /** The scrape targets and their health ({@code /api/v1/targets}). */
  public JsonNode targets() {
    return get("/api/v1/targets");
  }

  private JsonNode get(String pathAndQuery) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private int status(String path) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(2))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    process.stop();
  }
}
