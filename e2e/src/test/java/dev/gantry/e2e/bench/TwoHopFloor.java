package dev.gantry.e2e.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The floor under a change's path, measured beside it: the same two apiserver hops with nothing of
 * Gantry's in between. The benchmark updates an object in a remote apiserver (a PUT, as its
 * endpoint changes are written); a watch of the benchmark's own sees it and updates a copy in the
 * hub apiserver (an update, as a discoverer writes its mirrors); a second watch on the hub sees
 * that update, and the time from the first write to that is one sample. ConfigMaps in a namespace
 * of their own, which no Gantry process watches, each holding as many addresses as a service's
 * slice.
 *
 * <p>A change through Gantry cannot be faster than this on the same machine at the same moment:
 * what Gantry adds is its total less this floor.
 */
final class TwoHopFloor implements AutoCloseable {
  private static final String NAMESPACE = "bench-floor";
  private static final String NAME = "floor";

  private final KubernetesClient remote;
  private final KubernetesClient hub;
  private final int addresses;
  private final Watch relay;
  private final Watch arrivals;

  // The sample on its way: its token and when its copy was seen, together so that a late event of
  // an earlier sample never completes a later one.
  private record Pending(long token, CompletableFuture<Long> arrival) {}

  private final AtomicReference<Pending> pending = new AtomicReference<>(new Pending(-1, null));
  // Why a watch ended for good, if one did: every sample after it would wait its full time.
  private volatile WatcherException closed;
  private long token;

  // The benchmark's last write in the remote: the next update carries its resourceVersion.
  private String remoteVersion;

  // The relay's last write in the hub: its next update carries that resourceVersion.
  private ConfigMap hubCopy;

  TwoHopFloor(KubernetesClient remote, KubernetesClient hub, int addresses) {
    this.remote = remote;
    this.hub = hub;
    this.addresses = addresses;
    ScaleBench.namespace(remote, NAMESPACE);
    ScaleBench.namespace(hub, NAMESPACE);
    remoteVersion =
        remote
            .configMaps()
            .inNamespace(NAMESPACE)
            .resource(configMap(0))
            .serverSideApply()
            .getMetadata()
            .getResourceVersion();
    hubCopy = hub.configMaps().inNamespace(NAMESPACE).resource(configMap(0)).serverSideApply();
    arrivals =
        hub.configMaps()
            .inNamespace(NAMESPACE)
            .withName(NAME)
            .watch(
                new Events() {
                  @Override
                  void seen(ConfigMap copy) {
                    long at = System.nanoTime();
                    Pending p = pending.get();
                    if (tokenOf(copy) == p.token()) {
                      p.arrival().complete(at);
                    }
                  }
                });
    relay =
        remote
            .configMaps()
            .inNamespace(NAMESPACE)
            .withName(NAME)
            .watch(
                new Events() {
                  @Override
                  void seen(ConfigMap original) {
                    if (tokenOf(original) <= tokenOf(hubCopy)) {
                      return; // relayed already (a watch's first event is the object as it is)
                    }
                    // A blocking write in the watch's callback, on purpose: the floor is the least
                    // a relay can do, one event and one write at a time.
                    ConfigMap next =
                        new ConfigMapBuilder(hubCopy).withData(original.getData()).build();
                    try {
                      hubCopy = hub.configMaps().inNamespace(NAMESPACE).resource(next).update();
                    } catch (RuntimeException e) {
                      // The sample then waits out its time and says so; the copy is read again.
                      System.out.println("  floor: the relay's write failed: " + e.getMessage());
                      hubCopy = hub.configMaps().inNamespace(NAMESPACE).withName(NAME).get();
                    }
                  }
                });
  }

  /** {@code n} samples, nanoseconds each, sorted. */
  long[] series(int n) throws Exception {
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      nanos[i] = once();
    }
    Arrays.sort(nanos);
    return nanos;
  }

  private long once() throws Exception {
    if (closed != null) {
      throw new IllegalStateException("the floor's watch ended: " + closed.getMessage(), closed);
    }
    long t = ++token;
    CompletableFuture<Long> arrival = new CompletableFuture<>();
    pending.set(new Pending(t, arrival));
    long start = System.nanoTime();
    ConfigMap next = configMap(t);
    next.getMetadata().setResourceVersion(remoteVersion);
    remoteVersion =
        remote
            .configMaps()
            .inNamespace(NAMESPACE)
            .resource(next)
            .update()
            .getMetadata()
            .getResourceVersion();
    try {
      return arrival.get(60, TimeUnit.SECONDS) - start;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the floor's watch ended", e.getCause());
    } catch (TimeoutException e) {
      // Counted at 60 s (the series' maximum says so) rather than ending the run.
      System.out.println("  floor: change " + t + " did not arrive within 60 s");
      return System.nanoTime() - start;
    }
  }

  private ConfigMap configMap(long t) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("token", Long.toString(t));
    for (int a = 0; a < addresses; a++) {
      // As many distinct addresses as a slice holds, changing each time as a slice's do.
      data.put("address-" + a, "100.64." + (t % 250) + "." + (a + 1));
    }
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withNamespace(NAMESPACE)
        .endMetadata()
        .withData(data)
        .build();
  }

  private static long tokenOf(ConfigMap m) {
    return Long.parseLong(m.getData().getOrDefault("token", "-1"));
  }

  @Override
  public void close() {
    relay.close();
    arrivals.close();
    // The namespace's deletion is not waited for: its finalizer needs a controller manager.
    for (KubernetesClient c : List.of(remote, hub)) {
      c.namespaces().withName(NAMESPACE).delete();
    }
  }

  /**
   * A watcher of added and modified objects; a watch ended for good fails the sample on its way.
   */
  private abstract class Events implements Watcher<ConfigMap> {
    abstract void seen(ConfigMap object);

    @Override
    public void eventReceived(Action action, ConfigMap object) {
      if (action == Action.ADDED || action == Action.MODIFIED) {
        seen(object);
      }
    }

    @Override
    public void onClose(WatcherException cause) {
      closed = cause;
      CompletableFuture<Long> arrival = pending.get().arrival();
      if (arrival != null) {
        arrival.completeExceptionally(cause);
      }
    }
  }
}
