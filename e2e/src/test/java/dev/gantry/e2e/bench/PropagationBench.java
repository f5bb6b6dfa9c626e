package dev.gantry.e2e.bench;

import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederatedEndpoint;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.e2e.LocalGantry;
import dev.gantry.hub.Hub;
import dev.gantry.testbed.ClusterProvider;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Testbed;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Benchmark (prints figures, asserts nothing): how long a change to a remote cluster's
 * EndpointSlice takes to reach Envoy through the whole system (remote apiserver, discoverer, hub
 * apiserver, aggregator, xDS server, Envoy), for an Envoy on state-of-the-world ADS and one on
 * Delta ADS. Each change replaces one data-only endpoint (198.18.0.0/15, never contacted); the
 * clock starts just before the remote EndpointSlice write and stops when Envoy's admin {@code
 * /clusters} lists the new address. Stamps on the way break the time down: the write returning, a
 * watch on the hub seeing the mirror, the aggregator's snapshot holding the address, the hub
 * sending an EDS response. Run with {@code scripts/bench-propagation [N]}.
 */
public final class PropagationBench {

  private static final int WINDOW = 10;
  private static final int WARMUP = 20;
  private static final ServiceName KUARD = ServiceName.of(LocalGantry.NAMESPACE, "kuard");

  /** Stamps of one change, {@link System#nanoTime()}; 0 where a stamp was missed. */
  private enum Stamp {
    START,
    WRITTEN,
    HUB_MIRROR,
    AGGREGATED,
    EDS_SENT,
    IN_ENVOY
  }

  private PropagationBench() {}

