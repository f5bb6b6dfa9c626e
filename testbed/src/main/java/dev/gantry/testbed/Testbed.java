package dev.gantry.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A set of independent clusters started together, by name, stopped together. */
public final class Testbed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Testbed.class);

  private final String provider;
  private final Path directory;
  private final Map<String, KubeCluster> clusters;

  private Testbed(String provider, Path directory, Map<String, KubeCluster> clusters) {
    this.provider = provider;
    this.directory = directory;
    this.clusters = clusters;
  }

  /** Starts the named clusters at once with the provider chosen by system property. */
  public static Testbed start(List<String> names) {
    return start(ClusterProvider.fromSystemProperty(), names);
  }

  /** Starts the named clusters in parallel; if one fails, the others are stopped. */
  public static Testbed start(ClusterProvider provider, List<String> names) {
    if (names.isEmpty() || names.stream().distinct().count() != names.size()) {
      throw new IllegalArgumentException("cluster names must be non-empty and distinct: " + names);
    }
    Path directory = newRunDirectory();
    long started = System.nanoTime();
    Map<String, KubeCluster> clusters = new LinkedHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(names.size());
    try {
      Map<String, Future<KubeCluster>> pending = new LinkedHashMap<>();
      for (String name : names) {
        pending.put(name, pool.submit(() -> provider.start(name, directory.resolve(name))));
      }
      RuntimeException failure = null;
      for (Map.Entry<String, Future<KubeCluster>> entry : pending.entrySet()) {
        try {
          clusters.put(entry.getKey(), entry.getValue().get());
        } catch (ExecutionException e) {
          RuntimeException cause =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new IllegalStateException(e.getCause());
          if (failure == null) {
            failure = cause;
          } else {
            failure.addSuppressed(cause);
          }
        }
      }
      if (failure != null) {
        clusters.values().forEach(KubeCluster::close);
        throw failure;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      clusters.values().forEach(KubeCluster::close);
      throw new IllegalStateException("interrupted while starting clusters", e);
    } finally {
      pool.shutdownNow();
    }
    log.info(
        "test bed up: {} {} cluster(s) {} in {} ms, files in {}",
        names.size(),
        provider.name(),
        names,
        (System.nanoTime() - started) / 1_000_000,
        directory);
    return new Testbed(provider.name(), directory, clusters);
  }

  /** The base directory of test-bed files: -Dgantry.testbed.workdir, else the temp directory. */
  public static Path workDirectory() {
    String configured = System.getProperty("gantry.testbed.workdir");
    return configured != null
        ? Path.of(configured)
        : Path.of(System.getProperty("java.io.tmpdir"), "gantry-testbed");
  }

  private static Path newRunDirectory() {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
    try {
      return Files.createDirectories(
          workDirectory().resolve(stamp + "-" + ProcessHandle.current().pid()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the test-bed directory", e);
    }
  }

  public KubeCluster cluster(String name) {
    KubeCluster cluster = clusters.get(name);
    if (cluster == null) {
      throw new IllegalArgumentException("no cluster '" + name + "'; have " + clusters.keySet());
    }
    return cluster;
  }

  public List<KubeCluster> clusters() {
    return new ArrayList<>(clusters.values());
  }

  public String provider() {
    return provider;
  }

  public Path directory() {
    return directory;
  }

  /** The end of every process log, for a failed test's report. */
  public String logTails(int lines) {
    StringBuilder out = new StringBuilder();
    for (KubeCluster cluster : clusters.values()) {
      for (ManagedProcess process : cluster.processes()) {
        out.append("---- ")
            .append(process.name())
            .append(" (")
            .append(process.logFile())
            .append(")\n")
            .append(process.logTail(lines))
            .append('\n');
      }
    }
    return out.toString();
  }

  @Override
  public void close() {
    for (KubeCluster cluster : clusters.values()) {
      try {
        cluster.close();
      } catch (RuntimeException e) {
        log.warn("stopping cluster {} failed: {}", cluster.name(), e.toString());
      }
    }
  }
}
