package dev.gantry.xds.bench;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.translate.XdsAssembler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Benchmark (prints figures, asserts nothing): one xDS snapshot build (compile HTTPProxies against
 * the federation, then assemble Envoy resources) for P HTTPProxies of 3 routes each, every route to
 * its own federated service of 2 clusters × 3 endpoints, so 3·P Envoy clusters. Times a build from
 * scratch, a rebuild after one endpoint changed (endpoint-only path) and a rebuild after one
 * HTTPProxy changed (by a fresh compiler, and by the hub's, which reuses the hosts of unchanged
 * roots). Run with {@code scripts/bench-xds [P]}.
 */
public final class SnapshotBuildBench {
  private static final int WARMUP = 10;
  private static final int RUNS = 50;

  private SnapshotBuildBench() {}

  public static void main(String[] args) {
    int proxyCount = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    List<HTTPProxy> proxies = new ArrayList<>();
    Map<ServiceName, FederatedService> federated = new HashMap<>();
    for (int p = 0; p < proxyCount; p++) {
      Fixtures.ProxyBuilder proxy = Fixtures.proxy("bench/proxy-" + p).fqdn("app-" + p + ".bench");
      String[] prefixes = {"/", "/api", "/static"};
      for (int r = 0; r < 3; r++) {
        String name = "svc-" + p + "-" + r;
        proxy.route(prefixes[r], name, 80, null);
        federated.put(ServiceName.of("bench", name), service(name, p, r, 0));
      }
      proxies.add(proxy.build());
    }
    FederationSnapshot snapshot = new FederationSnapshot(federated, Map.of());
    ProxyCompiler compiler = new ProxyCompiler("gantry");

    // Endpoint-only: the same proxies, one service's endpoints changed each time.
    XdsAssembler steady = new XdsAssembler("0.0.0.0", 8080, 8443);
    steady.assemble(compiler.compile(proxies, snapshot, Map.of()).table());
    int[] version = {0};
    Supplier<FederationSnapshot> oneEndpointChanged =
        () -> {
          Map<ServiceName, FederatedService> next = new HashMap<>(federated);
          next.put(ServiceName.of("bench", "svc-0-0"), service("svc-0-0", 0, 0, ++version[0]));
          return new FederationSnapshot(next, Map.of());
        };
    // Proxy changed: one route's prefix differs each time.
    int[] edit = {0};
    Supplier<List<HTTPProxy>> oneProxyChanged =
        () -> {
          List<HTTPProxy> next = new ArrayList<>(proxies);
          next.set(
              0,
              Fixtures.proxy("bench/proxy-0")
                  .fqdn("app-0.bench")
                  .route("/", "svc-0-0", 80, null)
                  .route("/api-" + (++edit[0]), "svc-0-1", 80, null)
                  .route("/static", "svc-0-2", 80, null)
                  .build());
          return next;
        };

    Runtime rt = Runtime.getRuntime();
    Timings full =
        time(
            () -> compiler.compile(proxies, snapshot, Map.of()).table(),
            table -> new XdsAssembler("0.0.0.0", 8080, 8443).assemble(table));
    Timings endpoints =
        time(
            () -> compiler.compile(proxies, oneEndpointChanged.get(), Map.of()).table(),
            steady::assemble);
    Timings proxyEdit =
        time(
            () -> compiler.compile(oneProxyChanged.get(), snapshot, Map.of()).table(),
            steady::assemble);
    // The hub's compiler: the hosts of the roots that did not change are reused.
    ProxyCompiler memoizing = compiler.memoizing();
    XdsAssembler memoized = new XdsAssembler("0.0.0.0", 8080, 8443);
    memoized.assemble(memoizing.compile(proxies, snapshot, Map.of()).table());
    Timings proxyEditMemo =
        time(
            () -> memoizing.compile(oneProxyChanged.get(), snapshot, Map.of()).table(),
            memoized::assemble);
    // What the hub does for a new Service and HTTPProxy: one proxy more, routing to one service
    // more, each run (memoizing compiler, the assembler of the runs before).
    List<HTTPProxy> growing = new ArrayList<>(proxies);
    FederationSnapshot[] current = {snapshot};
    int[] added = {0};
    Timings newProxyMemo =
        time(
            () -> {
              int k = ++added[0];
              String name = "new-" + k;
              // As the aggregator does: the last snapshot with one service more.
              current[0] =
                  current[0].with(
                      Map.of(ServiceName.of("bench", name), service(name, proxyCount + k, 0, 0)),
                      Map.of());
              growing.add(
                  Fixtures.proxy("bench/" + name)
                      .fqdn(name + ".bench")
                      .route("/", name, 80, null)
                      .build());
              return memoizing.compile(List.copyOf(growing), current[0], Map.of()).table();
            },
            memoized::assemble);
    System.gc();
    long heapMb = (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);

    int clusters =
        steady
            .assemble(compiler.compile(proxies, snapshot, Map.of()).table())
            .snapshot()
            .clusters()
            .resources()
            .size();
    System.out.printf(
        "snapshot build: %d HTTPProxies, %d routes, %d Envoy clusters, %d endpoints;"
            + " %d runs after %d warm-up; %d cores, load average %s%n%n",
        proxyCount,
        proxyCount * 3,
        clusters,
        clusters * 6,
        RUNS,
        WARMUP,
        rt.availableProcessors(),
        loadAverage());
    System.out.println(
        "| build | p50 ms | p99 ms | vs full (p50) | compile p50 ms | assemble p50 ms |");
    System.out.println("|---|---|---|---|---|---|");
    row("full, from scratch", full, full);
    row("one endpoint changed", endpoints, full);
    row("one HTTPProxy changed", proxyEdit, full);
    row("one HTTPProxy changed, hub's memoizing compiler", proxyEditMemo, full);
    row("a new HTTPProxy and its Service, hub's memoizing compiler", newProxyMemo, full);
    System.out.printf(
        "%nheap used after the runs (after GC): %d MiB; load average %s%n", heapMb, loadAverage());
  }

