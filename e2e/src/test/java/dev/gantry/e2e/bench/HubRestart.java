package dev.gantry.e2e.bench;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.e2e.GantryProcesses;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hub restarted over a full hub apiserver with every HTTPProxy's status cleared, timed until it
 * is ready and until every proxy is {@code valid}. Statuses are followed with a watch, not by
 * listing the proxies again and again: a list of a thousand proxies five times a second would load
 * the apiserver the hub writes to while it writes. The hub's log gives the steps in between.
 */
final class HubRestart implements AutoCloseable {
  /** One restart: seconds from the process start to ready and to all valid, and the steps. */
  record Times(double ready, double allValid, String steps) {}

  // The hub's INFO lines that mark its start, and what the breakdown calls them.
  private static final Map<String, String> STEPS =
      Map.of(
          "first federation snapshot", "federation",
          "first complete xDS snapshot", "first build",
          "HTTPProxy statuses in", "statuses written");
  private static final List<String> ORDER =
      List.of("first federation snapshot", "first complete xDS snapshot", "HTTPProxy statuses in");

  private final KubernetesClient hub;
  private final String namespace;
  private final int proxies;
  private final SharedIndexInformer<HTTPProxy> informer;
  private final Set<String> valid = ConcurrentHashMap.newKeySet();
  private final AtomicLong allValidAt = new AtomicLong();

  private final List<Long> apiserver;

  /**
   * @param apiserver the processes of the hub apiserver (its etcd too), whose CPU over the start is
   *     printed with the hub's
   */
  HubRestart(KubernetesClient hub, List<Long> apiserver, String namespace, int proxies) {
    this.hub = hub;
    this.apiserver = List.copyOf(apiserver);
    this.namespace = namespace;
    this.proxies = proxies;
    this.informer = hub.resources(HTTPProxy.class).inNamespace(namespace).runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(HTTPProxy p) {
            seen(p);
          }

          @Override
          public void onUpdate(HTTPProxy before, HTTPProxy after) {
            seen(after);
          }

          @Override
          public void onDelete(HTTPProxy p, boolean unknown) {
            valid.remove(p.getMetadata().getName());
          }
        });
    informer.run();
  }

  private void seen(HTTPProxy p) {
    String name = p.getMetadata().getName();
    if (p.getStatus() != null && "valid".equals(p.getStatus().getCurrentStatus())) {
      if (valid.add(name) && valid.size() >= proxies) {
        allValidAt.compareAndSet(0, System.nanoTime());
      }
    } else {
      valid.remove(name);
    }
  }

  /** Stops the hub, clears every status, starts the hub and waits until every proxy is valid. */
  Times run(GantryProcesses gantry, Duration timeout) throws Exception {
    gantry.stopHub();
    clearStatuses();
    await(() -> valid.isEmpty(), timeout);
    allValidAt.set(0);
    Instant wallStart = Instant.now();
    long start = System.nanoTime();
    long logFrom = size(gantry.hub().logFile());
    long apiserverCpu = cpuMillis(apiserver);
    gantry.startHub();
    double ready = (System.nanoTime() - start) / 1e9;
    await(() -> allValidAt.get() != 0, timeout);
    double allValid = (allValidAt.get() - start) / 1e9;
    long hubCpu = cpuMillis(List.of(gantry.hub().pid()));
    String cpu =
        "CPU until all valid: hub %.1f s (the JIT's %.1f s), hub apiserver and etcd %.1f s"
            .formatted(
                hubCpu / 1000.0,
                gantry.hub().cpu().jitNanos() / 1e9,
                (cpuMillis(apiserver) - apiserverCpu) / 1000.0);
    return new Times(
        ready, allValid, steps(gantry.hub().logFile(), logFrom, wallStart) + "; " + cpu);
  }

  /** Every proxy's status emptied, so a hub started next must write them all. */
  private void clearStatuses() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (HTTPProxy p : hub.resources(HTTPProxy.class).inNamespace(namespace).list().getItems()) {
        p.setStatus(null);
        work.add(
            pool.submit(
                () ->
                    hub.resources(HTTPProxy.class)
                        .inNamespace(namespace)
                        .resource(p)
                        .updateStatus()));
      }
      for (Future<?> f : work) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Seconds from the start to each step the hub logged, e.g. "federation 5.1 s, ...". */
  private static String steps(Path log, long from, Instant start) {
    List<String> lines;
    try {
      byte[] all = Files.readAllBytes(log);
      lines =
          new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from))
              .lines()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> out = new ArrayList<>();
    for (String marker : ORDER) {
      for (String line : lines) {
        if (line.contains(marker)) {
          Instant at = Instant.parse(line.substring(0, line.indexOf(' ')));
          String detail = line.replaceAll(".* (built in \\d+ ms|in \\d+ ms).*", "$1");
          out.add(
              "%s %.1f s%s"
                  .formatted(
                      STEPS.get(marker),
                      Duration.between(start, at).toMillis() / 1000.0,
                      detail.equals(line) ? "" : " (" + detail + ")"));
          break;
        }
      }
    }
    return String.join(", ", out);
  }

  /** CPU time the processes have used, every thread of theirs (the JIT's too), in ms. */
  private static long cpuMillis(List<Long> pids) {
    return ProcessCpu.nanos(pids) / 1_000_000;
  }

  private static long size(Path file) throws IOException {
    return Files.exists(file) ? Files.size(file) : 0;
  }

  private static void await(java.util.function.BooleanSupplier done, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout);
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
