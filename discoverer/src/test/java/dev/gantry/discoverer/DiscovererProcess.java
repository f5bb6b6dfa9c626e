package dev.gantry.discoverer;

import dev.gantry.testbed.ManagedProcess;
import dev.gantry.testbed.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real {@code gantry-discoverer} command in its own JVM, as a Deployment would run it. */
public final class DiscovererProcess implements AutoCloseable {
  private final ManagedProcess process;
  private final int metricsPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private DiscovererProcess(ManagedProcess process, int metricsPort) {
    this.process = process;
    this.metricsPort = metricsPort;
  }

  /** Starts the command with {@code flags} plus a free loopback {@code --metrics-address}. */
  public static DiscovererProcess start(
      Path logDir, String name, List<String> jvmOptions, List<String> flags) {
    int port = Ports.freeLoopbackPort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DiscovererCommand.class.getName());
    command.addAll(flags);
    command.add("--metrics-address=127.0.0.1:" + port);
    ManagedProcess process =
        new ManagedProcess(name, command, logDir.resolve(name + ".log")).start();
    return new DiscovererProcess(process, port);
  }

  public String get(String path) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  public int status(String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Sum of a counter or gauge family over all label sets, from /metrics. */
  public double metric(String family, String labelFilter) throws IOException, InterruptedException {
    double sum = 0;
    Pattern line =
        Pattern.compile(
            "^" + Pattern.quote(family) + "(\\{[^}]*})? ([0-9.eE+-]+)$", Pattern.MULTILINE);
    Matcher m = line.matcher(get("/metrics"));
    while (m.find()) {
      if (labelFilter == null || (m.group(1) != null && m.group(1).contains(labelFilter))) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  /** Peak resident set size of the process in MiB (VmHWM). */
  public double peakRssMib() throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (l.startsWith("VmHWM:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return -1;
  }

  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.stop();
  }
}
