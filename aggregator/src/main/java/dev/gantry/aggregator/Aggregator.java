package dev.gantry.aggregator;

import dev.gantry.aggregator.merge.FederationMerger;
import dev.gantry.aggregator.merge.FederationState;
import dev.gantry.api.Labels;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.FederationUpdate;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.runtime.Holdoff;
import dev.gantry.runtime.informer.LeanItemStore;
import dev.gantry.runtime.informer.OptionalInformer;
import dev.gantry.runtime.informer.RetryingInformers;
import dev.gantry.runtime.informer.TolerantInformer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
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
  private static final String BY_SERVICE = "service";

  private final ScheduledExecutorService executor;
  private final Clock clock;
  private final Duration holdoff;
  private final Duration staleTtl;
  private final Consumer<FederationUpdate> listener;
  private final SharedIndexInformer<Service> services;
  private final SharedIndexInformer<EndpointSlice> slices;
  private final OptionalInformer<RemoteCluster> remoteClusters;
  private final Holdoff rebuilds;
  private volatile FederationSnapshot current = FederationSnapshot.empty();
  private volatile boolean synced;
  private volatile boolean closed;
  private ScheduledFuture<?> ticks;
  // Hub Service names whose Service or EndpointSlices changed since the last rebuild.
  private final Set<ServiceName> dirty = ConcurrentHashMap.newKeySet();
  // Owned by the executor thread.
  private final FederationState state;
  private Instant nextExpiry;
  private final Map<ServiceName, List<String>> reportedFederated = new HashMap<>();
  private final Map<ServiceName, List<String>> reportedHub = new HashMap<>();

  /**
   * @param hub the hub apiserver; needs list/watch on services, endpointslices and remoteclusters
   * @param informers how the informers outlast hub outages (they retry), and where they report
   *     stopping for good
   * @param executor runs every rebuild and the listener; single-threaded
   * @param holdoff the least time between two rebuilds (e.g. 10 ms): an isolated change is merged
   *     at once, changes during the holdoff after a rebuild are merged together at its end
   * @param staleTtl how long a stale cluster keeps its endpoints; null keeps them forever
   * @param listener gets each snapshot that differs from the previous one (the first always), with
   *     what changed
   */
  public Aggregator(
      KubernetesClient hub,
      RetryingInformers informers,
      ScheduledExecutorService executor,
      Clock clock,
      Duration holdoff,
      Duration staleTtl,
      Consumer<FederationUpdate> listener) {
    this(
        hub,
        informers,
        executor,
        clock,
        holdoff,
        staleTtl,
        FederationMerger.DEFAULT_CLUSTER_DOMAIN,
        listener);
  }

  /**
   * As the other constructor, Services resolved by DNS ({@link
   * dev.gantry.api.Labels#UPSTREAM_DISCOVERY}) named under the hub's cluster DNS domain {@code
   * clusterDomain}.
   */
  public Aggregator(
      KubernetesClient hub,
      RetryingInformers informers,
      ScheduledExecutorService executor,
      Clock clock,
      Duration holdoff,
      Duration staleTtl,
      String clusterDomain,
      Consumer<FederationUpdate> listener) {
    this.state = new FederationState(clusterDomain);
    this.executor = Objects.requireNonNull(executor, "executor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.holdoff = Objects.requireNonNull(holdoff, "holdoff");
    this.staleTtl = staleTtl;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.rebuilds =
        new Holdoff(
            executor,
            holdoff,
            () -> {
              rebuild();
              return true;
            });
    this.services =
        informers.retrying(
            hub.services().inAnyNamespace().runnableInformer(0).itemStore(new LeanItemStore<>()),
            "Services in the hub");
    this.slices =
        informers.retrying(
            hub.discovery()
                .v1()
                .endpointSlices()
                .inAnyNamespace()
                .runnableInformer(0)
                .itemStore(new LeanItemStore<>()),
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
    slices.addIndexers(Map.of(BY_SERVICE, slice -> serviceKeys(slice)));
    services.addEventHandler(
        new Dirtying<>(s -> List.of(ServiceName.of(namespace(s), s.getMetadata().getName()))));
    slices.addEventHandler(new Dirtying<>(Aggregator::servicesOf));
    RetryingInformers.startApart(services).thenRun(this::changed);
    RetryingInformers.startApart(slices).thenRun(this::changed);
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

  /** The RemoteClusters in the hub as last seen (empty while their CRD is not installed). */
  public List<RemoteCluster> remoteClusters() {
    return remoteClusters.list();
  }

  /** Whether a first complete snapshot has been built and handed to the listener. */
  public boolean hasSynced() {
    return synced;
  }

  private void changed() {
    if (!closed) {
      rebuilds.request();
    }
  }

  private void tick() {
    try {
      remoteClusters.poll();
      Instant expiry = nextExpiry;
      if (!synced || (expiry != null && clock.instant().isAfter(expiry))) {
        rebuilds.runNow();
      }
    } catch (RuntimeException e) {
      // An escaping exception would cancel the periodic task for good.
      log.error("aggregator tick failed", e);
    }
  }

  private void rebuild() {
    if (closed || !services.hasSynced() || !slices.hasSynced() || !remoteClusters.hasSynced()) {
      return;
    }
    try {
      Instant now = clock.instant();
      List<RemoteCluster> clusters = remoteClusters.list();
      Set<ServiceName> work = new HashSet<>();
      for (ServiceName name : dirty) {
        dirty.remove(name);
        work.add(name);
      }
      if (!synced) {
        // The first merge takes every Service the cache listed.
        for (Service s : services.getStore().list()) {
          work.add(ServiceName.of(namespace(s), s.getMetadata().getName()));
        }
      }
      FederationUpdate update =
          state.update(
              work,
              name -> services.getStore().getByKey(name.namespace() + "/" + name.name()),
              name -> slices.getIndexer().byIndex(BY_SERVICE, name.namespace() + "/" + name.name()),
              clusters,
              now,
              staleTtl);
      nextExpiry = FederationMerger.nextStaleExpiry(clusters, now, staleTtl);
      if (synced && update.none()) {
        return;
      }
      current = update.snapshot();
      if (!synced) {
        log.info(
            "first federation snapshot: {} federated and {} hub services from {} clusters",
            current.federated().size(),
            current.hubServices().size(),
            clusters.size());
      }
      synced = true;
      logNewProblems(update);
      log.debug(
          "snapshot: {} federated and {} hub service(s) changed",
          update.changedFederated().size(),
          update.changedHub().size());
      listener.accept(update);
    } catch (RuntimeException e) {
      log.error("building or publishing the federation snapshot failed", e);
    }
  }

  /** Each problem once when it appears, not on every rebuild while it lasts. */
  private void logNewProblems(FederationUpdate update) {
    List<String> fresh = new ArrayList<>();
    for (ServiceName name : update.changedFederated()) {
      note(reportedFederated, name, update.snapshot().federated().get(name), fresh);
    }
    for (ServiceName name : update.changedHub()) {
      note(reportedHub, name, update.snapshot().hubServices().get(name), fresh);
    }
    fresh.stream().sorted().forEach(p -> log.warn("federation problem in {}", p));
  }

  private static void note(
      Map<ServiceName, List<String>> reported,
      ServiceName name,
      FederatedService service,
      List<String> fresh) {
    List<String> now = service == null ? List.of() : service.problems();
    List<String> before = reported.getOrDefault(name, List.of());
    for (String p : now) {
      if (!before.contains(p)) {
        fresh.add(name + ": " + p);
      }
    }
    if (now.isEmpty()) {
      reported.remove(name);
    } else {
      reported.put(name, now);
    }
  }

  /** The hub Service names an EndpointSlice belongs to (by its service-name label). */
  private static List<String> serviceKeys(EndpointSlice slice) {
    return servicesOf(slice).stream().map(n -> n.namespace() + "/" + n.name()).toList();
  }

  private static List<ServiceName> servicesOf(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    String service = labels == null ? null : labels.get(Labels.SERVICE_NAME);
    return service == null || namespace(slice) == null
        ? List.of()
        : List.of(ServiceName.of(namespace(slice), service));
  }

  private static String namespace(HasMetadata o) {
    return o.getMetadata().getNamespace();
  }

  /**
   * Marks the hub Services an event concerns (before and after an update) dirty and schedules a
   * rebuild; fabric8's handler thread must not block.
   */
  private final class Dirtying<T> implements ResourceEventHandler<T> {
    private final Function<T, List<ServiceName>> names;

    Dirtying(Function<T, List<ServiceName>> names) {
      this.names = names;
    }

    @Override
    public void onAdd(T obj) {
      dirty.addAll(names.apply(obj));
      changed();
    }

    @Override
    public void onUpdate(T oldObj, T newObj) {
      dirty.addAll(names.apply(oldObj));
      dirty.addAll(names.apply(newObj));
      changed();
    }

    @Override
    public void onDelete(T obj, boolean deletedFinalStateUnknown) {
      dirty.addAll(names.apply(obj));
      changed();
    }
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
