package dev.gantry.hub;

import dev.gantry.aggregator.Aggregator;
import dev.gantry.aggregator.mcs.ServiceImportPublisher;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.runtime.HealthServer;
import dev.gantry.runtime.LeaderElection;
import dev.gantry.runtime.events.EventRecorder;
import dev.gantry.runtime.informer.RetryingInformers;
import dev.gantry.runtime.kube.KubeClients;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.compile.ingress.IngressConverter;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.publish.XdsPublisher;
import dev.gantry.xds.server.XdsServer;
import dev.gantry.xds.server.XdsTls;
import dev.gantry.xds.translate.XdsAssembler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub process, wired: the aggregator in-process, the route sources (HTTPProxies, Ingresses,
 * Secrets, Gateway API) feeding the build loop, the xDS server, HTTPProxy and Gateway API status
 * and the MCS ServiceImport view, plus metrics and probes.
 */
public final class Hub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Hub.class);

  private final HubConfig config;
  private final KubernetesClient hub;
  private final Clock clock = Clock.systemUTC();
  private final XdsMetrics metrics = new XdsMetrics();
  private final HubMetrics hubMetrics = new HubMetrics(metrics.registry());
  private final RetryingInformers informers = new RetryingInformers();
  private final ScheduledExecutorService xdsExecutor = executor("xds-build");
  private final ScheduledExecutorService aggregatorExecutor = executor("aggregator");
  private final ScheduledExecutorService importsExecutor = executor("service-imports");
  // ServiceImport writes in flight at once: a first start writes two per federated service.
  private final ExecutorService importWriters = pool("import-writer", 8);
  // Asks whether the API serves the optional kinds (TLSCertificateDelegation, ExtensionService).
  private final ScheduledExecutorService discoveryExecutor = executor("optional-kinds");
  private XdsServer server;
  private XdsPublisher publisher;
  private Aggregator aggregator;
  private volatile ServiceImportPublisher imports;
  private LeaderElection election;
  private RouteSources sources;
  private StatusLoop status;
  private volatile StatusAddress address;
  private volatile IngressStatusWriter ingressStatus;
  private ExtensionStatusWriter extensionStatus;
  private volatile GatewayApiStatusWriter gatewayStatus;
  private HealthServer health;
  private JvmGcMetrics gcMetrics;
  private EventRecorder events;

  public Hub(HubConfig config, KubernetesClient hub) {
    this.config = config;
    this.hub = hub;
  }

  static ScheduledExecutorService executor(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "gantry-" + name);
          t.setDaemon(true);
          return t;
        });
  }

  /** A pool of {@code size} daemon threads named after {@code name}. */
  static ExecutorService pool(String name, int size) {
    return Executors.newFixedThreadPool(
        size,
        r -> {
          Thread t = new Thread(r, "gantry-" + name);
          t.setDaemon(true);
          return t;
        });
  }

  static void shutDown(ExecutorService executor) {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  public Hub start() {
    bindJvmMetrics();
    if (config.xdsTls() == null) {
      log.warn(
          "xDS is served in plain text (--xds-insecure): anyone who can reach port {} gets every"
              + " route and TLS private key; use --xds-tls-cert, --xds-tls-key, --xds-tls-ca",
          config.xdsAddress().getPort());
    }
    server = new XdsServer(config.xdsAddress(), metrics, config.xdsTls()).start();
    events = EventRecorder.of(hub, "gantry.dev/hub", identity(), executor("events"));
    hubMetrics.events(events);
    address =
        config.statusAddress() == null
            ? null
            : new StatusAddress(hub, informers, config.statusAddress());
    status =
        new StatusLoop(
            writers ->
                new ProxyStatusWriter(
                    hub,
                    clock,
                    (namespace, name) -> sources.cachedStatus(namespace, name),
                    writers,
                    events,
                    () -> address == null ? null : address.current()),
            this::writes,
            hubMetrics.statusWrites(),
            hubMetrics.statusWriteFailures());
    extensionStatus =
        new ExtensionStatusWriter(
            hub,
            clock,
            (namespace, name) -> sources.cachedExtension(namespace, name),
            this::writes);
    publisher =
        new XdsPublisher(
            xdsExecutor,
            config.holdoff(),
            new ProxyCompiler(
                config.ingressClass(),
                config.fallbackCertificate(),
                config.rateLimitService(),
                ExternalNames.of(config.externalNameServices())),
            new XdsAssembler(
                config.envoyHttpAddress(),
                config.envoyHttpPort(),
                config.envoyHttpsPort(),
                config.listenerSettings(),
                config.externalNameDnsLookupFamily()),
            server,
            metrics,
            verdicts -> {
              hubMetrics.proxies(verdicts);
              status.accept(verdicts);
            },
            // Like status, only the writing replica reports: one Event per change, not one each.
            warning -> {
              if (writes()) {
                events.warning(
                    EventRecorder.Regarding.of(
                        "networking.k8s.io/v1", "Ingress", warning.ingress()),
                    "Ignored",
                    "Translate",
                    warning.message());
              }
            },
            extensionStatus::accept);
    publisher.warmUp(); // while the caches list
    aggregator =
        new Aggregator(
                hub,
                informers,
                aggregatorExecutor,
                clock,
                config.holdoff(),
                config.staleEndpointTtl(),
                config.clusterDomain(),
                update -> {
                  hubMetrics.federationChanged(update);
                  publisher.federationChanged(update);
                  ServiceImportPublisher writer = imports;
                  if (writer != null) {
                    writer.accept(update);
                  }
                })
            .start();
    if (config.leaderElection() == null) {
      startWriting();
    } else {
      election =
          new LeaderElection(
              hub, config.leaderElection(), this::startWriting, this::stopWriting, events);
      election.start();
    }
    sources = new RouteSources(hub, informers, discoveryExecutor, publisher);
    gatewayStatus =
        new GatewayApiStatusWriter(
            hub,
            clock,
            sources.gatewayApi(),
            this::writes,
            () -> address == null ? null : address.current());
    publisher.onGatewayApiStatuses(gatewayStatus::accept);
    sources.start();
    if (address != null) {
      IngressConverter ingressClass = new IngressConverter(config.ingressClass());
      ingressStatus =
          new IngressStatusWriter(
              hub, sources::cachedIngresses, ingressClass::ours, address::current, this::writes);
      sources.onIngressChange(ingressStatus::refresh);
      address.start(
          () -> {
            status.resume();
            gatewayStatus.resume();
            ingressStatus.refresh();
          });
      ingressStatus.refresh();
    }
    startClusterChecks();
    startProbes();
    log.info(
        "hub up: xDS on port {} ({}), ingress class {}, Envoy listeners {}:{} (HTTP) and :{}"
            + " (HTTPS); TLS to the hub apiserver: {}",
        server.port(),
        config.xdsTls() == null ? "plain text" : "mutual TLS, " + XdsTls.engine(),
        config.ingressClass(),
        config.envoyHttpAddress(),
        config.envoyHttpPort(),
        config.envoyHttpsPort(),
        KubeClients.tlsEngine());
    return this;
  }

  /**
   * Every second, on the writing replica: clusters whose heartbeat stopped are marked Stale (unless
   * --cluster-heartbeat-timeout is 0), and deleted RemoteClusters have their mirrors removed.
   */
  private void startClusterChecks() {
    Duration timeout = config.heartbeatTimeout();
    ClusterHeartbeats heartbeats =
        timeout == null
            ? null
            : new ClusterHeartbeats(
                update -> hub.resources(RemoteCluster.class).resource(update).updateStatus(),
                () -> hub.resources(RemoteCluster.class).list().getItems(),
                clock,
                timeout,
                this::writes,
                identity(),
                hubMetrics.heartbeatExpirations());
    if (heartbeats == null) {
      log.info("cluster heartbeats are not judged (--cluster-heartbeat-timeout 0)");
    }
    ClusterRemovals removals =
        new ClusterRemovals(
            hub, aggregator::remoteClusters, this::writes, hubMetrics.clusterRemovals());
    long every = timeout == null ? 1000 : Math.max(100, Math.min(1000, timeout.toMillis() / 4));
    importsExecutor.scheduleWithFixedDelay(
        () -> {
          try {
            hubMetrics.remoteClusters(aggregator.remoteClusters());
            if (heartbeats != null) {
              heartbeats.check();
            }
            removals.check();
          } catch (RuntimeException e) {
            // An escaping exception would cancel the periodic check for good.
            log.error("RemoteCluster check failed", e);
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  /** This replica's name in the Lease, in status it writes and in its Events. */
  private String identity() {
    return config.leaderElection() == null
        ? LeaderElection.identity("gantry-hub")
        : config.leaderElection().identity();
  }

  /** Whether this replica writes status and ServiceImports: alone, or holding the lease. */
  private boolean writes() {
    return election == null || election.leading();
  }

  /** Takes over the writes: ServiceImports from the latest snapshot, the latest statuses. */
  private synchronized void startWriting() {
    if (imports == null) {
      ServiceImportPublisher writer =
          new ServiceImportPublisher(hub, importsExecutor, importWriters, clock, informers).start();
      // Before its first sync the aggregator's snapshot is empty: the first update follows.
      if (aggregator != null && aggregator.hasSynced()) {
        writer.accept(aggregator.current());
      }
      imports = writer;
    }
    status.resume();
    extensionStatus.resume();
    if (gatewayStatus != null) {
      gatewayStatus.resume();
    }
    if (ingressStatus != null) {
      ingressStatus.refresh();
    }
  }

  /** Stops the writes before another replica may take the lease. */
  private synchronized void stopWriting() {
    ServiceImportPublisher writer = imports;
    imports = null;
    if (writer != null) {
      writer.close();
    }
  }

  private void bindJvmMetrics() {
    new JvmMemoryMetrics().bindTo(metrics.registry());
    new JvmThreadMetrics().bindTo(metrics.registry());
    new ProcessorMetrics().bindTo(metrics.registry());
    gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(metrics.registry());
  }

  private void startProbes() {
    if (config.adminAddress() == null) {
      return;
    }
    health =
        new HealthServer(
            config.adminAddress(),
            metrics::scrape,
            // An apiserver that is down is waited for (not ready); only a watch stopped for good,
            // which nothing but a restart can mend, fails liveness.
            informers::liveness,
            () ->
                ready()
                    ? new HealthServer.Check(
                        true, writes() ? "ok" : "ok, standby: another replica writes status")
                    : new HealthServer.Check(
                        false, "waiting for the first snapshot built from synced caches"));
  }

  /** Ready once the caches have listed and a snapshot built from them is served. */
  public boolean ready() {
    return aggregator != null
        && aggregator.hasSynced()
        && sources != null
        && sources.listed()
        && publisher.servesCompleteState();
  }

  public int xdsPort() {
    return server.port();
  }

  public int adminPort() {
    return health == null ? -1 : health.port();
  }

  public XdsMetrics metrics() {
    return metrics;
  }

  /** Whether this replica writes status and ServiceImports now. */
  public boolean writing() {
    return writes();
  }

  /** The aggregator's latest federation snapshot. */
  public FederationSnapshot federation() {
    return aggregator.current();
  }

  @Override
  public void close() {
    if (election != null) {
      election.close(); // releases the lease and stops the writes
    }
    for (AutoCloseable c :
        new AutoCloseable[] {
          gcMetrics,
          health,
          address,
          sources,
          aggregator,
          imports,
          events,
          ingressStatus,
          gatewayStatus
        }) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          log.warn("closing {} failed", c, e);
        }
      }
    }
    for (ExecutorService e :
        List.of(
            xdsExecutor, aggregatorExecutor, importsExecutor, importWriters, discoveryExecutor)) {
      shutDown(e);
    }
    if (status != null) {
      status.close();
    }
    if (extensionStatus != null) {
      extensionStatus.close();
    }
    if (server != null) {
      server.close();
    }
  }
}
