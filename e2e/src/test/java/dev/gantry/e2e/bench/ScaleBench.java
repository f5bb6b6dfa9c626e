package dev.gantry.e2e.bench;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.e2e.ChartJvm;
import dev.gantry.e2e.GantryProcesses;
import dev.gantry.e2e.JvmProcess;
import dev.gantry.e2e.LocalGantry;
import dev.gantry.e2e.PrometheusText;
import dev.gantry.testbed.ClusterProvider;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Testbed;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Benchmark at size (prints one table, asserts nothing): R remote apiservers of S Services × E
 * data-only endpoints each (distinct addresses per cluster in 198.18.0.0/15, never contacted), a
 * discoverer process per remote and the hub process ({@link GantryProcesses}, each JVM with the
 * options and memory limit the chart gives it), the hub apiserver holding S HTTPProxies, each
 * routing to the federated service of its number (R clusters), and a real Envoy over
 * state-of-the-world ADS, then one over Delta ({@code --delta-first 1}: the other way round), after
 * {@code --burn-in} seconds of unmeasured changes and, before each, a wait until the hub and the
 * discoverers are quiet ({@code --quiet}: at most that many seconds).
 *
 * <p>Rows: the initial mirror; hub start to every proxy {@code valid}; a remote EndpointSlice
 * change until Envoy's admin lists the new address, idle and while other changes run at a steady
 * rate, and beside it the floor under such a change ({@link TwoHopFloor}: the same two apiserver
 * hops relayed by a watch of the benchmark's own); a new hub Service and HTTPProxy until Envoy
 * answers its host; hub CPU and bytes sent per change; RSS (now and peak) and live heap of every
 * process. Run with {@code scripts/bench-scale [--remotes 3] [--services 1000] [--endpoints 10]
 * [--changes 100] [--rate 50] [--hub-memory MiB] [--discoverer-memory MiB] [--sotw 0]
 * [--delta-first 1] [--quiet 120] [--burn-in 30] [--rest 10] [--restarts 1]}; the memory flags
 * replace the chart's limits (0: the chart's); {@code --sotw 0} runs Delta only; {@code --restarts
 * N} restarts the hub N times (statuses cleared each time) and prints each start and the median.
 */
public final class ScaleBench {
  private static final String NS = LocalGantry.NAMESPACE;
  private static final String FQDN = "%s.scale.test";
  // Changes before a series is measured: enough for the JIT to compile the path of a change (the
  // hub was just restarted; at 50 the first series still ran partly interpreted).
  private static final int WARM_UP = 200;
  // New proxies measured per series, after NEW_PROXY_WARM_UP unmeasured ones.
  private static final int NEW_PROXIES = 20;
  private static final int NEW_PROXY_WARM_UP = 3;
  // Quiet: the hub and the discoverers together under this CPU (all their threads, the JIT's
  // too) over QUIET_WINDOW.
  private static final double QUIET_MS_PER_S = 100;
  private static final Duration QUIET_WINDOW = Duration.ofSeconds(2);

  private final int remotes;
  private final int services;
  private final int endpointsPer;
  private final int changes;
  private final int rate;
  private final int hubMemory;
  private final int discovererMemory;
  private final boolean sotw;
  // Delta's series before SotW's: which mode runs first runs nearer the hub's restart.
  private final boolean deltaFirst;
  // At most this long a wait for the hub and the discoverers to be quiet before each mode.
  private final Duration quietAtMost;
  // Unmeasured changes at the load's rate for this long before the first mode (see run()).
  private final Duration burnIn;
  private final Duration rest;
  private final int restarts;
  private final List<String> clusters = new ArrayList<>();

  /** The processes of every apiserver of the run and of its etcd: the hub's and the remotes'. */
  private final List<Long> kube = new ArrayList<>();

  private final Map<String, List<String>> slices = new LinkedHashMap<>();
  // Each slice's last write, by cluster/service number (see slice()).
  private final Map<String, LastWrite> lastWrites = new ConcurrentHashMap<>();
  private final AtomicInteger nextAddress = new AtomicInteger();
  private final Random random = new Random(42);
  private final List<String[]> rows = new ArrayList<>();

  ScaleBench(Map<String, Integer> flags) {
    remotes = flags.get("remotes");
    services = flags.get("services");
    endpointsPer = flags.get("endpoints");
    changes = flags.get("changes");
    rate = flags.get("rate");
    hubMemory = flags.get("hub-memory");
    discovererMemory = flags.get("discoverer-memory");
    sotw = flags.get("sotw") != 0;
    deltaFirst = flags.get("delta-first") != 0;
    quietAtMost = Duration.ofSeconds(flags.get("quiet"));
    burnIn = Duration.ofSeconds(flags.get("burn-in"));
    rest = Duration.ofSeconds(flags.get("rest"));
    restarts = flags.get("restarts");
    for (int r = 0; r < remotes; r++) {
      clusters.add("r" + r);
    }
  }

  public static void main(String[] args) throws Exception {
    new ScaleBench(flags(args)).run();
  }

  /** The flags given over the defaults. */
  static Map<String, Integer> flags(String... args) {
    return BenchFlags.parse(
        Map.ofEntries(
            Map.entry("remotes", 3),
            Map.entry("services", 1000),
            Map.entry("endpoints", 10),
            Map.entry("changes", 100),
            Map.entry("rate", 50),
            Map.entry("hub-memory", 0),
            Map.entry("discoverer-memory", 0),
            Map.entry("sotw", 1),
            Map.entry("delta-first", 0),
            Map.entry("quiet", 120),
            Map.entry("burn-in", 30),
            Map.entry("rest", 10),
            Map.entry("restarts", 1)),
        args);
  }

