package dev.gantry.e2e.bench;

import dev.gantry.e2e.ChartJvm;
import dev.gantry.e2e.Churn;
import dev.gantry.e2e.GantryProcesses;
import dev.gantry.e2e.JvmProcess;
import dev.gantry.e2e.LocalGantry;
import dev.gantry.e2e.PrometheusText;
import dev.gantry.e2e.RequestLoop;
import dev.gantry.testbed.ClusterProvider;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Testbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak: the system as processes (a discoverer per remote, the hub, Envoy over Delta ADS) under
 * a steady load for a long time: EndpointSlice changes in the remotes at a fixed rate, HTTPProxy
 * changes in the hub, and requests through Envoy to a service of every cluster. It compares the
 * first and the last window: memory of every process (RSS and the heap left after a full GC), hub
 * writes per remote change, propagation p99 (the hub's own histogram), and over the whole run
 * failed requests and NACKs. Prints a table; {@link Result} lets the short form in CI assert.
 *
 * <pre>scripts/soak [--seconds 1800] [--remotes 3] [--services 1000] [--endpoints 10] [--rate 50]
 *   [--proxy-rate 1] [--window 60]</pre>
 */
public final class SoakBench {
  private static final String NS = LocalGantry.NAMESPACE;
  private static final String HOST = "web.soak.test";

  /**
   * How much a process's live heap (after a full GC) may grow from the first window to the last:
   * more means something accumulates with changes, not with what the clusters hold.
   */
  static final long HEAP_GROWTH_BOUND = 32L << 20;

  private final Map<String, Integer> flags;
  private final List<String[]> rows = new ArrayList<>();

  /** What the soak measured, for assertions. */
  public record Result(
      long requests,
      long failedRequests,
      double nacks,
      double writesPerChangeFirst,
      double writesPerChangeLast,
      long heapGrowthBytes,
      List<String[]> rows) {}

  SoakBench(Map<String, Integer> flags) {
    this.flags = flags;
  }

  public static void main(String[] args) throws Exception {
    new SoakBench(flags(args)).run();
  }

  static Map<String, Integer> flags(String... args) {
    return BenchFlags.parse(
        Map.of(
            "seconds", 1800,
            "remotes", 3,
            "services", 1000,
            "endpoints", 10,
            "rate", 50,
            "proxy-rate", 1,
            "window", 60),
        args);
  }

  Result run() throws Exception {
    int remotes = flags.get("remotes");
    int services = flags.get("services");
    int seconds = flags.get("seconds");
    int window = flags.get("window");
    if (seconds < 3 * window) {
      throw new IllegalArgumentException("--seconds must be at least three --window");
    }
    System.out.printf(
        "soak: %d s, %d remotes × %d services × %d endpoints, %d HTTPProxies, %d EndpointSlice"
            + " changes/s, %d HTTPProxy change(s)/s, windows of %d s; %d cores, %s%n",
        seconds,
        remotes,
        services,
        flags.get("endpoints"),
        services,
        flags.get("rate"),
        flags.get("proxy-rate"),
        window,
        Runtime.getRuntime().availableProcessors(),
        java.time.LocalDate.now());
    List<String> clusters = new ArrayList<>();
    for (int i = 0; i < remotes; i++) {
      clusters.add("r" + i);
    }
    List<String> names = new ArrayList<>(clusters);
    names.add("hub");
    try (Testbed testbed = Testbed.start(new ClusterProvider.LocalBinaryProvider(), names);
        GantryProcesses gantry =
            GantryProcesses.prepare(
                testbed,
                "hub",
                new GantryProcesses.Options(
                    ChartJvm.options("hub", 0),
                    ChartJvm.options("discoverer", 0),
                    Duration.ofMillis(10),
                    List.of(NS)))) {
      gantry.startAll(clusters);
      Set<String> backends = new java.util.TreeSet<>();
      for (String c : clusters) {
        gantry.backends().startHttp(c + "-web");
        gantry.objects().publishService(c, "web", List.of(c + "-web"));
        backends.add(c + "-web");
      }
      gantry.objects().applyProxy("web", HOST, "web");
      long populate = System.nanoTime();
      try (Churn churn = new Churn(gantry.objects(), clusters, services, flags.get("endpoints"))) {
        for (int s = 0; s < services; s++) {
          gantry.objects().applyProxy(proxy(s, 0));
        }
        note("populated in %.0f s", (System.nanoTime() - populate) / 1e9);
        Envoy envoy = gantry.startEnvoy("envoy-soak", "DELTA_GRPC");
        awaitTrue(Duration.ofMinutes(10), () -> answersFromAll(gantry, backends));
        try (RequestLoop requests = new RequestLoop(gantry.traffic(), HOST, backends).start(20);
            ProxyChurn proxies = new ProxyChurn(gantry, services, flags.get("proxy-rate"))) {
          churn.start(flags.get("rate"));
          long t0 = System.nanoTime();
          // The first window starts after one window of warm-up (JIT, connections).
          Thread.sleep(window * 1000L);
          Snapshot first = Snapshot.take(gantry, envoy, churn);
          Thread.sleep(window * 1000L);
          Snapshot firstEnd = Snapshot.take(gantry, envoy, churn);
          Thread.sleep(Math.max(0, (seconds - 3L * window) * 1000L));
          Snapshot last = Snapshot.take(gantry, envoy, churn);
          Thread.sleep(window * 1000L);
          Snapshot lastEnd = Snapshot.take(gantry, envoy, churn);
          double elapsed = (System.nanoTime() - t0) / 1e9;
          churn.pause();
          long requestCount = requests.tally().values().stream().mapToLong(i -> i).sum();
          long failed =
              requests.tally().entrySet().stream()
                  .filter(e -> !backends.contains(e.getKey()))
                  .mapToLong(Map.Entry::getValue)
                  .sum();
          double nacks = lastEnd.hub().sum("gantry_xds_nacks_total", Map.of());
          double wpcFirst = writesPerChange(first, firstEnd);
          double wpcLast = writesPerChange(last, lastEnd);
          rows.add(
              row(
                  "load achieved",
                  "%.0f s: %d EndpointSlice changes (%.1f/s, %d refused), %d HTTPProxy changes,"
                          .formatted(
                              elapsed,
                              churn.changes(),
                              churn.changes() / elapsed,
                              churn.failures(),
                              proxies.changes())
                      + " %d requests".formatted(requestCount)));
          rows.add(row("failed requests", failed + " " + failures(requests, backends)));
          rows.add(row("NACKs", "%.0f".formatted(nacks)));
          rows.add(
              row(
                  "hub writes per remote change (first / last window)",
                  "%.3f / %.3f".formatted(wpcFirst, wpcLast)));
          rows.add(
              row(
                  "propagation p99, remote event → Envoy ACK (first / last window)",
                  p99(first, firstEnd) + " / " + p99(last, lastEnd)));
          long growth = 0;
          for (String process : first.memory().keySet()) {
            long[] a = first.memory().get(process);
            long[] b = lastEnd.memory().get(process);
            growth = Math.max(growth, b[1] - a[1]);
            rows.add(
                process.equals("envoy")
                    ? row("envoy RSS, first → last", "%d → %d MB".formatted(a[0] >> 20, b[0] >> 20))
                    : row(
                        process + " RSS / live heap, first → last",
                        "%d → %d MB / %d → %d MB"
                            .formatted(a[0] >> 20, b[0] >> 20, a[1] >> 20, b[1] >> 20)));
          }
          rows.add(
              row(
                  "live heap growth, first → last window (bound: %d MiB)"
                      .formatted(HEAP_GROWTH_BOUND >> 20),
                  "%d MiB at most (%s)"
                      .formatted(growth >> 20, growth <= HEAP_GROWTH_BOUND ? "within" : "BEYOND")));
          System.out.println();
          System.out.println("| measure | value |");
          System.out.println("|---|---|");
          rows.forEach(r -> System.out.println("| " + r[0] + " | " + r[1] + " |"));
          return new Result(requestCount, failed, nacks, wpcFirst, wpcLast, growth, rows);
        }
      }
    }
  }

  private static String failures(RequestLoop requests, Set<String> backends) {
    Map<String, Integer> bad = new TreeMap<>(requests.tally());
    bad.keySet().removeAll(backends);
    return bad.isEmpty() ? "" : bad.toString();
  }

  /** Discoverer mirror-slice updates per remote change between two snapshots. */
  private static double writesPerChange(Snapshot a, Snapshot b) {
    long changes = b.changes() - a.changes();
    return changes == 0 ? Double.NaN : (b.sliceWrites() - a.sliceWrites()) / changes;
  }

  /**
   * The 99th percentile of the hub's propagation histogram between two snapshots (bucket bound).
   */
  private static String p99(Snapshot a, Snapshot b) {
    Map<Double, Double> before = a.propagationBuckets();
    Map<Double, Double> after = b.propagationBuckets();
    double total =
        after.getOrDefault(Double.POSITIVE_INFINITY, 0.0)
            - before.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    if (total <= 0) {
      return "n/a";
    }
    for (Map.Entry<Double, Double> e : after.entrySet()) {
      double cumulative = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      if (cumulative >= 0.99 * total) {
        return e.getKey().isInfinite()
            ? "> largest bucket"
            : "≤ %.0f ms (n=%.0f)".formatted(e.getKey() * 1000, total);
      }
    }
    return "n/a";
  }

  /** What the processes say at one moment. */
  private record Snapshot(
      PrometheusText hub,
      double sliceWrites,
      long changes,
      Map<Double, Double> propagationBuckets,
      Map<String, long[]> memory) {
    static Snapshot take(GantryProcesses gantry, Envoy envoy, Churn churn) throws Exception {
      long changes = churn.changes();
      double writes = 0;
      Map<String, long[]> memory = new TreeMap<>();
      for (JvmProcess d : gantry.discoverers().values()) {
        writes +=
            d.metrics()
                .sum(
                    "gantry_discoverer_hub_writes_total",
                    Map.of("verb", "update", "resource", "endpointslice", "result", "done"));
        memory.put(d.name(), new long[] {rss(d.pid()), d.liveHeapBytes()});
      }
      PrometheusText hub = gantry.hub().metrics();
      memory.put("hub", new long[] {rss(gantry.hub().pid()), gantry.hub().liveHeapBytes()});
      memory.put("envoy", new long[] {rss(envoy.process().pid()), 0});
      return new Snapshot(hub, writes, changes, buckets(hub), memory);
    }
  }

  /** Cumulative counts of gantry_propagation_seconds by upper bound, summed over its labels. */
  private static Map<Double, Double> buckets(PrometheusText metrics) {
    Map<Double, Double> out = new TreeMap<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "^gantry_propagation_seconds_bucket\\{(.*)\\} (\\S+)$",
                java.util.regex.Pattern.MULTILINE)
            .matcher(metrics.text());
    while (m.find()) {
      java.util.regex.Matcher le =
          java.util.regex.Pattern.compile("le=\"([^\"]+)\"").matcher(m.group(1));
      if (le.find()) {
        double bound =
            le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
        out.merge(bound, Double.parseDouble(m.group(2)), Double::sum);
      }
    }
    return out;
  }

  /** HTTPProxy {@code data-s} of generation {@code g}: its route timeout alternates. */
  private static String proxy(int s, long g) {
    return """
        apiVersion: projectcontour.io/v1
        kind: HTTPProxy
        metadata: {name: data-%d, namespace: %s}
        spec:
          ingressClassName: gantry
          virtualhost: {fqdn: data-%d.soak.test}
          routes:
          - services: [{name: %s, port: 80}]
            timeoutPolicy: {response: %ds}
        """
        .formatted(s, NS, s, Churn.name(s), 10 + g % 2);
  }

  /** HTTPProxy changes at a fixed rate, round robin. */
  private static final class ProxyChurn implements AutoCloseable {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong changes = new AtomicLong();

    ProxyChurn(GantryProcesses gantry, int proxies, int perSecond) {
      if (perSecond > 0) {
        executor.scheduleAtFixedRate(
            () -> {
              long n = changes.get();
              try {
                gantry.objects().applyProxy(proxy((int) (n % proxies), n / proxies + 1));
                changes.incrementAndGet();
              } catch (RuntimeException e) {
                System.out.println("  HTTPProxy change failed: " + e);
              }
            },
            0,
            1_000_000 / perSecond,
            TimeUnit.MICROSECONDS);
      }
    }

    long changes() {
      return changes.get();
    }

    @Override
    public void close() {
      executor.shutdownNow();
    }
  }

  private static boolean answersFromAll(GantryProcesses gantry, Set<String> backends) {
    return gantry.traffic().tally(HOST, "/", 10 * backends.size()).keySet().containsAll(backends);
  }

  private static long rss(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return 0;
  }

  private static String[] row(String measure, String value) {
    System.out.println("  " + measure + ": " + value);
    return new String[] {measure, value};
  }

  private static void note(String format, Object... args) {
    System.out.println("  " + format.formatted(args));
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitTrue(Duration timeout, Check check) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout);
      }
      Thread.sleep(200);
    }
  }
}
