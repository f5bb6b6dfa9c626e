package dev.gantry.discoverer;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.discoverer.hub.HubMirrors;
import dev.gantry.discoverer.hub.HubWriter;
import dev.gantry.discoverer.hub.MirrorReconciler;
import dev.gantry.discoverer.metrics.DiscovererMetrics;
import dev.gantry.discoverer.mirror.MirrorPlanner;
import dev.gantry.discoverer.queue.KeyedWorkQueue;
import dev.gantry.discoverer.remote.KubeconfigFileWatcher;
import dev.gantry.discoverer.remote.RemoteSource;
import dev.gantry.discoverer.remote.TokenExpiry;
import dev.gantry.discoverer.status.ClusterState;
import dev.gantry.discoverer.status.RemoteProblem;
import dev.gantry.discoverer.status.StatusReporter;
import dev.gantry.runtime.events.EventRecorder;
import dev.gantry.runtime.informer.RetryingInformers;
import dev.gantry.runtime.kube.KubeClients;
import dev.gantry.runtime.log.LogKeys;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors one remote cluster into the hub while it runs: remote and hub informers feed a keyed
 * queue, workers reconcile keys, and a single-threaded tick owns the rest of the state (initial
 * sync and garbage collection, periodic resync, reachability probes, credential rotation, status).
 */