  /** Runs the benchmark, prints the table and returns its rows (measure, value). */
  List<String[]> run() throws Exception {
    System.out.printf(
        "scale benchmark: %d remotes × %d services × %d endpoints, %d HTTPProxies; %d changes per"
            + " series, load %d changes/s; %d cores, load average %s, %s%n",
        remotes,
        services,
        endpointsPer,
        services,
        changes,
        rate,
        Runtime.getRuntime().availableProcessors(),
        loadAverage(),
        java.time.LocalDate.now());
    List<String> names = new ArrayList<>(clusters);
    names.add("hub");
    try (Testbed testbed = Testbed.start(new ClusterProvider.LocalBinaryProvider(), names)) {
      long start = System.nanoTime();
      populate(testbed);
      note("populated the remotes and the hub in %.1f s", seconds(start));

      GantryProcesses.Options options =
          new GantryProcesses.Options(
              withExtra(ChartJvm.options("hub", hubMemory), "BENCH_HUB_JVM_EXTRA"),
              withExtra(
                  ChartJvm.options("discoverer", discovererMemory), "BENCH_DISCOVERER_JVM_EXTRA"),
              // The hub's --holdoff; BENCH_HUB_HOLDOFF_MS tries another.
              Duration.ofMillis(
                  Long.parseLong(System.getenv().getOrDefault("BENCH_HUB_HOLDOFF_MS", "10"))),
              List.of(NS));
      // xDS over mutual TLS, as the chart serves it; BENCH_XDS_INSECURE=1 for plain text.
      options = options.withXdsTls(!"1".equals(System.getenv("BENCH_XDS_INSECURE")));
      note("hub JVM %s; discoverer JVM %s", options.hubJvm(), options.discovererJvm());
      rows.add(
          row(
              "xDS between the hub and Envoy",
              options.xdsTls()
                  ? "mutual TLS (gantry certgen's certificates), as the chart serves it"
                  : "plain text (BENCH_XDS_INSECURE=1)"));
      long gantryStart = System.nanoTime();
      testbed.clusters().forEach(c -> c.processes().forEach(p -> kube.add(p.pid())));
      try (GantryProcesses gantry = GantryProcesses.start(testbed, "hub", clusters, options)) {
        KubernetesClient hub = testbed.cluster("hub").client();
        int objects = remotes * services * 2;
        awaitTrue(Duration.ofMinutes(30), () -> mirrored(hub) >= remotes * services);
        double mirror = seconds(gantryStart);
        rows.add(
            row(
                "initial mirror, discoverers started together",
                "%.1f s (%d objects, %.0f objects/s)"
                    .formatted(mirror, objects, objects / mirror)));
        awaitTrue(Duration.ofMinutes(10), () -> allValid(hub));
        rows.add(
            row(
                "system start → all HTTPProxies valid (mirrors first)",
                "%.1f s".formatted(seconds(gantryStart))));
        // The hub's other writes of a first start: a series measured while they go on would
        // count their cost as that of endpoint changes.
        awaitTrue(Duration.ofMinutes(10), () -> imported(hub) >= services);
        rows.add(
            row(
                "system start → all ServiceImports published",
                "%.1f s".formatted(seconds(gantryStart))));
        // A hub restarted over a full hub apiserver, statuses cleared: the hub's own start.
        try (HubRestart restart =
            new HubRestart(
                hub,
                testbed.cluster("hub").processes().stream().map(p -> p.pid()).toList(),
                NS,
                services)) {
          List<Double> ready = new ArrayList<>();
          List<Double> valid = new ArrayList<>();
          for (int r = 1; r <= restarts; r++) {
            HubRestart.Times t = restart.run(gantry, Duration.ofMinutes(10));
            ready.add(t.ready());
            valid.add(t.allValid());
            note(
                "hub restart %d: ready %.1f s, all valid %.1f s; %s",
                r, t.ready(), t.allValid(), t.steps());
          }
          rows.add(
              row(
                  "hub start → ready / → all HTTPProxies valid",
                  restarts == 1
                      ? "%.1f s / %.1f s".formatted(ready.get(0), valid.get(0))
                      : "%.1f s / %.1f s (median of %d; all valid: %s s)"
                          .formatted(
                              median(ready),
                              median(valid),
                              restarts,
                              valid.stream().map(v -> "%.1f".formatted(v)).toList())));
        }

        // The ADS mode measured first after the hub's restart was slower than the other (idle p50,
        // SotW first: SotW 33, Delta 21 ms; Delta first: Delta 35, SotW 27 ms), the hub and the
        // discoverers quiet before it. Unmeasured changes at the load's rate come first: they run
        // the remotes, the discoverers, the hub's informers, aggregator and builds (no Envoy is
        // connected yet; each mode's warm-up changes then run the path to its Envoy).
        if (!burnIn.isZero()) {
          long burnStart = System.nanoTime();
          long written;
          try (Load load = new Load(testbed, rate)) {
            LockSupport.parkNanos(burnIn.toNanos());
            written = load.written();
          }
          // Each mode waits for quiet after its own warm-up: no wait here.
          note("burn-in: %d unmeasured changes in %.0f s", written, seconds(burnStart));
        }
        TwoHopFloor floor =
            new TwoHopFloor(testbed.cluster(clusters.get(0)).client(), hub, endpointsPer);
        floor.series(WARM_UP / 10); // warm-up: its watches, connections and code paths
        List<String> modes =
            !sotw
                ? List.of("DELTA_GRPC")
                : deltaFirst ? List.of("DELTA_GRPC", "GRPC") : List.of("GRPC", "DELTA_GRPC");
        for (String mode : modes) {
          String label = mode.equals("GRPC") ? "SotW" : "Delta";
          Envoy envoy = gantry.startEnvoy("envoy-scale-" + label.toLowerCase(Locale.ROOT), mode);
          long envoyStart = System.nanoTime();
          awaitTrue(Duration.ofMinutes(5), () -> clustersIn(envoy) >= services);
          HostProbe admin = new HostProbe(envoy.adminPort());
          rows.add(
              row(
                  label + ": Envoy start → every cluster",
                  "%.1f s".formatted(seconds(envoyStart))));
          for (int i = 0; i < WARM_UP; i++) {
            change(testbed, admin); // warm-up: JIT (the hub was just restarted), connections
          }
          note("%s: %s", label, quiet(gantry, quietAtMost));
          // What the processes spend with no change at all (heartbeats, watches, timers): an
          // idle series lasts longer when its changes are slower, and would count more of it.
          Usage restStart = Usage.read(gantry, envoy, kube);
          profile(gantry.hub(), "JFR.start", "name=rest", "settings=profile");
          LockSupport.parkNanos(rest.toNanos());
          profile(
              gantry.hub(), "JFR.stop", "name=rest", "filename=" + profileFile(label + "-rest"));
          Usage restEnd = Usage.read(gantry, envoy, kube);
          rows.add(
              row(
                  label + ": at rest, no change for " + rest.toSeconds() + " s",
                  restEnd.rate(restStart)));
          // The stages' meters are read outside the CPU's window: the hub apiserver's page is
          // large, and its reading would count as the apiservers' and this benchmark's CPU.
          String meterMode = mode.equals("GRPC") ? "sotw" : "delta";
          Stages stagesIdle = Stages.read(gantry, hub, meterMode);
          Usage before = Usage.read(gantry, envoy, kube);
          profile(gantry.hub(), "JFR.start", "name=bench", "settings=profile");
          Pauses gcIdle = Pauses.read(gantry.hub());
          long[] idle = series(testbed, admin, changes);
          String idleGc = Pauses.read(gantry.hub()).since(gcIdle);
          profile(gantry.hub(), "JFR.stop", "name=bench", "filename=" + profileFile(label));
          Usage after = Usage.read(gantry, envoy, kube);
          String idleStages = Stages.read(gantry, hub, meterMode).since(stagesIdle, idle);
          rows.add(
              row(label + ": endpoint change → in Envoy, idle", percentiles(idle) + "; " + idleGc));
          rows.add(row(label + ": the same by stage, idle", idleStages));
          rows.add(
              row(
                  label + ": hub per change, idle",
                  after.minus(before, changes)
                      + "; "
                      + after.beyondRest(before, changes, restStart, restEnd)));
          rows.add(
              row(
                  label + ": floor, the same two apiserver hops relayed by a watch, idle",
                  percentiles(floor.series(changes))));
          long[] loaded;
          double achieved;
          long others;
          String loadGc;
          Stages stagesLoad = Stages.read(gantry, hub, meterMode);
          Usage beforeLoad = Usage.read(gantry, envoy, kube);
          Pauses gcLoad = Pauses.read(gantry.hub());
          profile(gantry.hub(), "JFR.start", "name=load", "settings=profile");
          gantry
              .discoverers()
              .values()
              .forEach(d -> profile(d, "JFR.start", "name=load", "settings=profile"));
          try (Load load = new Load(testbed, rate)) {
            loaded = series(testbed, admin, changes);
            loadGc = Pauses.read(gantry.hub()).since(gcLoad);
            achieved = load.achieved();
            others = load.written();
          }
          Usage afterLoad = Usage.read(gantry, envoy, kube);
          String loadStages = Stages.read(gantry, hub, meterMode).since(stagesLoad, loaded);
          profile(
              gantry.hub(), "JFR.stop", "name=load", "filename=" + profileFile(label + "-load"));
          gantry
              .discoverers()
              .forEach(
                  (name, d) ->
                      profile(
                          d,
                          "JFR.stop",
                          "name=load",
                          "filename=" + profileFile(name, label + "-load")));
          rows.add(
              row(
                  label + ": endpoint change → in Envoy, " + rate + " other changes/s",
                  percentiles(loaded) + ", load achieved %.0f/s; %s".formatted(achieved, loadGc)));
          rows.add(
              row(
                  label + ": the same by stage, " + rate + " other changes/s (its changes too)",
                  loadStages));
          rows.add(
              row(
                  label + ": hub per change, " + rate + " other changes/s",
                  afterLoad.minus(beforeLoad, (int) (changes + others))));
          try (Load load = new Load(testbed, rate)) {
            long[] floorLoaded = floor.series(changes);
            rows.add(
                row(
                    label + ": floor, the same, " + rate + " other changes/s",
                    percentiles(floorLoaded)
                        + ", load achieved %.0f/s".formatted(load.achieved())));
          }
          // The load's last changes are still on their way (its p99 is hundreds of ms): a new
          // proxy made now would queue behind them and time their tail, not itself.
          settled(gantry.hub());
          // The first new proxy of a series is slower (290 to 470 ms in both modes, so not only
          // the hub's code not compiled yet): printed apart, and followed by a few more before
          // the series.
          long firstNew = newProxy(gantry);
          long firstNewWrites = lastNewProxyWrites;
          for (int i = 1; i < NEW_PROXY_WARM_UP; i++) {
            newProxy(gantry);
          }
          profile(gantry.hub(), "JFR.start", "name=new", "settings=profile");
          double[] buildsBefore = fullBuilds(gantry.hub());
          Pauses gcNew = Pauses.read(gantry.hub());
          Usage beforeNew = Usage.read(gantry, envoy, kube);
          String newProxies =
              newProxies(gantry, NEW_PROXIES)
                  + "; after %d unmeasured, the first of which took %.0f ms (its two writes %.0f ms)"
                      .formatted(NEW_PROXY_WARM_UP, firstNew / 1e6, firstNewWrites / 1e6)
                  + "; "
                  + Pauses.read(gantry.hub()).since(gcNew);
          Usage afterNew = Usage.read(gantry, envoy, kube);
          double[] buildsAfter = fullBuilds(gantry.hub());
          profile(gantry.hub(), "JFR.stop", "name=new", "filename=" + profileFile(label + "-new"));
          rows.add(row(label + ": new Service + HTTPProxy → Envoy answers", newProxies));
          rows.add(
              row(
                  label + ": hub's full builds per new proxy",
                  "%.1f, mean %.0f ms each"
                      .formatted(
                          (buildsAfter[0] - buildsBefore[0]) / NEW_PROXIES,
                          (buildsAfter[1] - buildsBefore[1])
                              * 1000
                              / Math.max(1, buildsAfter[0] - buildsBefore[0]))));
          // Where a new proxy's CPU goes: every process takes its turn on the two cores.
          rows.add(
              row(
                  label + ": per new proxy (CPU at rest included)",
                  afterNew.minus(beforeNew, NEW_PROXIES)
                      + "; the series took %.1f s".formatted((afterNew.at - beforeNew.at) / 1e9)));
          rows.add(row(label + ": Envoy's xDS update durations (P50/P99 ms)", updates(envoy)));
          rows.add(
              row(
                  label + ": hub's gantry_propagation_seconds (remote event → Envoy ACK)",
                  propagationMeter(gantry.hub(), meterMode)));
          rows.add(row(label + ": Envoy RSS", mb(rss(envoy.process().pid())) + " MB"));
          admin.close();
          gantry.stopEnvoy(envoy);
        }
        floor.close();
        nativeMemory(gantry.hub());
        rows.add(row("hub collections since its restart", Pauses.read(gantry.hub()).total()));
        rows.add(row("hub RSS now / peak / live heap", memory(gantry.hub())));
        for (JvmProcess d : gantry.discoverers().values()) {
          rows.add(row(d.name() + " RSS now / peak / live heap", memory(d)));
        }
      }
    }
    System.out.println();
    System.out.println("| measure | value |");
    System.out.println("|---|---|");
    rows.forEach(r -> System.out.println("| " + r[0] + " | " + r[1] + " |"));
    System.out.println();
    System.out.println("load average at the end " + loadAverage());
    return rows;
  }

