package dev.gantry.e2e.bench;

import dev.gantry.e2e.LocalGantry;
import dev.gantry.testbed.ClusterProvider;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Testbed;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Benchmark (prints figures, asserts nothing): how long a change to a remote cluster's
 * EndpointSlice takes to reach Envoy through the whole system (remote apiserver, discoverer, hub
 * apiserver, aggregator, xDS server, Envoy), for an Envoy on state-of-the-world ADS and one on
 * Delta ADS. Each change adds one data-only endpoint (198.18.0.0/15, never contacted); the clock
 * starts just before the remote write and stops when Envoy's admin {@code /clusters} lists the new
 * address. The hub hop (remote write until the hub's mirrored EndpointSlice holds the address) is
 * timed by a watch on the hub. Run with {@code scripts/bench-propagation [N]}.
 */
public final class PropagationBench {

  private static final int WINDOW = 10;

  private PropagationBench() {}

  public static void main(String[] args) throws Exception {
    int changes = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    long holdoffMs = Long.getLong("bench.holdoffMs", 10);
    System.out.printf(
        "propagation benchmark: %d endpoint changes per mode, hub holdoff %d ms%n",
        changes, holdoffMs);
    try (Testbed testbed =
            Testbed.start(
                new ClusterProvider.LocalBinaryProvider(), List.of("east", "west", "hub"));
        LocalGantry gantry =
            LocalGantry.start(
                testbed, "hub", List.of("east", "west"), Duration.ofMillis(holdoffMs))) {
      List<String> addresses = new ArrayList<>(List.of("198.18.0.1"));
      gantry.publishAddresses("east", "kuard", "http", 8080, addresses);
      gantry.publishAddresses("west", "kuard", "http", 8080, List.of("198.19.0.1"));
      gantry.applyProxy(
          """
          apiVersion: projectcontour.io/v1
          kind: HTTPProxy
          metadata: {name: kuard, namespace: demo}
          spec:
            ingressClassName: gantry
            virtualhost: {fqdn: kuard.gantry.test}
            routes:
            - conditions: [{prefix: /}]
              services: [{name: kuard, port: 80}]
          """);
      Map<String, Long> seenInHub = new ConcurrentHashMap<>();
      try (Watch watch = watchHubMirror(gantry, seenInHub)) {
        List<String[]> rows = new ArrayList<>();
        int next = 2;
        for (String mode : List.of("GRPC", "DELTA_GRPC")) {
          Envoy envoy = gantry.startEnvoy("envoy-" + mode.toLowerCase(), mode);
          awaitEnvoyHas(envoy, addresses.get(addresses.size() - 1), 30_000);
          // Warm up (JIT, connections) without recording.
          for (int i = 0; i < 20; i++) {
            change(gantry, envoy, addresses, next++);
          }
          long[] total = new long[changes];
          long[] hubHop = new long[changes];
          for (int i = 0; i < changes; i++) {
            long start = System.nanoTime();
            String address = change(gantry, envoy, addresses, next++);
            total[i] = System.nanoTime() - start;
            Long hub = seenInHub.get(address);
            hubHop[i] = hub == null ? -1 : hub - start;
          }
          rows.add(row(mode.equals("GRPC") ? "SotW" : "Delta", "remote -> Envoy", total));
          rows.add(row("", "remote -> hub mirror", hubHop));
          gantry.stopEnvoy(envoy);
        }
        System.out.println();
        System.out.println("| ADS | hop | changes | p50 ms | p90 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|---|---|");
        rows.forEach(r -> System.out.println("| " + String.join(" | ", r) + " |"));
        System.out.printf(
            "%nhub snapshot builds: %s%n",
            gantry
                .hub()
                .metrics()
                .scrape()
                .lines()
                .filter(l -> l.startsWith("gantry_xds_snapshot_build_duration_seconds_count"))
                .toList());
      }
    }
  }

  /**
   * Replaces the oldest of east's endpoints with address number {@code n} (the slice keeps {@link
   * #WINDOW} endpoints, so every change is the same size) and waits until Envoy lists it.
   */
  private static String change(LocalGantry gantry, Envoy envoy, List<String> addresses, int n)
      throws Exception {
    String address = "198.18." + (n / 250) + "." + (n % 250 + 1);
    addresses.add(address);
    if (addresses.size() > WINDOW) {
      addresses.remove(0);
    }
    gantry.publishAddresses("east", "kuard", "http", 8080, addresses);
    awaitEnvoyHas(envoy, address, 30_000);
    return address;
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

  private static String[] row(String mode, String hop, long[] nanos) {
    long[] ms = Arrays.stream(nanos).filter(n -> n >= 0).sorted().toArray();
    return new String[] {
      mode,
      hop,
      String.valueOf(ms.length),
      fmt(percentile(ms, 50)),
      fmt(percentile(ms, 90)),
      fmt(percentile(ms, 99)),
      fmt(ms.length == 0 ? 0 : ms[ms.length - 1])
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
}