final class MirrorController implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MirrorController.class);
  private static final Duration TICK = Duration.ofMillis(250);

  private final DiscovererConfig config;
  private final KubernetesClient hub;
  private final BooleanSupplier mayWrite;
  private final DiscovererMetrics metrics;
  private final Clock clock;
  private final RetryingInformers informers;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService workers;
  private final KeyedWorkQueue<ServiceName> queue;
  private final Map<ServiceName, Pending> pendingSince = new ConcurrentHashMap<>();

  /** When a key's first unhandled remote event came: for the metric, and on the wall clock. */
  private record Pending(long nanos, Instant seen) {}

  private final HubMirrors hubMirrors;
  private final MirrorReconciler reconciler;
  private final EventRecorder events;
  private final StatusReporter status;
  private final KubeconfigFileWatcher kubeconfigWatcher;
  private final Map<ServiceName, String> collisions = new ConcurrentHashMap<>();
  private final Map<ServiceName, String> failures = new ConcurrentHashMap<>();

  private volatile RemoteSource remote;
  private volatile boolean initialSyncDone;
  private volatile boolean running = true;
  private volatile boolean unlinked;
  // Owned by the tick thread.
  private RemoteSource pendingRemote;
  private boolean fullSyncPending;
  private Instant lastSync;
  private Instant nextResync;
  private Instant nextProbe = Instant.EPOCH;
  private Instant nextStatus = Instant.EPOCH;
  private Instant nextKubeconfigPoll = Instant.EPOCH;
  private volatile boolean reachable = true;
  private Instant staleSince;
  private String unreachableReason = "";
  private RemoteProblem remoteProblem = RemoteProblem.UNREACHABLE;

  MirrorController(
      DiscovererConfig config,
      KubernetesClient hub,
      RetryingInformers informers,
      DiscovererMetrics metrics,
      Clock clock,
      BooleanSupplier mayWrite,
      EventRecorder events) {
    this.config = config;
    this.events = events;
    this.hub = hub;
    this.mayWrite = mayWrite;
    this.informers = informers;
    this.metrics = metrics;
    this.clock = clock;
    this.scheduler =
        Executors.newScheduledThreadPool(
            1, r -> thread(config.clusterName(), r, "discoverer-" + config.clusterName()));
    this.workers =
        Executors.newFixedThreadPool(
            config.workers(),
            r -> thread(config.clusterName(), r, "reconcile-" + config.clusterName()));
    this.queue = new KeyedWorkQueue<>(scheduler, Duration.ofMillis(200), Duration.ofSeconds(10));
    this.hubMirrors =
        new HubMirrors(hub, informers, config.clusterName(), config.scope().namespaces(), 0);
    HubWriter writer =
        new HubWriter(
            hub,
            config.clusterName(),
            config.createNamespaces(),
            config.hubQps(),
            config.hubBurst(),
            metrics,
            mayWrite);
    this.reconciler =
        new MirrorReconciler(
            new MirrorPlanner(config.clusterName(), config.scope()), hubMirrors, writer);
    this.status =
        new StatusReporter(
            hub,
            config.clusterName(),
            config.identity(),
            clock,
            config.heartbeatInterval(),
            mayWrite,
            (verb, resource) -> metrics.hubWrite(verb, resource, "done"));
    this.kubeconfigWatcher = new KubeconfigFileWatcher(config.remoteKubeconfig());
    metrics.queueDepth(queue::depth);
    metrics.mirroredObjects("service", hubMirrors::serviceCount);
    metrics.mirroredObjects("endpointslice", hubMirrors::sliceCount);
    metrics.collisions(collisions::size);
  }

  /** A thread whose log lines all carry the cluster's name (a structured key in the JSON log). */
  private static Thread thread(String cluster, Runnable r, String name) {
    Thread t = new Thread(LogKeys.inCluster(cluster, r), name);
    t.setDaemon(true);
    return t;
  }

  void start() {
    // A mirror deleted in the hub by anyone else is written again at once.
    hubMirrors.onDeleted(this::enqueueIfInScope);
    hubMirrors.start();
    remote = openRemote(kubeconfigWatcher.read());
    for (int i = 0; i < config.workers(); i++) {
      workers.submit(this::work);
    }
    scheduler.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    log.info(
        "mirroring cluster {} into the hub ({} worker(s), hub {} qps / burst {})",
        config.clusterName(),
        config.workers(),
        config.hubQps(),
        config.hubBurst());
  }

  private RemoteSource openRemote(String kubeconfig) {
    Config remoteConfig = Config.fromKubeconfig(kubeconfig);
    remoteConfig.setConnectionTimeout(5_000);
    remoteConfig.setRequestTimeout(10_000);
    remoteConfig.setRequestRetryBackoffLimit(2);
    KubernetesClient client = KubeClients.of(remoteConfig);
    metrics.remoteTokenExpiry(
        TokenExpiry.of(
            remoteConfig.getOauthToken() != null
                ? remoteConfig.getOauthToken()
                : remoteConfig.getAutoOAuthToken()));
    RemoteSource source =
        new RemoteSource(
            client,
            informers,
            config.clusterName(),
            config.scope().namespaces(),
            0,
            this::enqueueIfInScope,
            metrics::remoteEvent);
    source.start();
    return source;
  }

  private void enqueueIfInScope(ServiceName key) {
    if (config.scope().namespaceIncluded(key.namespace())) {
      pendingSince.putIfAbsent(key, new Pending(System.nanoTime(), clock.instant()));
      queue.add(key);
    }
  }

  private void work() {
    while (running) {
      ServiceName key;
      try {
        key = queue.take().orElse(null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (key == null) {
        return;
      }
      long started = System.nanoTime();
      try {
        RemoteSource source = remote;
        if (!source.hasSynced() || !hubMirrors.hasSynced()) {
          queue.addAfter(key, Duration.ofMillis(200)); // never act on a partial picture
          continue;
        }
        // Events from here on start a new wait: the queue hands the key out again after this.
        Pending pending = pendingSince.remove(key);
        MirrorReconciler.Outcome outcome;
        try (LogKeys.Scope ignored = LogKeys.object("Service", key.toString())) {
          outcome = reconciler.reconcile(key, source, pending == null ? null : pending.seen());
        }
        if (pending != null && outcome.writes() > 0 && !outcome.again()) {
          metrics.propagation(Duration.ofNanos(System.nanoTime() - pending.nanos()));
        }
        if (outcome.collisions().isEmpty()) {
          collisions.remove(key);
        } else {
          outcome.collisions().forEach(c -> metrics.collisionDetected());
          String found = String.join("; ", outcome.collisions());
          if (!found.equals(collisions.put(key, found))) {
            // On the RemoteCluster, where its status lists the collisions too; once per change.
            events.warning(
                EventRecorder.Regarding.of(
                    HasMetadata.getApiVersion(RemoteCluster.class),
                    HasMetadata.getKind(RemoteCluster.class),
                    config.clusterName()),
                "NameCollision",
                "Mirror",
                key + " of cluster " + config.clusterName() + " is not mirrored: " + found);
          }
        }
        failures.remove(key);
        if (outcome.again()) {
          queue.retry(key);
        } else {
          queue.forget(key);
        }
        metrics.reconcile(Duration.ofNanos(System.nanoTime() - started), "ok");
      } catch (RuntimeException e) {
        failures.put(key, Errors.describe(e));
        Duration delay = queue.retry(key);
        metrics.reconcile(Duration.ofNanos(System.nanoTime() - started), "error");
        try (LogKeys.Scope ignored = LogKeys.object("Service", key.toString())) {
          log.warn(
              "{}: reconcile failed, retrying in {} ms: {}",
              key,
              delay.toMillis(),
              Errors.describe(e));
        }
      } finally {
        queue.done(key);
      }
    }
  }

  /** Everything periodic, on one thread so its state needs no locks. */
  private void tick() {
    try {
      if (unlinked) {
        removeMirrors();
        return;
      }
      Instant now = clock.instant();
      if (!now.isBefore(nextKubeconfigPoll)) {
        nextKubeconfigPoll = now.plus(config.kubeconfigPollInterval());
        kubeconfigWatcher.poll(this::rotateCredentials);
      }
      promotePendingRemote();
      if (!now.isBefore(nextProbe)) {
        nextProbe = now.plus(config.probeInterval());
        probe(now);
      }
      if (!initialSyncDone && !fullSyncPending && remote.hasSynced() && hubMirrors.hasSynced()) {
        enqueueFullSync("initial sync and garbage collection");
      } else if (nextResync != null && !now.isBefore(nextResync) && !fullSyncPending) {
        enqueueFullSync("periodic resync");
      }
      // Idle means every key was tried once; keys that keep failing are reported in Synced.
      if (fullSyncPending && queue.idle()) {
        fullSyncPending = false;
        lastSync = now;
        initialSyncDone = true;
        nextResync = now.plus(config.resyncPeriod());
        metrics.lastSuccessfulSync(now);
        log.info(
            "cluster {}: full sync done: {} service(s), {} slice(s) mirrored",
            config.clusterName(),
            hubMirrors.serviceCount(),
            hubMirrors.sliceCount());
      }
      if (!now.isBefore(nextStatus)) {
        nextStatus =
            now.plus(
                config.statusInterval().compareTo(config.heartbeatInterval()) < 0
                    ? config.statusInterval()
                    : config.heartbeatInterval());
        status.report(state());
        if (status.removed()) {
          unlink();
        }
      }
    } catch (RuntimeException e) {
      log.warn("cluster {}: periodic work failed: {}", config.clusterName(), e.toString());
    }
  }

  /**
   * The RemoteCluster was deleted: stop the workers (nothing more is written but deletions), then
   * remove every mirror this discoverer wrote; later ticks remove any the hub cache shows late.
   */
  private void unlink() {
    log.error(
        "cluster {}: its RemoteCluster was deleted in the hub: mirroring stopped and its mirrors"
            + " are being removed; remove this discoverer, or start it again to link the cluster"
            + " anew",
        config.clusterName());
    unlinked = true;
    running = false;
    queue.shutdown();
    workers.shutdownNow();
    try {
      if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("cluster {}: workers still busy after 10 s", config.clusterName());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    removeMirrors();
  }

  private void removeMirrors() {
    if (!mayWrite.getAsBoolean()) {
      return;
    }
    int removed = 0;
    for (Service service : hubMirrors.services()) {
      removed += delete(hub.services(), service);
    }
    for (EndpointSlice slice : hubMirrors.slices()) {
      removed += delete(hub.discovery().v1().endpointSlices(), slice);
    }
    if (removed > 0) {
      log.info("cluster {}: removed {} mirror(s) from the hub", config.clusterName(), removed);
    }
  }

  private <T extends HasMetadata> int delete(
      MixedOperation<T, ?, ? extends Resource<T>> kind, T mirror) {
    try {
      kind.inNamespace(mirror.getMetadata().getNamespace())
          .withName(mirror.getMetadata().getName())
          .delete();
      return 1;
    } catch (KubernetesClientException e) {
      log.warn(
          "cluster {}: mirror {}/{} not removed: {}",
          config.clusterName(),
          mirror.getMetadata().getNamespace(),
          mirror.getMetadata().getName(),
          Errors.describe(e));
      return 0;
    }
  }

  /** Whether the RemoteCluster was deleted and this controller stopped mirroring for good. */
  boolean unlinked() {
    return unlinked;
  }

  /** Every key on either side: remote Services and hub mirrors whose source may be gone. */
  private void enqueueFullSync(String why) {
    Set<ServiceName> keys = new TreeSet<>(remote.serviceKeys());
    keys.addAll(hubMirrors.sourceKeys());
    log.info("cluster {}: {}: {} key(s)", config.clusterName(), why, keys.size());
    keys.forEach(this::enqueueIfInScope);
    fullSyncPending = true;
  }

  private void probe(Instant now) {
    try {
      remote.probe();
      if (!reachable) {
        log.info(
            "cluster {}: remote apiserver reachable again (stale since {})",
            config.clusterName(),
            staleSince);
      }
      reachable = true;
      staleSince = null;
    } catch (RuntimeException e) {
      if (Errors.interrupted(e)) {
        // Stopping: not a verdict on the remote.
        Thread.currentThread().interrupt();
        return;
      }
      if (reachable) {
        log.warn(
            "cluster {}: remote apiserver unreachable, keeping mirrors as they are: {}",
            config.clusterName(),
            Errors.describe(e));
        staleSince = now;
      }
      reachable = false;
      remoteProblem = RemoteProblem.of(e);
      unreachableReason = Errors.describe(e);
    }
    metrics.remoteReachable(reachable);
  }

  private void rotateCredentials(String kubeconfig) {
    log.info(
        "cluster {}: remote kubeconfig changed; opening a watch with the new credentials",
        config.clusterName());
    if (pendingRemote != null) {
      pendingRemote.close();
    }
    metrics.credentialRotation();
    try {
      pendingRemote = openRemote(kubeconfig);
    } catch (RuntimeException e) {
      pendingRemote = null;
      log.error(
          "cluster {}: the new remote kubeconfig is unusable, keeping the old one: {}",
          config.clusterName(),
          Errors.describe(e));
    }
  }

  /** Switches to the new credentials once their watch has listed; only then closes the old. */
  private void promotePendingRemote() {
    if (pendingRemote == null || !pendingRemote.hasSynced()) {
      return;
    }
    RemoteSource old = remote;
    remote = pendingRemote;
    pendingRemote = null;
    old.close();
    log.info("cluster {}: now watching with the new credentials", config.clusterName());
    enqueueFullSync("resync after credential rotation");
  }

  ClusterState state() {
    Map<String, String> failing = new java.util.HashMap<>();
    failures.forEach((k, v) -> failing.put(k.toString(), v));
    List<String> collisionList = new ArrayList<>(collisions.values());
    return new ClusterState(
        remote.hasSynced(),
        reachable,
        staleSince,
        remoteProblem,
        unreachableReason,
        lastSync,
        queue.idle(),
        hubMirrors.serviceCount(),
        hubMirrors.sliceCount(),
        collisionList,
        failing);
  }

  boolean initialSyncDone() {
    return initialSyncDone;
  }

  int queueDepth() {
    return queue.depth();
  }

  @Override
  public void close() {
    running = false;
    queue.shutdown();
    scheduler.shutdownNow();
    workers.shutdownNow();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (pendingRemote != null) {
      pendingRemote.close();
    }
    remote.close();
    hubMirrors.close();
  }
}