  /**
   * With {@code BENCH_PROFILE} set to a directory, the hub's idle series of each ADS mode is
   * recorded by Java Flight Recorder into {@code hub-<mode>.jfr} there (the CPU figure of that
   * series then includes the recorder's own cost), its series under load into {@code
   * hub-<mode>-load.jfr} (and each discoverer's into {@code <discoverer>-<mode>-load.jfr}), and its
   * new-proxy series into {@code hub-<mode>-new.jfr}. The recorder's settings are JFR's {@code
   * profile} (a Java stack sampled every 10 ms per thread), or the file {@code
   * BENCH_PROFILE_SETTINGS} names (a copy of it sampling every 1 ms, say, for a series as short as
   * the new proxies').
   */
  private static void profile(JvmProcess process, String command, String... args) {
    if (System.getenv("BENCH_PROFILE") != null) {
      String settings =
          "settings=" + System.getenv().getOrDefault("BENCH_PROFILE_SETTINGS", "profile");
      process.jcmd(
          command,
          Arrays.stream(args)
              .map(a -> a.equals("settings=profile") ? settings : a)
              .toArray(String[]::new));
    }
  }

  private static String profileFile(String label) {
    return profileFile("hub", label);
  }

  private static String profileFile(String process, String label) {
    return Path.of(System.getenv().getOrDefault("BENCH_PROFILE", "."))
        .resolve(process + "-" + label.toLowerCase(Locale.ROOT) + ".jfr")
        .toAbsolutePath()
        .toString();
  }

