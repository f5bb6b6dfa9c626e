package dev.gantry.discoverer.bench;

import dev.gantry.discoverer.DiscovererProcess;
import dev.gantry.testbed.ClusterProvider;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Testbed;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark (prints figures, asserts nothing): the initial mirror of N Services, each with one
 * 10-endpoint EndpointSlice, from a real remote apiserver into a real hub apiserver by the real
 * discoverer process; then an unchanged restart. Run with {@code scripts/bench-discoverer}.
 */
public final class MirrorBench {
  private MirrorBench() {}

  public static void main(String[] args) throws Exception {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    String qps = System.getProperty("bench.hubQps", "500");
    String burst = System.getProperty("bench.hubBurst", "1000");
    String workers = System.getProperty("bench.workers", "8");
    try (Testbed testbed =
        Testbed.start(new ClusterProvider.LocalBinaryProvider(), List.of("remote", "hub"))) {
      KubeCluster remote = testbed.cluster("remote");
      KubeCluster hub = testbed.cluster("hub");
      String ns = "bench";
      for (KubeCluster c : List.of(remote, hub)) {
        c.client()
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      long t0 = System.nanoTime();
      populate(remote.client(), ns, services);
      System.out.printf(
          "remote populated: %d services + %d slices in %.1f s%n", services, services, secs(t0));

      Path dir = testbed.directory();
      List<String> flags =
          List.of(
              "--cluster-name=east",
              "--remote-kubeconfig=" + remote.adminKubeconfigFile(),
              "--hub-kubeconfig=" + hub.adminKubeconfigFile(),
              "--namespaces=" + ns,
              "--hub-qps=" + qps,
              "--hub-burst=" + burst,
              "--workers=" + workers);
      List<String> jvm = List.of("-Xmx512m");

      Result first = run(dir, "discoverer-initial", jvm, flags, hub.client(), ns, services * 2);
      Result second = run(dir, "discoverer-restart", jvm, flags, hub.client(), ns, services * 2);

      System.out.println();
      System.out.printf(
          "| measure (%d Services x 10 endpoints, --hub-qps %s --hub-burst %s --workers %s) | value |%n",
          services, qps, burst, workers);
      System.out.println("|---|---|");
      System.out.printf(
          "| initial mirror: objects written (Services + EndpointSlices) | %.0f |%n", first.writes);
      System.out.printf(
          "| initial mirror: seconds from process start to ready (all mirrored) | %.1f |%n",
          first.seconds);
      System.out.printf(
          "| initial mirror: objects/s, whole run (JVM start, lists, writes) | %.0f |%n",
          services * 2 / first.seconds);
      System.out.printf(
          "| initial mirror: objects/s while writing (first write to ready) | %.0f |%n",
          services * 2 / first.writeSeconds);
      System.out.printf(
          "| initial mirror: peak heap (MiB) / peak RSS (MiB) | %.0f / %.0f |%n",
          first.peakHeapMib, first.peakRssMib);
      System.out.printf("| unchanged restart: hub writes | %.0f |%n", second.writes);
      System.out.printf("| unchanged restart: seconds to ready | %.1f |%n", second.seconds);
    }
  }

  private record Result(
      double seconds, double writeSeconds, double writes, double peakHeapMib, double peakRssMib) {}

  private static Result run(
      Path dir,
      String name,
      List<String> jvm,
      List<String> flags,
      KubernetesClient hub,
      String ns,
      int expectedObjects)
      throws Exception {
    long start = System.nanoTime();
    try (DiscovererProcess p = DiscovererProcess.start(dir, name, jvm, flags)) {
      double peakHeap = 0;
      long firstWrite = 0;
      while (p.status("/readyz") != 200) {
        p.process().checkAlive();
        peakHeap = Math.max(peakHeap, heap(p));
        if (firstWrite == 0 && writes(p) > 0) {
          firstWrite = System.nanoTime();
        }
        Thread.sleep(50); // sampling the process from outside: nothing to wait on
      }
      double seconds = secs(start);
      peakHeap = Math.max(peakHeap, heap(p));
      int mirrored =
          hub.services()
                  .inNamespace(ns)
                  .withLabel("gantry.dev/cluster", "east")
                  .list()
                  .getItems()
                  .size()
              + hub.discovery()
                  .v1()
                  .endpointSlices()
                  .inNamespace(ns)
                  .withLabel("gantry.dev/cluster", "east")
                  .list()
                  .getItems()
                  .size();
      if (mirrored != expectedObjects) {
        throw new IllegalStateException(
            "expected " + expectedObjects + " mirrored objects, found " + mirrored);
      }
      double writes = writes(p);
      double writeSeconds = firstWrite == 0 ? 0 : secs(firstWrite);
      System.out.printf("%s: ready after %.1f s, %.0f hub writes%n", name, seconds, writes);
      return new Result(seconds, writeSeconds, writes, peakHeap, p.peakRssMib());
    }
  }

  private static double writes(DiscovererProcess p) {
    try {
      return p.metric("gantry_discoverer_hub_writes_total", "resource=\"service\"")
          + p.metric("gantry_discoverer_hub_writes_total", "resource=\"endpointslice\"")
          + p.metric("gantry_discoverer_hub_writes_total", "resource=\"namespace\"");
    } catch (Exception e) {
      return 0; // not listening yet
    }
  }

  private static double heap(DiscovererProcess p) {
    try {
      return p.metric("jvm_memory_used_bytes", "area=\"heap\"") / (1024 * 1024);
    } catch (Exception e) {
      return 0; // not listening yet
    }
  }

  private static void populate(KubernetesClient client, String ns, int services) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      int n = i;
      done.add(
          pool.submit(
              () -> {
                String name = "svc-" + n;
                client
                    .resource(
                        new ServiceBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .withNamespace(ns)
                            .endMetadata()
                            .withNewSpec()
                            .addNewPort()
                            .withName("http")
                            .withPort(80)
                            .withProtocol("TCP")
                            .endPort()
                            .endSpec()
                            .build())
                    .create();
                EndpointSliceBuilder slice =
                    new EndpointSliceBuilder()
                        .withNewMetadata()
                        .withName(name + "-abcde")
                        .withNamespace(ns)
                        .addToLabels("kubernetes.io/service-name", name)
                        .endMetadata()
                        .withAddressType("IPv4")
                        .addNewPort()
                        .withName("http")
                        .withPort(8080)
                        .withProtocol("TCP")
                        .endPort();
                for (int e = 1; e <= 10; e++) {
                  // 198.18.0.0/15: benchmark addresses, never contacted.
                  slice
                      .addNewEndpoint()
                      .withAddresses("198.18." + (n % 250) + "." + (e + 10 * (n / 250)))
                      .withNewConditions()
                      .withReady(true)
                      .endConditions()
                      .endEndpoint();
                }
                client.resource(slice.build()).create();
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
  }

  private static double secs(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
