package dev.gantry.xds.server;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.FederationUpdate;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.informer.TolerantInformer;
import dev.gantry.xds.model.IngressCompiler;
import dev.gantry.xds.model.ProxyCompiler;
import dev.gantry.xds.model.ProxyVerdict;
import dev.gantry.xds.model.RoutingTable;
import dev.gantry.xds.model.TlsSecrets;
import dev.gantry.xds.model.Upstream;
import dev.gantry.xds.status.IngressWarningLog;
import dev.gantry.xds.translate.XdsAssembler;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns changes (HTTPProxies, federation snapshots) into xDS snapshots: compiles, assembles and
 * publishes, at most once per holdoff (see {@link #schedule()}). All state lives on one executor
 * thread.
 */
public final class XdsPublisher {
  private static final Logger log = LoggerFactory.getLogger(XdsPublisher.class);

  private final ScheduledExecutorService executor;
  private final Duration holdoff;
  private final ProxyCompiler proxyCompiler;
  private final IngressCompiler compiler;
  private final IngressWarningLog ingressWarnings = new IngressWarningLog();
  private final XdsAssembler assembler;
  private final XdsServer server;
  private final XdsMetrics metrics;
  private final Consumer<List<ProxyVerdict>> verdicts;
  private List<HTTPProxy> proxies = List.of();
  private List<TolerantInformer.Unreadable> unreadable = List.of();
  private List<Ingress> ingresses = List.of();
  private FederationSnapshot federation = FederationSnapshot.empty();
  // What changed since the last build: routes, Ingresses or Secrets; services (by name), and
  // whether any service changed shape (then routes are compiled again).
  private boolean routesChanged = true;
  private boolean shapeChanged;
  private final Set<ServiceName> changedFederated = new HashSet<>();
  private final Set<ServiceName> changedHub = new HashSet<>();
  // When the remote changes not yet sent were seen, per service and cluster.
  private final Map<ServiceKey, Map<String, Instant>> unsent = new HashMap<>();
  private Map<ServiceKey, List<Upstream>> upstreamsByService = Map.of();
  private Map<String, Secret> secrets = Map.of();
  private Map<String, TlsSecrets.Outcome> certificates = Map.of();
  private boolean scheduled;
  private long lastBuildNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
  private boolean proxiesListed;
  private boolean federationListed;
  private volatile long builds;
  private volatile boolean complete;

  public XdsPublisher(
      ScheduledExecutorService executor,
      Duration holdoff,
      ProxyCompiler compiler,
      XdsAssembler assembler,
      XdsServer server,
      XdsMetrics metrics,
      Consumer<List<ProxyVerdict>> verdicts) {
    this.executor = executor;
    this.holdoff = holdoff;
    this.proxyCompiler = compiler;
    this.compiler = new IngressCompiler(compiler);
    this.assembler = assembler;
    this.server = server;
    this.metrics = metrics;
    this.verdicts = verdicts;
  }

  /** Every HTTPProxy in the hub, as listed by a synced cache (and no Ingresses). */
  public void proxiesChanged(List<HTTPProxy> current) {
    routesChanged(current, List.of(), List.of());
  }

  /**
   * Every HTTPProxy and every Ingress in the hub, as listed by synced caches, and the HTTPProxies
   * that do not read into our model (reported invalid when they are of our class).
   */
  public void routesChanged(
      List<HTTPProxy> current,
      List<TolerantInformer.Unreadable> currentUnreadable,
      List<Ingress> currentIngresses) {
    List<HTTPProxy> copy = List.copyOf(current);
    List<TolerantInformer.Unreadable> unreadableCopy = List.copyOf(currentUnreadable);
    List<Ingress> ingressCopy = List.copyOf(currentIngresses);
    executor.execute(
        () -> {
          proxies = copy;
          unreadable = unreadableCopy;
          ingresses = ingressCopy;
          routesChanged = true;
          proxiesListed = true;
          schedule();
        });
  }

  /**
   * Every Secret HTTPProxies may name, by {@code namespace/name}, as listed by a synced cache.
   * Callers that serve TLS give the Secrets before the first {@link #proxiesChanged}: a proxy
   * compiled without them would be reported invalid.
   */
  public void secretsChanged(Map<String, Secret> current) {
    Map<String, Secret> copy = Map.copyOf(current);
    executor.execute(
        () -> {
          // Validated here, once per change of a Secret, not in every build.
          certificates = TlsSecrets.validateAll(copy, secrets, certificates);
          secrets = copy;
          routesChanged = true;
          if (proxiesListed) {
            schedule();
          }
        });
  }

  /**
   * A complete snapshot from a synced aggregator; what changed since the last one is found by
   * comparing them (the aggregator says it instead, {@link #federationChanged(FederationUpdate)}).
   */
  public void federationChanged(FederationSnapshot snapshot) {
    executor.execute(() -> apply(FederationUpdate.between(federation, snapshot)));
  }

  /** A new snapshot from a synced aggregator, and what changed since the previous one. */
  public void federationChanged(FederationUpdate update) {
    executor.execute(() -> apply(update));
  }

  private void apply(FederationUpdate update) {
    federation = update.snapshot();
    federationListed = true;
    changedFederated.addAll(update.changedFederated());
    changedHub.addAll(update.changedHub());
    shapeChanged |= update.shapeChanged();
    remember(update.seenFederated(), true);
    remember(update.seenHub(), false);
    schedule();
  }

  /** Keeps, per service and cluster, the earliest remote change not yet sent. */
  private void remember(Map<ServiceName, Map<String, Instant>> seen, boolean federated) {
    seen.forEach(
        (name, byCluster) ->
            byCluster.forEach(
                (cluster, at) ->
                    unsent
                        .computeIfAbsent(new ServiceKey(name, federated), k -> new HashMap<>())
                        .merge(cluster, at, (a, b) -> a.isBefore(b) ? a : b)));
  }

  /** The remote changes the given assignments carry, by assignment name; forgets them. */
  private Map<String, Map<String, Instant>> seenFor(
      List<ClusterLoadAssignment> assignments, Map<String, Upstream> upstreams) {
    if (unsent.isEmpty()) {
      return Map.of();
    }
    Map<String, Map<String, Instant>> seen = new HashMap<>();
    for (ClusterLoadAssignment cla : assignments) {
      Upstream u = upstreams.get(cla.getClusterName());
      Map<String, Instant> byCluster =
          u == null ? null : unsent.get(new ServiceKey(u.service().name(), u.federated()));
      if (byCluster != null) {
        seen.put(cla.getClusterName(), byCluster);
      }
    }
    unsent.clear();
    return seen;
  }

  /**
   * Leading edge: an isolated change is built at once; changes arriving within the holdoff of the
   * last build wait for its end and are built together, so builds never come closer than the
   * holdoff.
   */
  private void schedule() {
    if (!scheduled) {
      scheduled = true;
      long wait = lastBuildNanos + holdoff.toNanos() - System.nanoTime();
      executor.schedule(this::build, Math.max(0, wait), TimeUnit.NANOSECONDS);
    }
  }

  private void build() {
    scheduled = false;
    if (!proxiesListed || !federationListed) {
      // Half the inputs would route to nothing and mark every proxy invalid: wait for both.
      return;
    }
    lastBuildNanos = System.nanoTime();
    long start = System.nanoTime();
    try {
      if (!routesChanged && !shapeChanged) {
        refreshEndpoints();
        return;
      }
      IngressCompiler.Result result =
          compiler.compile(proxies, ingresses, federation, certificates);
      XdsAssembler.Assembly assembly = assembler.assemble(result.table());
      // Endpoints of new clusters first: a client never waits for one it was told of.
      server
          .endpoints()
          .update(
              assembly.changed(),
              assembly.removed(),
              seenFor(assembly.changed(), result.table().upstreams()));
      if (assembly.fullRebuild()) {
        server.publish(assembly.snapshot(), assembly.proxyless());
      }
      upstreamsByService = byService(result.table());
      routesChanged = false;
      shapeChanged = false;
      changedFederated.clear();
      changedHub.clear();
      builds++;
      complete = true;
      metrics.build(Duration.ofNanos(System.nanoTime() - start), assembly.fullRebuild());
      verdicts.accept(withUnreadable(result.verdicts()));
      ingressWarnings.update(result.warnings());
    } catch (RuntimeException e) {
      log.error("building the xDS snapshot failed; the previous one keeps serving", e);
    }
  }

  /**
   * Only endpoints changed (no service appeared, went or changed ports): the routes compiled last
   * stay, and only the assignments of the upstreams of the changed services are rebuilt and sent.
   */
  private void refreshEndpoints() {
    if (changedFederated.isEmpty() && changedHub.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    List<Upstream> refreshed = new ArrayList<>();
    refresh(changedFederated, true, federation.federated(), refreshed);
    refresh(changedHub, false, federation.hubServices(), refreshed);
    changedFederated.clear();
    changedHub.clear();
    List<ClusterLoadAssignment> changed = assembler.refresh(refreshed);
    Map<String, Upstream> byName = new HashMap<>();
    refreshed.forEach(u -> byName.put(u.name(), u));
    server.endpoints().update(changed, List.of(), seenFor(changed, byName));
    builds++;
    metrics.build(Duration.ofNanos(System.nanoTime() - start), false);
  }

  private void refresh(
      Set<ServiceName> names,
      boolean federated,
      Map<ServiceName, FederatedService> services,
      List<Upstream> out) {
    for (ServiceName name : names) {
      FederatedService now = services.get(name);
      if (now == null) {
        continue; // gone: a change of shape, compiled instead
      }
      for (Upstream u :
          upstreamsByService.getOrDefault(new ServiceKey(name, federated), List.of())) {
        out.add(u.withService(now));
      }
    }
  }

  /** A service as an upstream names it: federated (every cluster) or one hub Service. */
  private record ServiceKey(ServiceName name, boolean federated) {}

  private static Map<ServiceKey, List<Upstream>> byService(RoutingTable table) {
    Map<ServiceKey, List<Upstream>> index = new HashMap<>();
    for (Upstream u : table.upstreams().values()) {
      index
          .computeIfAbsent(
              new ServiceKey(u.service().name(), u.federated()), k -> new ArrayList<>())
          .add(u);
    }
    return index;
  }

  /** The compiler's verdicts and one for each unreadable proxy of our class: never served. */
  private List<ProxyVerdict> withUnreadable(List<ProxyVerdict> compiled) {
    if (unreadable.isEmpty()) {
      return compiled;
    }
    List<ProxyVerdict> all = new ArrayList<>(compiled);
    for (TolerantInformer.Unreadable u : unreadable) {
      Object spec = u.object().getAdditionalProperties().get("spec");
      Object byField = spec instanceof Map<?, ?> m ? m.get("ingressClassName") : null;
      if (proxyCompiler.ours(
          byField instanceof String name ? name : null,
          u.object().getMetadata().getAnnotations())) {
        all.add(
            ProxyVerdict.unreadable(
                u.namespace(),
                u.name(),
                u.object().getMetadata().getGeneration() == null
                    ? 0
                    : u.object().getMetadata().getGeneration(),
                u.problem()));
      }
    }
    return all;
  }

  /** Snapshots published so far. */
  public long builds() {
    return builds;
  }

  /** Whether the snapshot served was built from listed HTTPProxies and a synced federation. */
  public boolean servesCompleteState() {
    return complete;
  }
}