  /**
   * The chart's options, compiler threads that never end (so that CPU time without theirs is exact,
   * see {@link JvmProcess#cpu}) and the options of {@code BENCH_JVM_EXTRA} (every process) and of
   * {@code ownVariable} (this kind of process), for a diagnosis (e.g. NMT) or a trial of other
   * settings (e.g. the hub on another collector: {@code -XX:-UseG1GC -XX:+UseSerialGC}).
   */
  private static List<String> withExtra(List<String> options, String ownVariable) {
    List<String> all = new ArrayList<>(options);
    all.add("-XX:-UseDynamicNumberOfCompilerThreads");
    for (String variable : List.of("BENCH_JVM_EXTRA", ownVariable)) {
      String extra = System.getenv().getOrDefault(variable, "").trim();
      if (!extra.isEmpty()) {
        all.addAll(List.of(extra.split("\\s+")));
      }
    }
    return all;
  }

  // ---- populating --------------------------------------------------------------------------

  private void populate(Testbed testbed) throws Exception {
    KubernetesClient hub = testbed.cluster("hub").client();
    Crds.install(hub, RemoteCluster.CRD_NAME, HTTPProxy.CRD_NAME, ServiceImport.CRD_NAME);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (String cluster : clusters) {
        KubernetesClient client = testbed.cluster(cluster).client();
        namespace(client, NS);
        for (int s = 0; s < services; s++) {
          List<String> addresses = new ArrayList<>();
          for (int e = 0; e < endpointsPer; e++) {
            addresses.add(address(nextAddress.getAndIncrement()));
          }
          String key = cluster + "/" + s;
          slices.put(key, addresses);
          int service = s;
          work.add(
              pool.submit(
                  () -> {
                    service(client, "svc-" + service);
                    slice(client, cluster, service);
                  }));
        }
      }
      namespace(hub, NS);
      for (int s = 0; s < services; s++) {
        int service = s;
        work.add(pool.submit(() -> proxy(hub, "p-" + service, "svc-" + service)));
      }
      for (Future<?> f : work) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Address number {@code n}: of 198.18.0.0/15 (128,000 at 250 per /24) when the populated
   * endpoints leave room there for the changes, else of 100.64.0.0/10 (4 million); never .0 or
   * .255, never contacted.
   */
  private String address(int n) {
    int host = n % 250 + 1;
    int c = (n / 250) % 256;
    if ((long) remotes * services * endpointsPer <= 100_000) {
      return "198." + (18 + n / (250 * 256)) + "." + c + "." + host;
    }
    int b = 64 + n / (250 * 256);
    if (b > 127) {
      throw new IllegalStateException("more endpoints than 100.64.0.0/10 holds at 250 per /24");
    }
    return "100." + b + "." + c + "." + host;
  }

  static void namespace(KubernetesClient client, String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .serverSideApply();
  }

  private static void service(KubernetesClient client, String name) {
    retry(
        () ->
            client
                .services()
                .inNamespace(NS)
                .resource(
                    new ServiceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(NS)
                        .endMetadata()
                        .withNewSpec()
                        .withClusterIP("None")
                        .addNewPort()
                        .withName("http")
                        .withPort(80)
                        .withNewTargetPort(8080)
                        .withProtocol("TCP")
                        .endPort()
                        .endSpec()
                        .build())
                .serverSideApply());
  }

  /**
   * Writes service {@code s}'s slice in {@code cluster} with the addresses the benchmark holds for
   * it: created by server-side apply, then updated as Kubernetes' EndpointSlice controller does (a
   * PUT carrying the resourceVersion of the last write). One write of a slice at a time, as the
   * controller's one worker per key: the benchmark is the only writer, so the resourceVersion it
   * holds is the current one, and the later edit is the one that lands.
   */
  private void slice(KubernetesClient client, String cluster, int s) {
    var slices = client.discovery().v1().endpointSlices().inNamespace(NS);
    LastWrite last = lastWrites.computeIfAbsent(cluster + "/" + s, k -> new LastWrite());
    synchronized (last) {
      EndpointSlice object = sliceObject("svc-" + s, snapshotOf(cluster, s));
      object.getMetadata().setResourceVersion(last.resourceVersion);
      retry(
          () ->
              last.resourceVersion =
                  (last.resourceVersion == null
                          ? slices.resource(object).serverSideApply()
                          : slices.resource(object).update())
                      .getMetadata()
                      .getResourceVersion());
    }
  }

  /** The resourceVersion of a slice's last write; its monitor orders the slice's writes. */
  private static final class LastWrite {
    String resourceVersion;
  }

  private static EndpointSlice sliceObject(String service, List<String> addresses) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (String a : addresses) {
      endpoints.add(
          new EndpointBuilder()
              .withAddresses(a)
              .withNewConditions()
              .withReady(true)
              .endConditions()
              .build());
    }
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(service + "-slice")
        .withNamespace(NS)
        .addToLabels("kubernetes.io/service-name", service)
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName("http")
        .withPort(8080)
        .withProtocol("TCP")
        .endPort()
        .withEndpoints(endpoints)
        .build();
  }

