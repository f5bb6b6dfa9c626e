package dev.gantry.aggregator.mcs;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.FederationUpdate;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.runtime.Writes;
import dev.gantry.runtime.informer.OptionalInformer;
import dev.gantry.runtime.informer.RetryingInformers;
import dev.gantry.runtime.informer.TolerantInformer;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one MCS ServiceImport per multi-cluster federated service in the hub, so {@code kubectl get
 * serviceimports -A} shows what the aggregator sees. Ownership as for mirrors: only ServiceImports
 * labelled {@code app.kubernetes.io/managed-by=gantry} are updated or deleted; another's with the
 * same name is left alone and logged. Writes happen only where the hub differs from the snapshot,
 * so endpoint churn writes nothing, and change only what Gantry owns of an import (see {@link
 * ServiceImportView}): fields other MCS tools write stay. Without the ServiceImport CRD it logs
 * once and does nothing.
 *
 * <p>Give it its own single-threaded executor: it waits for hub writes, which must not delay
 * snapshots. The writes of one reconciliation run side by side on a pool of writers (a first start
 * writes two per federated service: a thousand services are not written one at a time).
 */
public final class ServiceImportPublisher implements Consumer<FederationSnapshot>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceImportPublisher.class);
  private static final Duration TICK = Duration.ofSeconds(1);
  private static final Duration RETRY = Duration.ofSeconds(5);
  // Every service is compared again this often: what a change the publisher never saw left behind
  // (a snapshot that raced its start on a replica taking the lease) does not last.
  private static final Duration RESYNC = Duration.ofMinutes(5);

  private final KubernetesClient hub;
  private final ScheduledExecutorService executor;
  private final ExecutorService writers;
  private final Clock clock;
  private final OptionalInformer<ServiceImport> imports;
  private final AtomicReference<FederationSnapshot> latest = new AtomicReference<>();
  private final AtomicBoolean reconcileScheduled = new AtomicBoolean();
  // What the next reconciliation looks at: every service, or only these (a snapshot's changes and
  // ServiceImports someone else changed).
  private final AtomicBoolean all = new AtomicBoolean(true);
  private final Set<ServiceName> dirty = ConcurrentHashMap.newKeySet();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong compared = new AtomicLong();
  private volatile FederationSnapshot reconciled;
  private volatile boolean closed;
  private ScheduledFuture<?> ticks;
  // Owned by the executor thread.
  private final Set<ServiceName> collisions = new HashSet<>();
  private Instant retryAt;
  private Instant resyncAt;

  /**
   * @param executor runs the reconciliations and polls, one at a time
   * @param writers runs the writes of one reconciliation side by side; its size bounds how many are
   *     in flight
   */
  public ServiceImportPublisher(
      KubernetesClient hub,
      ScheduledExecutorService executor,
      ExecutorService writers,
      Clock clock,
      RetryingInformers informers) {
    this.hub = hub;
    this.executor = executor;
    this.writers = writers;
    this.clock = clock;
    this.imports =
        new OptionalInformer<>(
            hub,
            ServiceImport.class,
            () ->
                TolerantInformer.of(
                    hub, ServiceImport.class, informers, "ServiceImports in the hub"),
            this::objectChanged,
            this::changedAll,
            clock,
            "no ServiceImports are published");
  }

  /** Starts watching ServiceImports (once their CRD is served). */
  public ServiceImportPublisher start() {
    ticks = executor.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * Takes a new snapshot and what changed; any thread. Only the services whose ServiceImport would
   * differ (they appeared or went, their ports or clusters changed, they started or stopped
   * serving) are looked at: a change of endpoints alone costs nothing here, and a new service costs
   * one comparison, not one per service.
   */
  public void accept(FederationUpdate update) {
    FederationSnapshot before = latest.getAndSet(update.snapshot());
    if (reconciled == null || before == null) {
      changedAll();
      return;
    }
    boolean any = false;
    for (ServiceName name : update.changedFederated()) {
      if (!Objects.equals(
          ServiceImportView.desired(before.federated().get(name)),
          ServiceImportView.desired(update.snapshot().federated().get(name)))) {
        dirty.add(name);
        any = true;
      }
    }
    if (any) {
      changed();
    }
  }

  /** Takes a new snapshot; any thread. Only the latest is written if several arrive at once. */
  @Override
  public void accept(FederationSnapshot snapshot) {
    latest.set(snapshot);
    changedAll();
  }

  /** Creates, updates and deletes done so far (for tests and metrics). */
  public long writes() {
    return writes.get();
  }

  /**
   * How many services the reconciliations have compared with their ServiceImport so far (for tests:
   * a change costs what it touches, not the whole federation).
   */
  public long compared() {
    return compared.get();
  }

  /** The snapshot the hub was last brought in line with, or null. */
  public FederationSnapshot reconciled() {
    return reconciled;
  }

  /** A ServiceImport was added, changed or deleted (by us or anyone): it is looked at again. */
  private void objectChanged(ObjectMeta changed) {
    dirty.add(ServiceName.of(changed.getNamespace(), changed.getName()));
    changed();
  }

  /** Every service is looked at (the first time, after the informer synced, a whole snapshot). */
  private void changedAll() {
    all.set(true);
    changed();
  }

  private void changed() {
    if (closed || !reconcileScheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(this::reconcile);
    } catch (RejectedExecutionException e) {
      reconcileScheduled.set(false); // shutting down
    }
  }

  private void tick() {
    try {
      imports.poll();
      Instant now = clock.instant();
      if (resyncAt == null) {
        resyncAt = now.plus(RESYNC);
      } else if (!now.isBefore(resyncAt)) {
        resyncAt = now.plus(RESYNC);
        changedAll();
      }
      if (retryAt != null && !now.isBefore(retryAt)) {
        retryAt = null;
        reconcile();
      }
    } catch (RuntimeException e) {
      log.error("ServiceImport publisher tick failed", e);
    }
  }

  private void reconcile() {
    try {
      reconcileLatest();
    } catch (RuntimeException e) {
      // Nothing else would report it: the executor keeps a task's exception to itself.
      log.error("publishing ServiceImports failed", e);
      all.set(true); // which names it had taken on is not known: all are looked at again
      retryAt = clock.instant().plus(RETRY);
    }
  }

  private void reconcileLatest() {
    reconcileScheduled.set(false);
    // The names first, the snapshot after: a name marked meanwhile is looked at in a snapshot at
    // least as new as the one that marked it (and again in the next reconciliation).
    boolean whole = all.getAndSet(false);
    Set<ServiceName> names = whole ? Set.of() : drain();
    FederationSnapshot snapshot = latest.get();
    if (closed || snapshot == null || !imports.started() || !imports.hasSynced()) {
      again(whole, names); // the informer's sync asks for every service anyway
      return;
    }
    Map<ServiceName, ServiceImportView> desired = new HashMap<>();
    Map<ServiceName, ServiceImport> actual = new HashMap<>();
    if (whole) {
      desired.putAll(ServiceImportView.desired(snapshot));
      for (ServiceImport item : imports.list()) {
        actual.put(
            ServiceName.of(item.getMetadata().getNamespace(), item.getMetadata().getName()), item);
      }
    } else {
      for (ServiceName name : names) {
        ServiceImportView view = ServiceImportView.desired(snapshot.federated().get(name));
        if (view != null) {
          desired.put(name, view);
        }
        ServiceImport item = imports.get(name.namespace(), name.name());
        if (item != null) {
          actual.put(name, item);
        }
      }
    }
    compared.addAndGet(whole ? desired.size() + actual.size() : names.size());
    long writesBefore = writes.get();
    long started = System.nanoTime();
    List<Future<Boolean>> pending = new ArrayList<>();
    Set<ServiceName> colliding = new HashSet<>();
    for (Map.Entry<ServiceName, ServiceImportView> entry : desired.entrySet()) {
      ServiceName name = entry.getKey();
      ServiceImportView view = entry.getValue();
      ServiceImport existing = actual.get(name);
      if (existing != null && !managed(existing)) {
        reportCollision(name, colliding);
      } else if (existing == null
          || !view.objectMatches(existing)
          || !view.statusMatches(existing)) {
        pending.add(submit(() -> apply(name, view, existing)));
      }
    }
    for (Map.Entry<ServiceName, ServiceImport> entry : actual.entrySet()) {
      if (!desired.containsKey(entry.getKey()) && managed(entry.getValue())) {
        pending.add(submit(() -> delete(entry.getKey(), entry.getValue())));
      }
    }
    boolean failed = !allSucceeded(pending);
    long written = writes.get() - writesBefore;
    if (written > 0 && whole) {
      log.info(
          "ServiceImports: {} writes in {} ms for {} federated services{}",
          written,
          (System.nanoTime() - started) / 1_000_000,
          desired.size(),
          failed ? " (some failed, retried)" : "");
    }
    if (whole) {
      collisions.clear();
    } else {
      collisions.removeAll(names);
    }
    collisions.addAll(colliding);
    if (failed) {
      again(whole, names);
      retryAt = clock.instant().plus(RETRY);
    } else {
      reconciled = snapshot;
    }
  }

  private Set<ServiceName> drain() {
    Set<ServiceName> names = new HashSet<>();
    for (Iterator<ServiceName> i = dirty.iterator(); i.hasNext(); ) {
      names.add(i.next());
      i.remove();
    }
    return names;
  }

  /** What a reconciliation could not finish is looked at again by the next. */
  private void again(boolean whole, Set<ServiceName> names) {
    if (whole) {
      all.set(true);
    } else {
      dirty.addAll(names);
    }
  }

  /** A write on the writers; one that cannot start (shutting down) fails. */
  private Future<Boolean> submit(Callable<Boolean> write) {
    try {
      return writers.submit(() -> !closed && write.call());
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(false);
    }
  }

  /**
   * Waits for every write, never for ever (a write that makes no progress for {@link Writes#STALL}
   * is given up with the rest, and retried); whether all succeeded.
   */
  private static boolean allSucceeded(List<Future<Boolean>> writes) {
    return Writes.await(writes, Writes.STALL, log, "ServiceImport write").allSucceeded();
  }

  /** Logs a collision once while it lasts. */
  private void reportCollision(ServiceName name, Set<ServiceName> colliding) {
    colliding.add(name);
    if (!collisions.contains(name)) {
      log.warn(
          "ServiceImport {} exists and is not managed by gantry (no {}={}); left untouched",
          name,
          Labels.MANAGED_BY,
          Labels.MANAGED_BY_VALUE);
    }
  }

  /**
   * Creates or updates the managed ServiceImport {@code name} (absent or ours) to match {@code
   * view}; false if it should be tried again.
   */
  private boolean apply(ServiceName name, ServiceImportView view, ServiceImport existing) {
    try {
      ServiceImport current = existing;
      if (current == null) {
        current = hub.resource(view.toResource(name, clock.instant())).create();
        writes.incrementAndGet();
        log.debug("ServiceImport {} created for clusters {}", name, view.clusters());
      } else if (!view.objectMatches(current)) {
        // A copy of the whole object, fields of other tools included (the resourceVersion makes a
        // concurrent write a conflict, tried again, rather than lost).
        ServiceImport next = copy(current);
        view.writeSpec(next);
        current = hub.resource(next).update();
        writes.incrementAndGet();
        log.debug(
            "ServiceImport {} updated: ports {}, clusters {}", name, view.ports(), view.clusters());
      }
      // The status is a subresource: create and update leave it out.
      if (!view.statusMatches(current)) {
        ServiceImport next = copy(current);
        view.writeStatus(next, clock.instant());
        hub.resource(next).updateStatus();
        writes.incrementAndGet();
        log.debug("ServiceImport {} clusters: {}", name, view.clusters());
      }
      return true;
    } catch (KubernetesClientException e) {
      return failed("writing", name, e);
    }
  }

  private boolean delete(ServiceName name, ServiceImport existing) {
    try {
      // The resourceVersion precondition keeps us from deleting an object replaced meanwhile.
      hub.resources(ServiceImport.class)
          .inNamespace(name.namespace())
          .withName(name.name())
          .lockResourceVersion(existing.getMetadata().getResourceVersion())
          .delete();
      writes.incrementAndGet();
      log.debug("ServiceImport {} deleted: no remote cluster exports it any more", name);
      return true;
    } catch (KubernetesClientException e) {
      return failed("deleting", name, e);
    }
  }

  private boolean failed(String action, ServiceName name, KubernetesClientException e) {
    if (e.getCode() == HttpURLConnection.HTTP_CONFLICT
        || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
      // Raced with another writer: the informer will show its change; look again then.
      log.debug("{} ServiceImport {} raced another writer: {}", action, name, e.getMessage());
    } else {
      log.warn(
          "{} ServiceImport {} failed: {}{}",
          action,
          name,
          e.getMessage(),
          e.getCause() == null ? "" : ": " + e.getCause());
    }
    return false;
  }

  /** A deep copy: the informer's cached object must not be modified. */
  private ServiceImport copy(ServiceImport from) {
    return hub.getKubernetesSerialization().clone(from);
  }

  private static boolean managed(ServiceImport item) {
    Map<String, String> labels = item.getMetadata().getLabels();
    return labels != null && Labels.MANAGED_BY_VALUE.equals(labels.get(Labels.MANAGED_BY));
  }

  @Override
  public void close() {
    closed = true;
    if (ticks != null) {
      ticks.cancel(false);
    }
    imports.close();
  }
}