  public static void main(String[] args) throws Exception {
    int changes = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    long holdoffMs = Long.getLong("bench.holdoffMs", 10);
    System.out.printf(
        "propagation benchmark: %d endpoint changes per mode after %d warm-up, hub holdoff %d ms,"
            + " %d cores, load average %s%n",
        changes, WARMUP, holdoffMs, Runtime.getRuntime().availableProcessors(), loadAverage());
    try (Testbed testbed =
            Testbed.start(
                new ClusterProvider.LocalBinaryProvider(), List.of("east", "west", "hub"));
        LocalGantry gantry =
            LocalGantry.start(
                testbed, "hub", List.of("east", "west"), Duration.ofMillis(holdoffMs))) {
      List<String> addresses = new ArrayList<>(List.of("198.18.0.1"));
      gantry.objects().publishAddresses("east", "kuard", "http", 8080, addresses);
      gantry.objects().publishAddresses("west", "kuard", "http", 8080, List.of("198.19.0.1"));
      gantry.objects().applyProxy("kuard", "kuard.gantry.test", "kuard");
      Map<String, Long> seenInHub = new ConcurrentHashMap<>();
      List<String[]> rows = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      try (Watch watch = watchHubMirror(gantry, seenInHub);
          Probe probe = new Probe(gantry.hub())) {
        int next = 2;
        for (String mode : List.of("GRPC", "DELTA_GRPC")) {
          String label = mode.equals("GRPC") ? "SotW" : "Delta";
          Envoy envoy = gantry.startEnvoy("envoy-" + mode.toLowerCase(), mode);
          awaitEnvoyHas(envoy, addresses.get(addresses.size() - 1), 30_000);
          for (int i = 0; i < WARMUP; i++) { // JIT, connections; not recorded
            change(gantry, envoy, probe, seenInHub, addresses, next++);
          }
          Meters before = Meters.read(gantry);
          long[][] stamps = new long[changes][];
          for (int i = 0; i < changes; i++) {
            stamps[i] = change(gantry, envoy, probe, seenInHub, addresses, next++);
          }
          Meters after = Meters.read(gantry);
          rows.add(
              row(label, "total: remote write -> in Envoy", stamps, Stamp.START, Stamp.IN_ENVOY));
          rows.add(row("", "1 remote apiserver write", stamps, Stamp.START, Stamp.WRITTEN));
          rows.add(
              row("", "2 -> hub mirror seen by a watch", stamps, Stamp.WRITTEN, Stamp.HUB_MIRROR));
          rows.add(row("", "3 -> aggregator snapshot", stamps, Stamp.HUB_MIRROR, Stamp.AGGREGATED));
          rows.add(row("", "4 -> EDS response sent", stamps, Stamp.AGGREGATED, Stamp.EDS_SENT));
          rows.add(row("", "5 -> Envoy admin lists it", stamps, Stamp.EDS_SENT, Stamp.IN_ENVOY));
          notes.add(
              label + ": " + after.since(before, changes) + "; load average " + loadAverage());
          gantry.stopEnvoy(envoy);
        }
      }
      System.out.println();
      System.out.println("| ADS | stage | changes | mean ms | p50 ms | p90 ms | p99 ms | max ms |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      rows.forEach(r -> System.out.println("| " + String.join(" | ", r) + " |"));
      System.out.println();
      System.out.println(
          "Stages are consecutive (means add up to the total; percentiles do not). Stage 2 is the"
              + " discoverer's watch, reconcile and hub write plus the hub apiserver's watch"
              + " delivery; stage 3 the aggregator's informer and rebuild (it can be negative"
              + " when the aggregator's informer hears before the bench's watch); stage 4 the xDS"
              + " publisher's holdoff and build and the server's send; stage 5 Envoy applying it"
              + " plus the admin poll (about 1 ms).");
      notes.forEach(System.out::println);
    }
  }

  /**
   * Replaces the oldest of east's endpoints with address number {@code n} (the slice keeps {@link
   * #WINDOW} endpoints, so every change is the same size), waits until Envoy lists it and returns
   * the change's stamps, indexed by {@link Stamp#ordinal()}.
   */
  private static long[] change(
      LocalGantry gantry,
      Envoy envoy,
      Probe probe,
      Map<String, Long> seenInHub,
      List<String> addresses,
      int n)
      throws Exception {
    String address = "198.18." + (n / 250) + "." + (n % 250 + 1);
    addresses.add(address);
    if (addresses.size() > WINDOW) {
      addresses.remove(0);
    }
    long[] stamps = new long[Stamp.values().length];
    Probe.Expected expected = probe.expect(address);
    stamps[Stamp.START.ordinal()] = System.nanoTime();
    gantry.objects().publishEndpointSlice("east", "kuard", "http", 8080, addresses);
    stamps[Stamp.WRITTEN.ordinal()] = System.nanoTime();
    awaitEnvoyHas(envoy, address, 30_000);
    stamps[Stamp.IN_ENVOY.ordinal()] = System.nanoTime();
    stamps[Stamp.HUB_MIRROR.ordinal()] = seenInHub.getOrDefault(address, 0L);
    stamps[Stamp.AGGREGATED.ordinal()] = expected.aggregated;
    stamps[Stamp.EDS_SENT.ordinal()] = expected.edsSent;
    return stamps;
  }

  private static void awaitEnvoyHas(Envoy envoy, String address, long timeoutMs) throws Exception {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    String needle = "::" + address + ":8080::cx_active";
    while (!envoy.admin("/clusters?filter=demo/kuard").contains(needle)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Envoy did not get " + address + " in " + timeoutMs + " ms");
      }
      Thread.sleep(1);
    }
  }

  private static Watch watchHubMirror(LocalGantry gantry, Map<String, Long> seen) {
    return gantry
        .hubClient()
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(LocalGantry.NAMESPACE)
        .withLabel("kubernetes.io/service-name", "east-kuard")
        .watch(
            new Watcher<>() {
              @Override
              public void eventReceived(Action action, EndpointSlice slice) {
                long now = System.nanoTime();
                if (slice.getEndpoints() != null) {
                  for (Endpoint e : slice.getEndpoints()) {
                    for (String a : e.getAddresses()) {
                      seen.putIfAbsent(a, now);
                    }
                  }
                }
              }

              @Override
              public void onClose(WatcherException cause) {}
            });
  }

  /**
   * Watches the hub process from inside, every 0.2 ms, for the one address a change waits for: when
   * the aggregator's snapshot first holds it, then when the xDS server first sends an EDS response
   * after that (the push counter grows past its count when the change was expected).
   */
  private static final class Probe implements AutoCloseable {
    /** One change's expectation; the probe stamps only the one it read, never a later one. */
    static final class Expected {
      final String address;
      final double pushesBefore;
      volatile long aggregated;
      volatile long edsSent;