  private static void proxy(KubernetesClient hub, String name, String service) {
    String yaml =
        """
        apiVersion: projectcontour.io/v1
        kind: HTTPProxy
        metadata: {name: %s, namespace: %s}
        spec:
          ingressClassName: gantry
          virtualhost: {fqdn: %s}
          routes: [{services: [{name: %s, port: 80}]}]
        """
            .formatted(name, NS, FQDN.formatted(name), service);
    HTTPProxy p =
        hub.resources(HTTPProxy.class)
            .load(
                new java.io.ByteArrayInputStream(
                    yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
            .item();
    retry(() -> hub.resources(HTTPProxy.class).inNamespace(NS).resource(p).serverSideApply());
  }

  /** Right after start an apiserver may refuse Services until its ServiceCIDR is ready. */
  private static void retry(Runnable write) {
    for (int attempt = 1; ; attempt++) {
      try {
        write.run();
        return;
      } catch (RuntimeException e) {
        if (attempt == 20) {
          throw e;
        }
        LockSupport.parkNanos(Duration.ofMillis(250L * attempt).toNanos());
      }
    }
  }

  // ---- measuring ---------------------------------------------------------------------------

  private long mirrored(KubernetesClient hub) {
    return hub.discovery()
        .v1()
        .endpointSlices()
        .inNamespace(NS)
        .withLabel("endpointslice.kubernetes.io/managed-by", "discoverer.gantry.dev")
        .list()
        .getItems()
        .size();
  }

  /** ServiceImports whose status lists every remote. */
  private long imported(KubernetesClient hub) {
    return hub.resources(ServiceImport.class).inNamespace(NS).list().getItems().stream()
        .filter(i -> i.getStatus() != null && i.getStatus().getClusters().size() >= remotes)
        .count();
  }

  private boolean allValid(KubernetesClient hub) {
    return hub.resources(HTTPProxy.class).inNamespace(NS).list().getItems().stream()
            .filter(p -> p.getStatus() != null && "valid".equals(p.getStatus().getCurrentStatus()))
            .count()
        >= services;
  }

  private static int clustersIn(Envoy envoy) throws Exception {
    String stats = envoy.admin("/stats?filter=cluster_manager.active_clusters");
    String digits = stats.replaceAll("(?s).*active_clusters: (\\d+).*", "$1");
    return digits.matches("\\d+") ? Integer.parseInt(digits) : 0;
  }

  /** {@code n} changes, each timed until Envoy lists the new address; nanoseconds, sorted. */
  private long[] series(Testbed testbed, HostProbe admin, int n) throws Exception {
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      nanos[i] = change(testbed, admin);
    }
    Arrays.sort(nanos);
    return nanos;
  }

  /**
   * Replaces the oldest address of one random service's slice in one random remote with a new one,
   * and waits until Envoy lists it in that service's cluster (asked through {@code admin}, a probe
   * of Envoy's admin port).
   */
  private long change(Testbed testbed, HostProbe admin) throws Exception {
    int s = random.nextInt(services);
    String cluster = clusters.get(random.nextInt(remotes));
    String fresh = edit(testbed, cluster, s);
    long start = System.nanoTime();
    slice(testbed.cluster(cluster).client(), cluster, s);
    String needle = "::" + fresh + ":8080::cx_active";
    long deadline = start + Duration.ofSeconds(60).toNanos();
    // Envoy's admin walks every cluster per call, on the thread that also applies xDS: poll
    // every 0.5 ms at 1,000 clusters, less often with more, so the probe does not slow its subject.
    long pause = Math.max(500_000L, services * 500L);
    while (!listed(admin, "/clusters?filter=%5E" + NS + "/svc-" + s + "/", needle)) {
      if (System.nanoTime() > deadline) {
        // Counted at 60 s (the series' maximum says so) rather than ending the run.
        System.out.println("  Envoy did not get " + fresh + " within 60 s");
        return System.nanoTime() - start;
      }
      LockSupport.parkNanos(pause);
    }
    return System.nanoTime() - start;
  }

  /** Whether Envoy's admin page lists {@code needle}; false when it did not answer in time. */
  private static boolean listed(HostProbe admin, String path, String needle) throws IOException {
    try {
      return admin.body(path).contains(needle);
    } catch (java.net.SocketTimeoutException busy) {
      return false; // the probe connects anew for the next try; an Envoy gone ends the run
    }
  }

  private synchronized String edit(Testbed testbed, String cluster, int s) {
    List<String> addresses = slices.get(cluster + "/" + s);
    String fresh = address(nextAddress.getAndIncrement());
    addresses.remove(0);
    addresses.add(fresh);
    return fresh;
  }

  private synchronized List<String> snapshotOf(String cluster, int s) {
    return List.copyOf(slices.get(cluster + "/" + s));
  }

  /** Changes to random services at a steady rate on writer threads of its own, until closed. */
  private final class Load implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong written =
        new java.util.concurrent.atomic.AtomicLong();
    private final long started = System.nanoTime();

    Load(Testbed testbed, int perSecond) {
      // One writer keeps up with a few dozen writes a second; more run side by side.
      int writers = Math.min(16, Math.max(1, perSecond / 25));
      for (int w = 0; w < writers; w++) {
        Random r = new Random(7 + w);
        long period = 1_000_000_000L * writers / perSecond;
        Thread thread =
            new Thread(
                () -> {
                  long next = System.nanoTime();
                  while (running.get()) {
                    int s = r.nextInt(services);
                    String cluster = clusters.get(r.nextInt(remotes));
                    edit(testbed, cluster, s);
                    try {
                      slice(testbed.cluster(cluster).client(), cluster, s);
                      written.incrementAndGet();
                    } catch (RuntimeException e) {
                      // a write that failed after its retries: the next one goes on
                    }
                    next += period;
                    LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                  }
                },
                "bench-load-" + w);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
      }
    }

    /** The changes written so far. */
    long written() {
      return written.get();
    }

    /** The rate of changes written so far, per second. */
    double achieved() {
      return written.get() / ((System.nanoTime() - started) / 1e9);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join();
      }
    }
  }

  /** {@code n} new proxies, each with its Service, timed until Envoy answers its host. */
  private String newProxies(GantryProcesses gantry, int n) throws Exception {
    long[] nanos = new long[n];
    long[] writes = new long[n];
    for (int i = 0; i < n; i++) {
      nanos[i] = newProxy(gantry);
      writes[i] = lastNewProxyWrites;
    }
    // The slowest one's place in the series tells a first-time cost from a pause that strikes
    // anywhere.
    int slowest = 0;
    for (int i = 1; i < n; i++) {
      slowest = nanos[i] > nanos[slowest] ? i : slowest;
    }
    Arrays.sort(nanos);
    Arrays.sort(writes);
    // The part of each that is the two apiserver writes (both calls returned): what the user's
    // own client waits for before the hub can see anything.
    return percentiles(nanos)
        + ", the slowest was number %d; their two writes returned after p50 %s / p99 %s ms"
            .formatted(slowest + 1, ms(writes, 0.50), ms(writes, 0.99));
  }

  // How long the last new proxy's two writes took to return.
  private long lastNewProxyWrites;

  /**
   * One new hub Service and HTTPProxy: nanoseconds until Envoy answers its host (those of the
   * writes alone in {@link #lastNewProxyWrites}).
   */
  private long newProxy(GantryProcesses gantry) throws Exception {
    KubernetesClient hub = gantry.hubClient();
    String name = "new-" + System.nanoTime();
    long start = System.nanoTime();
    service(hub, name);
    proxy(hub, name, name);
    lastNewProxyWrites = System.nanoTime() - start;
    long deadline = start + Duration.ofSeconds(60).toNanos();
    try (HostProbe probe = new HostProbe(gantry.httpPort())) {
      while (probe.status(FQDN.formatted(name)) == 404) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Envoy did not serve " + name + " within 60 s");
        }
        LockSupport.parkNanos(1_000_000);
      }
    }
    return System.nanoTime() - start;
  }

  /** How long Envoy took to apply CDS, LDS and RDS updates, from its own histograms. */
  private static String updates(Envoy envoy) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line :
        envoy
            .admin(
                "/stats?filter=%5E(cluster_manager.cds%7Clistener_manager.lds%7Chttp.*rds.*).update_duration$")
            .split("\n")) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile(
                  "^(\\S+)\\.update_duration: P0\\(.*P50\\(([^,]+),([^)]+)\\).*P99\\(([^,]+),([^)]+)\\)")
              .matcher(line);
      if (m.find()) {
        out.add("%s %s/%s".formatted(m.group(1), m.group(3), m.group(5)));
      }
    }
    return out.isEmpty() ? "n/a" : String.join("; ", out);
  }

  /** CPU time of each process and what the xDS server sent, read before and after a series. */
  private record Usage(
      long at,
      long hubCpuNanos,
      long discovererCpuNanos,
      long hubJitNanos,
      long discovererJitNanos,
      double edsBytes,
      double allBytes,
      double edsResources,
      long envoyRx,
      long envoyCpuNanos,
      long benchCpuNanos,
      long kubeCpuNanos,
      Waits waits) {
    private static final Map<String, String> EDS = Map.of("type", "ClusterLoadAssignment");

    static Usage read(GantryProcesses gantry, Envoy envoy, List<Long> kube) throws Exception {
      // One reading of each process's threads gives the program's CPU and its JIT's.
      JvmProcess.Cpu hubCpu = gantry.hub().cpu();
      List<JvmProcess.Cpu> discovererCpu =
          gantry.discoverers().values().stream().map(JvmProcess::cpu).toList();
      PrometheusText metrics = gantry.hub().metrics();
      // What Envoy read from the xDS connection, whatever the hub's own meters say.
      String rx = envoy.admin("/stats?filter=%5Ecluster.xds.upstream_cx_rx_bytes_total$");
      String digits = rx.replaceAll("(?s).*upstream_cx_rx_bytes_total: (\\d+).*", "$1");
      return new Usage(
          System.nanoTime(),
          hubCpu.programNanos(),
          discovererCpu.stream().mapToLong(JvmProcess.Cpu::programNanos).sum(),
          hubCpu.jitNanos(),
          discovererCpu.stream().mapToLong(JvmProcess.Cpu::jitNanos).sum(),
          metrics.sum("gantry_xds_pushed_bytes_total", EDS),
          metrics.sum("gantry_xds_pushed_bytes_total", Map.of()),
          metrics.sum("gantry_xds_pushed_resources_total", EDS),
          digits.matches("\\d+") ? Long.parseLong(digits) : -1,
          ProcessCpu.nanos(List.of(envoy.pid())),
          ProcessCpu.nanos(List.of(ProcessHandle.current().pid())),
          ProcessCpu.nanos(kube),
          Waits.read(gantry, envoy, kube));
    }

    /** CPU per second of the hub and the discoverers since {@code before}. */
    String rate(Usage before) {
      double seconds = (at - before.at) / 1e9;
      return "CPU %.1f ms/s hub, %.1f ms/s discoverers"
          .formatted(
              (hubCpuNanos - before.hubCpuNanos) / 1e6 / seconds,
              (discovererCpuNanos - before.discovererCpuNanos) / 1e6 / seconds);
    }

    /**
     * The hub's CPU per change since {@code before} beyond what it spends at rest (measured from
     * {@code restStart} to {@code restEnd}) over as long a time.
     */
    String beyondRest(Usage before, int n, Usage restStart, Usage restEnd) {
      double restPerNano =
          (double) (restEnd.hubCpuNanos - restStart.hubCpuNanos) / (restEnd.at - restStart.at);
      double beyond = (hubCpuNanos - before.hubCpuNanos) - restPerNano * (at - before.at);
      return "beyond the hub's CPU at rest: %.2f ms per change (the series took %.1f s)"
          .formatted(beyond / 1e6 / n, (at - before.at) / 1e9);
    }

    String minus(Usage before, int n) {
      double eds = edsBytes - before.edsBytes;
      return ("CPU %.2f ms hub, %.2f ms discoverers (all threads but the JIT's; their JIT"
                  + " compilers %.2f ms and %.2f ms); beside them %.2f ms"
                  + " the apiservers and etcds, %.2f ms Envoy, %.2f ms this benchmark (its writes and"
                  + " its polls of Envoy; all its threads); Envoy read %.0f B from xDS; hub sent %.0f B"
                  + " of EDS (%.1f assignments), %.0f B of other types")
              .formatted(
                  (hubCpuNanos - before.hubCpuNanos) / 1e6 / n,
                  (discovererCpuNanos - before.discovererCpuNanos) / 1e6 / n,
                  (hubJitNanos - before.hubJitNanos) / 1e6 / n,
                  (discovererJitNanos - before.discovererJitNanos) / 1e6 / n,
                  (kubeCpuNanos - before.kubeCpuNanos) / 1e6 / n,
                  (envoyCpuNanos - before.envoyCpuNanos) / 1e6 / n,
                  (benchCpuNanos - before.benchCpuNanos) / 1e6 / n,
                  (double) (envoyRx - before.envoyRx) / n,
                  eds / n,
                  (edsResources - before.edsResources) / n,
                  (allBytes - before.allBytes - eds) / n)
          + "; "
          + waits.minus(before.waits, n);
    }
  }

  /**
   * What the threads of each kind of process spent ready to run but waiting for a core (see {@link
   * ProcessCpu#waitNanos}), read before and after a series and summed over the threads: on a
   * machine whose cores every process shares, how long the threads ready to run waited their turn.
   * Not a part of a change's latency: many threads wait at once, for the load's changes too.
   */
  private record Waits(
      Map<Long, Long> hub,
      Map<Long, Long> discoverers,
      Map<Long, Long> kube,
      Map<Long, Long> envoy,
      Map<Long, Long> bench) {
    static Waits read(GantryProcesses gantry, Envoy envoy, List<Long> kube) {
      return new Waits(
          ProcessCpu.waitNanos(List.of(gantry.hub().pid())),
          ProcessCpu.waitNanos(
              gantry.discoverers().values().stream().map(JvmProcess::pid).toList()),
          ProcessCpu.waitNanos(kube),
          ProcessCpu.waitNanos(List.of(envoy.pid())),
          ProcessCpu.waitNanos(List.of(ProcessHandle.current().pid())));
    }

    String minus(Waits before, int n) {
      return ("threads waiting for a core, per change: %.2f ms hub, %.2f ms discoverers, %.2f ms"
              + " the apiservers and etcds, %.2f ms Envoy, %.2f ms this benchmark")
          .formatted(
              ProcessCpu.waitedSince(before.hub, hub) / 1e6 / n,
              ProcessCpu.waitedSince(before.discoverers, discoverers) / 1e6 / n,
              ProcessCpu.waitedSince(before.kube, kube) / 1e6 / n,
              ProcessCpu.waitedSince(before.envoy, envoy) / 1e6 / n,
              ProcessCpu.waitedSince(before.bench, bench) / 1e6 / n);
    }
  }

  /** The hub's full snapshot builds so far: how many, and their seconds in all. */
  private static double[] fullBuilds(JvmProcess hub) {
    PrometheusText metrics = hub.metrics();
    Map<String, String> full = Map.of("kind", "full");
    return new double[] {
      metrics.sum("gantry_xds_snapshot_build_duration_seconds_count", full),
      metrics.sum("gantry_xds_snapshot_build_duration_seconds_sum", full)
    };
  }

  /**
   * Waits until the hub and the discoverers are quiet (see {@link #QUIET_MS_PER_S}), at most {@code
   * atMost}; says how long that took. For tens of seconds after the hub's restart, and after the
   * first changes of a kind, their JIT compilers keep a core busy: a series measured meanwhile
   * shares the two cores with them. With {@code atMost} zero it does not wait.
   */
  private static String quiet(GantryProcesses gantry, Duration atMost) {
    if (atMost.isZero()) {
      return "no wait for quiet (--quiet 0)";
    }
    List<Long> pids = new ArrayList<>();
    pids.add(gantry.hub().pid());
    gantry.discoverers().values().forEach(d -> pids.add(d.pid()));
    long start = System.nanoTime();
    long deadline = start + atMost.toNanos();
    double rate;
    do {
      long cpu = ProcessCpu.nanos(pids);
      long at = System.nanoTime();
      LockSupport.parkNanos(QUIET_WINDOW.toNanos());
      rate = (ProcessCpu.nanos(pids) - cpu) / 1e6 / ((System.nanoTime() - at) / 1e9);
    } while (rate >= QUIET_MS_PER_S && System.nanoTime() < deadline);
    return "hub and discoverers %s after %.0f s (CPU %.0f ms/s over the last %d s, JIT included)"
        .formatted(
            rate < QUIET_MS_PER_S ? "quiet" : "still busy",
            (System.nanoTime() - start) / 1e9,
            rate,
            QUIET_WINDOW.toSeconds());
  }

  /**
   * Waits until the hub has acknowledged no change from the remotes for a second (at most 30 s):
   * every change made before is in Envoy or given up.
   */
  private static void settled(JvmProcess hub) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    double last = -1;
    while (System.nanoTime() < deadline) {
      double now = hub.metrics().sum("gantry_propagation_seconds_count", Map.of());
      if (now == last) {
        return;
      }
      last = now;
      LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
    }
  }

  /** The hub's own measure of remote change → Envoy ACK, over this mode's changes so far. */
  private static String propagationMeter(JvmProcess hub, String mode) {
    PrometheusText metrics = hub.metrics();
    Map<String, String> tag = Map.of("mode", mode);
    double count = metrics.sum("gantry_propagation_seconds_count", tag);
    if (count == 0) {
      return "n/a (not measured by this build)";
    }
    double totalMs = metrics.sum("gantry_propagation_seconds_sum", tag) * 1000;
    double maxMs = metrics.max("gantry_propagation_seconds_max", tag) * 1000;
    return "%.0f changes, mean %.0f ms, max %.0f ms".formatted(count, totalMs / count, maxMs);
  }

  /**
   * With native memory tracking on ({@code BENCH_JVM_EXTRA=-XX:NativeMemoryTracking=summary}),
   * prints where the process's memory goes: the tracker's summary, the heap's generations and its
   * threads by pool (names without their numbers), before the full collection that measures its
   * live heap.
   */
  private static void nativeMemory(JvmProcess process) {
    if (!System.getenv().getOrDefault("BENCH_JVM_EXTRA", "").contains("NativeMemoryTracking")) {
      return;
    }
    System.out.println("  " + process.name() + " native memory (MiB):");
    System.out.println(process.jcmd("VM.native_memory", "summary", "scale=MB").indent(4));
    System.out.println(process.jcmd("GC.heap_info").indent(4));
    Map<String, Integer> pools = new java.util.TreeMap<>();
    java.util.regex.Matcher thread =
        java.util.regex.Pattern.compile("(?m)^\"([^\"]*)\"").matcher(process.jcmd("Thread.print"));
    while (thread.find()) {
      pools.merge(thread.group(1).replaceAll("\\d+", "#"), 1, Integer::sum);
    }
    System.out.printf(
        "    %d threads: %s%n", pools.values().stream().mapToInt(i -> i).sum(), pools);
    // Loaded classes by package (its first four names), the largest first: metaspace's users.
    Map<String, Integer> packages = new java.util.HashMap<>();
    java.util.regex.Matcher loaded =
        java.util.regex.Pattern.compile("(?m)-([\\w.]+)\\.[\\w$]+/")
            .matcher(process.jcmd("VM.class_hierarchy"));
    while (loaded.find()) {
      String[] names = loaded.group(1).split("\\.");
      packages.merge(
          String.join(".", Arrays.copyOf(names, Math.min(4, names.length))), 1, Integer::sum);
    }
    System.out.println(
        "    classes by package: "
            + packages.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(20)
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList());
  }

  /**
   * A process's collections so far, from its own meters: young and full, each as a count and the
   * seconds they paused it. G1's remark and cleanup pauses are neither on Java 17.
   */
  private record Pauses(double young, double youngSeconds, double full, double fullSeconds) {
    static Pauses read(JvmProcess process) {
      PrometheusText metrics = process.metrics();
      Map<String, String> young = Map.of("action", "end of minor GC");
      Map<String, String> full = Map.of("action", "end of major GC");
      return new Pauses(
          metrics.sum("jvm_gc_pause_seconds_count", young),
          metrics.sum("jvm_gc_pause_seconds_sum", young),
          metrics.sum("jvm_gc_pause_seconds_count", full),
          metrics.sum("jvm_gc_pause_seconds_sum", full));
    }

    String total() {
      return "young %.0f (%.2f s), full %.0f (%.2f s)"
          .formatted(young, youngSeconds, full, fullSeconds);
    }

    /** The hub's collections since {@code before}: a series' tail may be one of them. */
    String since(Pauses before) {
      return "hub collections meanwhile: young %.0f (%.0f ms), full %.0f (%.0f ms)"
          .formatted(
              young - before.young,
              (youngSeconds - before.youngSeconds) * 1000,
              full - before.full,
              (fullSeconds - before.fullSeconds) * 1000);
    }
  }

  /** RSS now and at its peak, and the heap left after a full GC. */
  private static String memory(JvmProcess process) throws Exception {
    long pid = process.pid();
    return "%d / %d / %d MB"
        .formatted(mb(rss(pid)), mb(status(pid, "VmHWM")), mb(process.liveHeapBytes()));
  }

  private static long rss(long pid) throws Exception {
    return status(pid, "VmRSS");
  }

  private static long status(long pid, String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    throw new IllegalStateException("no " + field + " for pid " + pid);
  }

  private static long mb(long bytes) {
    return bytes >> 20;
  }

  private static String percentiles(long[] sorted) {
    return "p50 %s / p90 %s / p99 %s / max %s ms (n=%d)"
        .formatted(
            ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99), ms(sorted, 1.0), sorted.length);
  }

  private static String ms(long[] sorted, double q) {
    int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return String.format("%.0f", sorted[Math.max(0, i)] / 1e6);
  }

  private static String[] row(String measure, String value) {
    System.out.println("  " + measure + ": " + value);
    return new String[] {measure, value};
  }

  private static void note(String format, Object... args) {
    System.out.println("  " + format.formatted(args));
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /**
   * Polls {@code check} until it holds: every 200 ms, or less often at sizes where one check lists
   * tens of thousands of objects (the listing would load the apiserver it measures).
   */
  private void awaitTrue(Duration timeout, Check check) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = Duration.ofMillis(Math.max(200, (long) remotes * services / 25)).toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout);
      }
      LockSupport.parkNanos(pause);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
