package dev.gantry.xds.publish;

import dev.gantry.api.crd.contour.ExtensionService;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.TLSCertificateDelegation;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.FederationUpdate;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.runtime.Holdoff;
import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.compile.ServiceResolver;
import dev.gantry.xds.compile.gateway.GatewayApiObjects;
import dev.gantry.xds.compile.gateway.GatewayApiStatuses;
import dev.gantry.xds.compile.httpproxy.ExtensionServices;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.compile.ingress.IngressCompiler;
import dev.gantry.xds.compile.ingress.IngressConverter;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.tls.TlsSecrets;
import dev.gantry.xds.translate.XdsAssembler;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns changes (HTTPProxies, federation snapshots) into xDS snapshots: compiles, assembles and
 * publishes, at most once per holdoff (see {@link #schedule()}); a federation update that changes
 * endpoints alone is sent at once (its merge was held off already), unless a build waits: it joins
 * it. All state lives on one executor thread.
 */
public final class XdsPublisher {
  private static final Logger log = LoggerFactory.getLogger(XdsPublisher.class);

  private final ScheduledExecutorService executor;
  private final Holdoff builds;
  private final ProxyCompiler proxyCompiler;
  private final IngressCompiler compiler;
  private final IngressWarningLog ingressWarnings;
  private final RateLimitServiceLog rateLimitLog;
  private final XdsAssembler assembler;
  private final XdsSink sink;
  private final XdsMetrics metrics;
  private final Consumer<List<ProxyVerdict>> verdicts;
  private final Consumer<List<ExtensionServices.Verdict>> extensionVerdicts;
  private List<HTTPProxy> proxies = List.of();
  private List<UnreadableProxy> unreadable = List.of();
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
  // The services the last complete build looked up, found or not; null before it.
  private ServiceResolver.Lookups lookups;
  private Map<String, Secret> secrets = Map.of();
  private Map<String, TlsSecrets.Outcome> certificates = Map.of();
  private Delegations delegations = Delegations.NONE;
  private List<ExtensionService> extensionServices = List.of();
  private GatewayApiObjects gatewayApi = GatewayApiObjects.NONE;
  private volatile Consumer<GatewayApiStatuses> gatewayApiStatuses = s -> {};
  private boolean proxiesListed;
  private boolean federationListed;
  private volatile long buildCount;
  private volatile boolean complete;

  public XdsPublisher(
      ScheduledExecutorService executor,
      Duration holdoff,
      ProxyCompiler compiler,
      XdsAssembler assembler,
      XdsSink sink,
      XdsMetrics metrics,
      Consumer<List<ProxyVerdict>> verdicts) {
    this(executor, holdoff, compiler, assembler, sink, metrics, verdicts, w -> {});
  }

  /**
   * @param verdicts told the verdicts on the HTTPProxies after each full build
   * @param newIngressWarnings told of each Ingress warning when it appears (not on every build)
   */
  public XdsPublisher(
      ScheduledExecutorService executor,
      Duration holdoff,
      ProxyCompiler compiler,
      XdsAssembler assembler,
      XdsSink sink,
      XdsMetrics metrics,
      Consumer<List<ProxyVerdict>> verdicts,
      Consumer<IngressConverter.Warning> newIngressWarnings) {
    this(
        executor,
        holdoff,
        compiler,
        assembler,
        sink,
        metrics,
        verdicts,
        newIngressWarnings,
        v -> {});
  }

  /** As above; {@code extensionVerdicts} is told the ExtensionServices' after each full build. */
  public XdsPublisher(
      ScheduledExecutorService executor,
      Duration holdoff,
      ProxyCompiler compiler,
      XdsAssembler assembler,
      XdsSink sink,
      XdsMetrics metrics,
      Consumer<List<ProxyVerdict>> verdicts,
      Consumer<IngressConverter.Warning> newIngressWarnings,
      Consumer<List<ExtensionServices.Verdict>> extensionVerdicts) {
    this.extensionVerdicts = extensionVerdicts;
    this.ingressWarnings = new IngressWarningLog(newIngressWarnings);
    this.rateLimitLog = new RateLimitServiceLog(compiler.rateLimitService(), metrics);
    this.executor = executor;
    this.builds = new Holdoff(executor, holdoff, this::build);
    // One compilation after another: each reuses the hosts of the roots that did not change.
    this.proxyCompiler = compiler.memoizing();
    this.compiler = new IngressCompiler(proxyCompiler);
    this.assembler = assembler;
    this.sink = sink;
    this.metrics = metrics;
    this.verdicts = verdicts;
  }

  /**
   * Every HTTPProxy and every Ingress in the hub, as listed by synced caches, and the HTTPProxies
   * that do not read into our model (reported invalid when they are of our class).
   */
  public void routesChanged(
      List<HTTPProxy> current,
      List<UnreadableProxy> currentUnreadable,
      List<Ingress> currentIngresses) {
    List<HTTPProxy> copy = List.copyOf(current);
    List<UnreadableProxy> unreadableCopy = List.copyOf(currentUnreadable);
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
   * Callers that serve TLS give the Secrets before the first {@link #routesChanged}: a proxy
   * compiled without them would be reported invalid.
   */
  public void secretsChanged(Map<String, Secret> current) {
    Map<String, Secret> copy = Map.copyOf(current);
    inputChanged(
        () -> {
          // Validated here, once per change of a Secret, not in every build.
          certificates = TlsSecrets.validateAll(copy, secrets, certificates);
          secrets = copy;
          return true;
        });
  }

  /**
   * Every TLSCertificateDelegation, as listed by a synced cache: which Secrets proxies and
   * Ingresses of other namespaces may use. A build follows only when what they permit changed.
   */
  public void delegationsChanged(Collection<TLSCertificateDelegation> current) {
    Delegations next = Delegations.of(List.copyOf(current));
    inputChanged(
        () -> {
          boolean changed = !next.equals(delegations);
          delegations = next;
          return changed;
        });
  }

  /**
   * Every ExtensionService, as listed by a synced cache: the servers virtual hosts may name for
   * authorization. A build follows only when one changed.
   */
  public void extensionServicesChanged(Collection<ExtensionService> current) {
    List<ExtensionService> next = List.copyOf(current);
    inputChanged(
        () -> {
          boolean changed = !next.equals(extensionServices);
          extensionServices = next;
          return changed;
        });
  }

  /**
   * Every GatewayClass, Gateway, HTTPRoute, GRPCRoute and ReferenceGrant, as listed by synced
   * caches (a kind the API does not serve is empty). A build follows only when one changed.
   */
  public void gatewayApiChanged(GatewayApiObjects current) {
    inputChanged(
        () -> {
          boolean changed = !current.equals(gatewayApi);
          gatewayApi = current;
          return changed;
        });
  }

  /** Told the statuses of the Gateway API objects that are ours after each full build. */
  public void onGatewayApiStatuses(Consumer<GatewayApiStatuses> statuses) {
    this.gatewayApiStatuses = statuses;
  }

  /**
   * Runs {@code store} on the build thread, where the inputs live; when it says it changed what
   * routes are compiled from, a build follows (once proxies have listed).
   */
  private void inputChanged(BooleanSupplier store) {
    executor.execute(
        () -> {
          if (store.getAsBoolean()) {
            routesChanged = true;
            if (proxiesListed) {
              schedule();
            }
          }
        });
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
    if (!routesChanged && !shapeChanged) {
      // Endpoints alone changed: sent at once, as Contour sends endpoints. The aggregator holds off
      // its merges already (but for the expiry of stale endpoints); a second wait here would only
      // cost a timed wakeup. A change of shape, even of a service no route uses, goes the usual
      // way. A build that waits was asked for by a change of routes or of shape, whose flags only
      // a build clears: so an endpoint change never goes ahead of it, but joins it.
      builds.runNow();
    } else {
      schedule();
    }
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
   * Builds a configuration of one HTTPProxy on the build thread and throws it away, unless a real
   * build came first. Called at start, while the caches list: the first real build then finds the
   * classes of a build loaded and Envoy's protobuf descriptors initialised, which otherwise take a
   * good part of it.
   */
  public void warmUp() {
    executor.execute(
        () -> {
          if (buildCount > 0) {
            return;
          }
          long start = System.nanoTime();
          try {
            IngressCompiler.Result result =
                compiler.compile(
                    List.of(WarmUp.proxy(proxyCompiler.ingressClass())),
                    List.of(),
                    WarmUp.federation(),
                    Map.of());
            assembler.fresh().assemble(result.table());
            log.debug(
                "warm-up build in {} ms", Duration.ofNanos(System.nanoTime() - start).toMillis());
          } catch (RuntimeException e) {
            log.debug("warm-up build failed (the first real build is slower)", e);
          }
        });
  }

  /**
   * Whether what changed since the last build leaves what was compiled as it is: endpoints alone,
   * or the shape (existence, ports) of services only that no route looked up (most of a cluster's
   * Services are routed to by nothing).
   */
  private boolean endpointsOnly() {
    return !routesChanged
        && (!shapeChanged
            || (lookups != null && !lookups.anyOf(changedFederated) && !lookups.anyOf(changedHub)));
  }

  /** Builds at once, or at the end of the holdoff of the last build (see {@link Holdoff}). */
  private void schedule() {
    builds.request();
  }

  /**
   * Builds; false when nothing was built: the inputs are not all there yet, or only services no
   * route uses changed (then a build that follows at once, say for the proxy that routes to a
   * Service just made, is not held off).
   */
  private boolean build() {
    if (!proxiesListed || !federationListed) {
      // Half the inputs would route to nothing and mark every proxy invalid: wait for both.
      return false;
    }
    long start = System.nanoTime();
    try {
      if (endpointsOnly()) {
        shapeChanged = false;
        return refreshEndpoints();
      }
      log.debug(
          "full build: routes changed {}, a service changed shape {} (federated {}, hub {})",
          routesChanged,
          shapeChanged,
          changedFederated,
          changedHub);
      IngressCompiler.Result result;
      ServiceResolver.Lookups asked = ServiceResolver.Lookups.record();
      try (asked) {
        result =
            compiler.compile(
                proxies,
                ingresses,
                federation,
                certificates,
                delegations,
                extensionServices,
                gatewayApi);
      }
      log.debug("compiled, {} roots reused", proxyCompiler.reusedRoots());
      XdsAssembler.Assembly assembly = assembler.assemble(result.table());
      // Endpoints of new clusters first: a client never waits for one it was told of.
      sink.endpoints(
          assembly.changed(),
          assembly.removed(),
          seenFor(assembly.changed(), result.table().upstreams()));
      if (assembly.fullRebuild()) {
        sink.publish(assembly.snapshot(), assembly.proxyless());
      }
      upstreamsByService = byService(result.table());
      lookups = asked;
      routesChanged = false;
      shapeChanged = false;
      changedFederated.clear();
      changedHub.clear();
      buildCount++;
      if (!complete) {
        log.info(
            "first complete xDS snapshot: {} HTTPProxies, {} Ingresses, {} HTTPRoutes, {} clusters,"
                + " built in {} ms",
            proxies.size(),
            ingresses.size(),
            gatewayApi.httpRoutes().size(),
            result.table().upstreams().size(),
            Duration.ofNanos(System.nanoTime() - start).toMillis());
      }
      complete = true;
      metrics.build(Duration.ofNanos(System.nanoTime() - start), assembly.fullRebuild());
      verdicts.accept(withUnreadable(result.verdicts()));
      extensionVerdicts.accept(result.extensionVerdicts());
      gatewayApiStatuses.accept(result.gatewayApiStatuses());
      ingressWarnings.update(result.warnings());
      // The table counts through the rate limit service only when its ExtensionService is valid.
      rateLimitLog.update(result.table().rateLimitService() != null);
    } catch (RuntimeException e) {
      log.error("building the xDS snapshot failed; the previous one keeps serving", e);
    }
    return true;
  }

  /**
   * Only endpoints changed (no service appeared, went or changed ports): the routes compiled last
   * stay, and only the assignments of the upstreams of the changed services are rebuilt and sent.
   * False when nothing was sent (no upstream uses the changed services, or none changed).
   */
  private boolean refreshEndpoints() {
    if (changedFederated.isEmpty() && changedHub.isEmpty()) {
      return false;
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
    sink.endpoints(changed, List.of(), seenFor(changed, byName));
    buildCount++;
    metrics.build(Duration.ofNanos(System.nanoTime() - start), false);
    return !changed.isEmpty();
  }

  private void refresh(
      Set<ServiceName> names,
      boolean federated,
      Map<ServiceName, FederatedService> services,
      List<Upstream> out) {
    Set<String> added = new HashSet<>();
    out.forEach(u -> added.add(u.name()));
    for (ServiceName name : names) {
      FederatedService now = services.get(name);
      if (now == null) {
        continue; // gone: a change of shape, compiled instead
      }
      for (Upstream u :
          upstreamsByService.getOrDefault(new ServiceKey(name, federated), List.of())) {
        if (u.shares().isEmpty()) {
          out.add(u.withService(now));
        } else if (added.add(u.name())) {
          // Several services (an ExtensionService's): each as now merged, once however many
          // of them changed.
          Upstream current = current(u);
          if (current != null) {
            out.add(current);
          }
        }
      }
    }
  }

  /** An upstream of several services over each as now merged; null when one is gone. */
  private Upstream current(Upstream u) {
    List<FederatedService> now = new ArrayList<>();
    for (Upstream.Share share : u.members()) {
      FederatedService service =
          (share.federated() ? federation.federated() : federation.hubServices())
              .get(share.service().name());
      if (service == null) {
        return null;
      }
      now.add(service);
    }
    return u.withServices(now);
  }

  /** A service as an upstream names it: federated (every cluster) or one hub Service. */
  private record ServiceKey(ServiceName name, boolean federated) {}

  private static Map<ServiceKey, List<Upstream>> byService(RoutingTable table) {
    Map<ServiceKey, List<Upstream>> index = new HashMap<>();
    for (Upstream u : table.upstreams().values()) {
      for (Upstream.Share share : u.members()) {
        index
            .computeIfAbsent(
                new ServiceKey(share.service().name(), share.federated()), k -> new ArrayList<>())
            .add(u);
      }
    }
    return index;
  }

  /** The compiler's verdicts and one for each unreadable proxy of our class: never served. */
  private List<ProxyVerdict> withUnreadable(List<ProxyVerdict> compiled) {
    if (unreadable.isEmpty()) {
      return compiled;
    }
    List<ProxyVerdict> all = new ArrayList<>(compiled);
    for (UnreadableProxy u : unreadable) {
      if (proxyCompiler.ours(u.ingressClassName(), u.annotations())) {
        all.add(ProxyVerdict.unreadable(u.namespace(), u.name(), u.generation(), u.problem()));
      }
    }
    return all;
  }

  /** Snapshots published so far. */
  public long builds() {
    return buildCount;
  }

  /** Whether the snapshot served was built from listed HTTPProxies and a synced federation. */
  public boolean servesCompleteState() {
    return complete;
  }
}