      Expected(String address, double pushesBefore) {
        this.address = address;
        this.pushesBefore = pushesBefore;
      }
    }

    private final Hub hub;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Expected expected;

    Probe(Hub hub) {
      this.hub = hub;
      this.thread = new Thread(this::run, "bench-probe");
      thread.setDaemon(true);
      thread.start();
    }

    Expected expect(String address) {
      Expected e = new Expected(address, edsPushes());
      expected = e;
      return e;
    }

    private void run() {
      while (running) {
        Expected e = expected;
        if (e != null) {
          if (e.aggregated == 0 && aggregatorHas(e.address)) {
            e.aggregated = System.nanoTime();
          }
          if (e.aggregated != 0 && e.edsSent == 0 && edsPushes() > e.pushesBefore) {
            e.edsSent = System.nanoTime();
          }
        }
        LockSupport.parkNanos(200_000);
      }
    }

    private boolean aggregatorHas(String address) {
      FederatedService kuard = hub.federation().federated().get(KUARD);
      ClusterEndpoints east = kuard == null ? null : kuard.clusters().get("east");
      if (east == null) {
        return false;
      }
      for (FederatedEndpoint e : east.endpoints()) {
        if (e.address().equals(address)) {
          return true;
        }
      }
      return false;
    }

    private double edsPushes() {
      return hub
          .metrics()
          .registry()
          .find("gantry.xds.pushes")
          .tag("type", "ClusterLoadAssignment")
          .counters()
          .stream()
          .mapToDouble(c -> c.count())
          .sum();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join();
    }
  }

  /** The in-process timers that time parts of the stages, read before and after a series. */
  private record Meters(Sum discoverer, Sum reconcile, Sum endpointBuilds, Sum fullBuilds) {
    static Meters read(LocalGantry gantry) {
      MeterRegistry east = gantry.discoverer("east").metrics().registry();
      MeterRegistry hub = gantry.hub().metrics().registry();
      return new Meters(
          Sum.of(east.find("gantry.discoverer.propagation").timers()),
          Sum.of(east.find("gantry.discoverer.reconcile.duration").timers()),
          Sum.of(hub.find("gantry.xds.snapshot.build.duration").tag("kind", "endpoints").timers()),
          Sum.of(hub.find("gantry.xds.snapshot.build.duration").tag("kind", "full").timers()));
    }

    String since(Meters before, int changes) {
      return String.format(
          "%d changes; discoverer east: remote event -> mirror written %s, of which reconcile %s;"
              + " hub snapshot builds: endpoints-only %s, full %s",
          changes,
          discoverer.minus(before.discoverer),
          reconcile.minus(before.reconcile),
          endpointBuilds.minus(before.endpointBuilds),
          fullBuilds.minus(before.fullBuilds));
    }
  }

  private record Sum(long count, double nanos) {
    static Sum of(Collection<Timer> timers) {
      return new Sum(
          timers.stream().mapToLong(Timer::count).sum(),
          timers.stream().mapToDouble(t -> t.totalTime(TimeUnit.NANOSECONDS)).sum());
    }

    String minus(Sum before) {
      long n = count - before.count;
      return n == 0
          ? "none"
          : String.format("%d × mean %.2f ms", n, (nanos - before.nanos) / n / 1e6);
    }
  }

  private static String[] row(String mode, String stage, long[][] stamps, Stamp from, Stamp to) {
    long[] nanos =
        Arrays.stream(stamps)
            .filter(s -> s[from.ordinal()] != 0 && s[to.ordinal()] != 0)
            .mapToLong(s -> s[to.ordinal()] - s[from.ordinal()])
            .sorted()
            .toArray();
    return new String[] {
      mode,
      stage,
      String.valueOf(nanos.length),
      fmt((long) Arrays.stream(nanos).average().orElse(0)),
      fmt(percentile(nanos, 50)),
      fmt(percentile(nanos, 90)),
      fmt(percentile(nanos, 99)),
      fmt(nanos.length == 0 ? 0 : nanos[nanos.length - 1])
    };
  }

  private static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static String fmt(long nanos) {
    return String.format("%.1f", nanos / 1e6);
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return String.join(" ", fields[0], fields[1], fields[2]);
    } catch (IOException e) {
      return "unknown";
    }
  }
}
