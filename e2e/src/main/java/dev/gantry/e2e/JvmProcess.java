package dev.gantry.e2e;

import dev.gantry.testbed.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of Gantry's commands in a JVM of its own, on this JVM's class path, with an admin port that
 * serves {@code /readyz} and Prometheus {@code /metrics}; measured from outside as an operator
 * would: CPU time from {@code /proc}, live heap after a full GC asked for with {@code jcmd}.
 */
public final class JvmProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private final ManagedProcess process;
  private final int adminPort;

  private JvmProcess(ManagedProcess process, int adminPort) {
    this.process = process;
    this.adminPort = adminPort;
  }

  /**
   * Starts {@code main} with {@code jvmOptions} and {@code args}; its output goes to {@code
   * <dir>/<name>.log}.
   */
  public static JvmProcess start(
      String name,
      List<String> jvmOptions,
      Class<?> main,
      List<String> args,
      int adminPort,
      Path dir) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The command's own logging, not the tests' logback-test.xml that comes first on the path
    // (the last -D wins: jvmOptions may name another).
    command.add("-Dlogback.configurationFile=logback.xml");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    return new JvmProcess(
            new ManagedProcess(name, command, Map.of(), dir.resolve(name + ".log")), adminPort)
        .startProcess();
  }

  /**
   * Starts {@code gantry <subcommand> <args>} through {@code launcher} (a distribution's {@code
   * bin/gantry}, on its own Java runtime) with {@code jvmOptions} as {@code JAVA_OPTS}; its output
   * goes to {@code <dir>/<name>.log}.
   */
  public static JvmProcess launch(
      String name,
      Path launcher,
      String subcommand,
      List<String> jvmOptions,
      List<String> args,
      int adminPort,
      Path dir) {
    List<String> command = new ArrayList<>(List.of(launcher.toString(), subcommand));
    command.addAll(args);
    return new JvmProcess(
            new ManagedProcess(
                name,
                command,
                Map.of("JAVA_OPTS", String.join(" ", jvmOptions)),
                dir.resolve(name + ".log")),
            adminPort)
        .startProcess();
  }

  private JvmProcess startProcess() {
    process.start();
    return this;
  }

  /** Waits until {@code /readyz} answers 200. */
  public void awaitReady(Duration timeout) {
    process.awaitReady(process.name(), timeout, () -> get("/readyz").statusCode() == 200);
  }

  /** The port of its probes and metrics (the hub's --admin-address, a discoverer's metrics). */
  public int adminPort() {
    return adminPort;
  }

  /** GETs a path of the admin port. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The process's metrics now, in Prometheus text. */
  public PrometheusText metrics() {
    try {
      return new PrometheusText(get("/metrics").body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * The process's user plus system CPU time, the program's and its JIT compiler threads' apart.
   * {@code programNanos} is the process's, from {@code /proc/<pid>/stat} (threads that ended count
   * too), less the JIT compiler threads', from {@code /proc/<pid>/task}: the work of the program
   * once warm, not of its warming up. Exact when compiler threads do not end ({@code
   * -XX:-UseDynamicNumberOfCompilerThreads}, which the benchmarks set).
   */
  public record Cpu(long programNanos, long jitNanos) {}

  /** Both parts of {@link Cpu}, from one reading of the process's threads. */
  public Cpu cpu() {
    long jit = jitTicks();
    long all = cpuTicks(Path.of("/proc", Long.toString(process.pid()), "stat"));
    return new Cpu(nanos(all - jit), nanos(jit));
  }

  private static long nanos(long ticks) {
    return TimeUnit.SECONDS.toNanos(ticks) / CLOCK_TICKS_PER_SECOND;
  }

  private long jitTicks() {
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended meanwhile
        }
        // The thread name (field 2) may hold spaces; fields count from after its parenthesis.
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (name.contains("CompilerThre")) {
          ticks += ticks(stat);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ticks;
  }

  private static long cpuTicks(Path stat) {
    try {
      return ticks(Files.readString(stat));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** utime plus stime of a {@code stat} line, in clock ticks. */
  private static long ticks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** Heap in use right after a full GC ({@code jcmd GC.run}): what the process keeps alive. */
  public long liveHeapBytes() {
    jcmd("GC.run");
    return (long) metrics().sum("jvm_memory_used_bytes", Map.of("area", "heap"));
  }

  /**
   * Runs a diagnostic command in the process ({@code jcmd <pid> <command> <args>}) and returns what
   * it printed.
   */
  public String jcmd(String command, String... args) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    List<String> line = new ArrayList<>(List.of(jcmd.toString(), Long.toString(process.pid())));
    line.add(command);
    line.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + command + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String name() {
    return process.name();
  }

  public long pid() {
    return process.pid();
  }

  /** Where its output goes (appended across restarts under the same name). */
  public Path logFile() {
    return process.logFile();
  }

  /** Freezes the process (SIGSTOP) until {@link #resume()}. */
  public void pause() {
    process.pause();
  }

  /** Lets a frozen process run again (SIGCONT). */
  public void resume() {
    process.resume();
  }

  /** Kills the process at once (SIGKILL). */
  public void kill() {
    process.kill();
  }

  /** Stops the process (SIGTERM, then SIGKILL after a grace period). */
  @Override
  public void close() {
    process.stop();
  }
}
