package dev.gantry.aggregator;

import dev.gantry.aggregator.informer.ChangeHandler;
import dev.gantry.aggregator.informer.OptionalInformer;
import dev.gantry.aggregator.merge.FederationMerger;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.informer.RetryingInformers;
import dev.gantry.api.informer.TolerantInformer;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the hub's Services, EndpointSlices and RemoteClusters and keeps a {@link
 * FederationSnapshot} of them, handing each new one to a listener. Informer events only mark the
 * snapshot dirty; one task on the injected executor rebuilds it at most once per holdoff, so a
 * burst of endpoint changes costs one merge. The executor should be single-threaded and not shared
 * with blocking work: the listener runs on it.
 */
public final class Aggregator implements AutoCloseable {
  /** How often stale-endpoint expiry and a missing RemoteCluster CRD are looked at. */
  public static final Duration TICK = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(Aggregator.class);

  private final ScheduledExecutorService executor;
  private final Clock clock;
  private final Duration holdoff;
  private final Duration staleTtl;
  private final Consumer<FederationSnapshot> listener;
  private final SharedIndexInformer<Service> services;
  private final SharedIndexInformer<EndpointSlice> slices;
  private final OptionalInformer<RemoteCluster> remoteClusters;
  private final AtomicBoolean rebuildScheduled = new AtomicBoolean();
  private volatile long lastRebuildNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
  private volatile FederationSnapshot current = FederationSnapshot.empty();
  private volatile boolean synced;
  private volatile boolean closed;
  private ScheduledFuture<?> ticks;
  // Owned by the executor thread.
  private Instant nextExpiry;
  private Set<String> reportedProblems = Set.of();

  /**
   * @param hub the hub apiserver; needs list/watch on services, endpointslices and remoteclusters
   * @param informers how the informers outlast hub outages (they retry), and where they report
   *     stopping for good
   * @param executor runs every rebuild and the listener; single-threaded
   * @param holdoff the least time between two rebuilds (e.g. 10 ms): an isolated change is merged
   *     at once, changes during the holdoff after a rebuild are merged together at its end
   * @param staleTtl how long a stale cluster keeps its endpoints; null keeps them forever
   * @param listener gets each snapshot that differs from the previous one, the first always
   */
  public Aggregator(
      KubernetesClient hub,
      RetryingInformers informers,
      ScheduledExecutorService executor,
      Clock clock,
      Duration holdoff,
      Duration staleTtl,
      Consumer<FederationSnapshot> listener) {
    this.executor = Objects.requireNonNull(executor, "executor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.holdoff = Objects.requireNonNull(holdoff, "holdoff");
    this.staleTtl = staleTtl;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.services =
        informers.retrying(
            hub.services().inAnyNamespace().runnableInformer(0), "Services in the hub");
    this.slices =
        informers.retrying(
            hub.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0),
            "EndpointSlices in the hub");
    this.remoteClusters =
        new OptionalInformer<>(
            hub,
            RemoteCluster.class,
            () ->
                TolerantInformer.of(
                    hub, RemoteCluster.class, informers, "RemoteClusters in the hub"),
            this::changed,
            clock,
            "every cluster gets priority 0, weight 1 and is never stale");
  }

  /** Starts watching; the first snapshot follows once every cache has listed the hub. */
  public Aggregator start() {
    services.addEventHandler(new ChangeHandler<>(this::changed));
    slices.addEventHandler(new ChangeHandler<>(this::changed));
    services.start().thenRun(this::changed);
    slices.start().thenRun(this::changed);
    ticks = executor.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    log.info(
        "aggregating the hub's services (holdoff {} ms, stale endpoints {})",
        holdoff.toMillis(),
        staleTtl == null ? "kept forever" : "dropped after " + staleTtl);
    return this;
  }

  /** The latest snapshot; empty until {@link #hasSynced()}. */
  public FederationSnapshot current() {
    return current;
  }

  /** Whether a first complete snapshot has been built and handed to the listener. */
  public boolean hasSynced() {
    return synced;
  }

  private void changed() {
    if (closed || !rebuildScheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      // Leading edge: an isolated change is merged at once; changes arriving within the
      // holdoff of the last rebuild wait for its end and are merged together.
      long wait = lastRebuildNanos + holdoff.toNanos() - System.nanoTime();
      executor.schedule(this::rebuild, Math.max(0, wait), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      rebuildScheduled.set(false); // shutting down
    }
  }

  private void tick() {
    try {
      remoteClusters.poll();
      Instant expiry = nextExpiry;
      if (!synced || (expiry != null && clock.instant().isAfter(expiry))) {
        rebuild();
      }
    } catch (RuntimeException e) {
      // An escaping exception would cancel the periodic task for good.
      log.error("aggregator tick failed", e);
    }
  }

  private void rebuild() {
    rebuildScheduled.set(false);
    lastRebuildNanos = System.nanoTime();
    if (closed || !services.hasSynced() || !slices.hasSynced() || !remoteClusters.hasSynced()) {
      return;
    }
    try {
      Instant now = clock.instant();
      List<RemoteCluster> clusters = remoteClusters.list();
      FederationSnapshot next =
          FederationMerger.merge(
              services.getStore().list(), slices.getStore().list(), clusters, now, staleTtl);
      nextExpiry = FederationMerger.nextStaleExpiry(clusters, now, staleTtl);
      if (synced && next.equals(current)) {
        return;
      }
      current = next;
      synced = true;
      logNewProblems(next);
      log.debug(
          "snapshot: {} federated service(s), {} hub service(s)",
          next.federated().size(),
          next.hubServices().size());
      listener.accept(next);
    } catch (RuntimeException e) {
      log.error("building or publishing the federation snapshot failed", e);
    }
  }

  /** Each problem once when it appears, not on every rebuild while it lasts. */
  private void logNewProblems(FederationSnapshot snapshot) {
    Set<String> problems = new HashSet<>();
    for (FederatedService service : snapshot.federated().values()) {
      service.problems().forEach(p -> problems.add(service.name() + ": " + p));
    }
    for (FederatedService service : snapshot.hubServices().values()) {
      service.problems().forEach(p -> problems.add(service.name() + ": " + p));
    }
    problems.stream()
        .filter(p -> !reportedProblems.contains(p))
        .sorted()
        .forEach(p -> log.warn("federation problem in {}", p));
    reportedProblems = problems;
  }

  @Override
  public void close() {
    closed = true;
    if (ticks != null) {
      ticks.cancel(false);
    }
    services.close();
    slices.close();
    remoteClusters.close();
  }
}