  private static FederatedService service(String name, int p, int r, int version) {
    String base = "10." + (p / 250) + "." + (p % 250) + ".";
    return Fixtures.service("bench/" + name)
        .port("http", 80)
        .cluster(
            "east",
            0,
            1,
            "http",
            base + (r * 10 + 1) + ":8080",
            base + (r * 10 + 2) + ":8080",
            base + (r * 10 + 3 + version % 5) + ":8080")
        .cluster(
            "west",
            0,
            1,
            "http",
            "1" + base + (r * 10 + 1) + ":8080",
            "1" + base + (r * 10 + 2) + ":8080",
            "1" + base + (r * 10 + 3) + ":8080")
        .build();
  }

  /** Sorted nanoseconds of each run: the whole build and its two steps. */
  private record Timings(long[] total, long[] compile, long[] assemble) {}

  /** Times compile (HTTPProxies + federation to a routing table), then assemble (Envoy types). */
  private static Timings time(Supplier<RoutingTable> compile, Consumer<RoutingTable> assemble) {
    for (int i = 0; i < WARMUP; i++) {
      assemble.accept(compile.get());
    }
    long[] total = new long[RUNS];
    long[] compiled = new long[RUNS];
    long[] assembled = new long[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      RoutingTable table = compile.get();
      long mid = System.nanoTime();
      assemble.accept(table);
      long end = System.nanoTime();
      total[i] = end - start;
      compiled[i] = mid - start;
      assembled[i] = end - mid;
    }
    Arrays.sort(total);
    Arrays.sort(compiled);
    Arrays.sort(assembled);
    return new Timings(total, compiled, assembled);
  }

  private static void row(String name, Timings t, Timings full) {
    System.out.printf(
        "| %s | %.1f | %.1f | %.2f | %.1f | %.1f |%n",
        name,
        p50(t.total()) / 1e6,
        t.total()[(int) Math.ceil(0.99 * RUNS) - 1] / 1e6,
        (double) p50(t.total()) / p50(full.total()),
        p50(t.compile()) / 1e6,
        p50(t.assemble()) / 1e6);
  }

  private static long p50(long[] sorted) {
    return sorted[sorted.length / 2];
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
