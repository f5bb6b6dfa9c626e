package dev.gantry.e2e;

import dev.gantry.testbed.ClusterProvider;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Testbed;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The README's demo: two remote clusters (east, west) with sample backends, a hub, a discoverer per
 * remote, the hub process and an Envoy over ADS, all local. The federated service is routed by an
 * HTTPProxy and by a Gateway API HTTPRoute to its ServiceImport. Prints which cluster answered each
 * of a few requests through Envoy, by each route, and how to look at every part, then waits for
 * Ctrl-C. With {@code --once} it stops right after printing.
 */
public final class Demo {
  private static final String HOST = "kuard.gantry.test";
  private static final String GATEWAY_HOST = "kuard.gateway.gantry.test";
  private static final Set<String> ALL_BACKENDS = Set.of("east-1", "east-2", "west-1");

  private Demo() {}

  public static void main(String[] args) throws Exception {
    // Requests name the virtual host in the Host header, which the JDK client refuses otherwise.
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    boolean once = List.of(args).contains("--once");
    long started = System.nanoTime();
    PrintStream out = System.out;
    Testbed testbed =
        Testbed.start(new ClusterProvider.LocalBinaryProvider(), List.of("east", "west", "hub"));
    LocalGantry gantry;
    try {
      gantry = LocalGantry.start(testbed, "hub", List.of("east", "west"));
    } catch (RuntimeException e) {
      testbed.close();
      throw e;
    }
    AtomicBoolean stoppedOnce = new AtomicBoolean();
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable stop =
        () -> {
          if (stoppedOnce.compareAndSet(false, true)) {
            gantry.close();
            testbed.close();
            out.println("demo stopped: all processes ended");
            stopped.countDown();
          }
        };
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "demo-stop"));

    int failed = 0;
    try {
      Envoy envoy = setUp(gantry);
      out.printf(
          "Gantry demo up in %.1f s (provider: %s, files in %s)%n%n",
          (System.nanoTime() - started) / 1e9, testbed.provider(), testbed.directory());
      for (KubeCluster cluster : testbed.clusters()) {
        out.printf(
            "  %-6s %-7s %s%n",
            cluster.name(),
            cluster.name().equals("hub") ? "hub" : "remote",
            cluster.apiServerUrl());
      }
      KubeCluster hub = testbed.cluster("hub");
      out.printf(
          "%n  look at the hub:%n    kubectl --kubeconfig %s get remoteclusters,serviceimports"
              + ",httpproxies,services -A%n    kubectl --kubeconfig %s get"
              + " gatewayclasses,gateways,httproutes -A%n",
          hub.adminKubeconfigFile(), hub.adminKubeconfigFile());
      out.printf(
          "%n  Envoy   http://127.0.0.1:%d/  (admin http://127.0.0.1:%d/), xDS from the hub on"
              + " 127.0.0.1:%d%n",
          gantry.httpPort(), envoy.adminPort(), gantry.hub().xdsPort());
      out.printf(
          "%n  HTTPProxy demo/kuard: %s -> federated service demo/kuard (east-1, east-2 in east;"
              + " west-1 in west)%n    curl -H 'Host: %s' http://127.0.0.1:%d/%n%n",
          HOST, HOST, gantry.httpPort());
      failed += requests(out, gantry, HOST);
      out.printf(
          "  HTTPRoute demo/kuard (Gateway demo/gantry, class %s): %s -> ServiceImport demo/kuard"
              + " (the same federated service)%n    curl -H 'Host: %s' http://127.0.0.1:%d/%n%n",
          ClusterObjects.GATEWAY_CLASS, GATEWAY_HOST, GATEWAY_HOST, gantry.httpPort());
      failed += requests(out, gantry, GATEWAY_HOST);
    } catch (RuntimeException e) {
      out.println("demo failed: " + e.getMessage());
      stop.run();
      System.exit(1);
    }
    if (once) {
      stop.run();
      System.exit(failed == 0 ? 0 : 1);
    }
    out.println("Press Ctrl-C to stop.");
    stopped.await();
  }

  /** Six requests to {@code host} through Envoy, each answer printed; returns how many failed. */
  private static int requests(PrintStream out, LocalGantry gantry, String host) throws Exception {
    int failed = 0;
    Map<String, Integer> byCluster = new TreeMap<>();
    for (int i = 1; i <= 6; i++) {
      HttpResponse<String> r = gantry.get(host, "/");
      String backend = r.body();
      String cluster = r.statusCode() == 200 ? backend.substring(0, backend.indexOf('-')) : "-";
      if (r.statusCode() != 200) {
        failed++;
      }
      byCluster.merge(cluster, 1, Integer::sum);
      out.printf(
          "    request %d -> %d %s (cluster %s)%n", i, r.statusCode(), backend.strip(), cluster);
    }
    out.printf("    answered by cluster: %s%n%n", byCluster);
    return failed;
  }

  /**
   * Backends, Services and EndpointSlices in east and west, the HTTPProxy, the Gateway and its
   * HTTPRoute, and an Envoy.
   */
  private static Envoy setUp(LocalGantry gantry) {
    for (String backend : List.of("east-1", "east-2", "west-1")) {
      gantry.startBackend(backend);
    }
    gantry.objects().publishService("east", "kuard", List.of("east-1", "east-2"));
    gantry.objects().publishService("west", "kuard", List.of("west-1"));
    gantry.objects().applyProxy("kuard", HOST, "kuard");
    gantry.objects().applyGateway("kuard", GATEWAY_HOST, "kuard");
    Envoy envoy = gantry.startEnvoy("envoy", "DELTA_GRPC");
    // Wait until Envoy routes to every backend by both routes, so the printed requests show the
    // steady state.
    for (String host : List.of(HOST, GATEWAY_HOST)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      Map<String, Integer> seen;
      while (!(seen = gantry.tally(host, "/", 12)).keySet().equals(ALL_BACKENDS)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Envoy did not route "
                  + host
                  + " to all three backends within 60 s; last answers: "
                  + seen);
        }
        sleep(Duration.ofMillis(200));
      }
    }
    return envoy;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
