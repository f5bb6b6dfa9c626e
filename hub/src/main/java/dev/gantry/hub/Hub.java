package dev.gantry.hub;

import dev.gantry.aggregator.Aggregator;
import dev.gantry.aggregator.mcs.ServiceImportPublisher;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxyStatus;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.runtime.HealthServer;
import dev.gantry.runtime.informer.RetryingInformers;
import dev.gantry.runtime.informer.TolerantInformer;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.publish.UnreadableProxy;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.publish.XdsPublisher;
import dev.gantry.xds.server.XdsServer;
import dev.gantry.xds.translate.XdsAssembler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub process: the aggregator in-process, HTTPProxy, Ingress and Secret watching, the xDS
 * server, HTTPProxy status and the MCS ServiceImport view, plus metrics and probes.
 */
public final class Hub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Hub.class);
  private static final Duration STATUS_RETRY = Duration.ofSeconds(2);
  private static final int STATUS_WRITERS = 8;

  private final HubConfig config;
  private final KubernetesClient hub;
  private final Clock clock = Clock.systemUTC();
  private final XdsMetrics metrics = new XdsMetrics();
  private final RetryingInformers informers = new RetryingInformers();
  private final ScheduledExecutorService xdsExecutor = executor("xds-build");
  private final ScheduledExecutorService aggregatorExecutor = executor("aggregator");
  private final ScheduledExecutorService importsExecutor = executor("service-imports");
  private final ScheduledExecutorService statusExecutor = executor("proxy-status");
  // Status writes in flight at once: enough to write a thousand proxies in seconds, few enough
  // not to crowd the hub apiserver.
  private final ExecutorService statusWriters =
      Executors.newFixedThreadPool(
          STATUS_WRITERS,
          r -> {
            Thread t = new Thread(r, "gantry-status-writer");
            t.setDaemon(true);
            return t;
          });
  private final AtomicReference<List<ProxyVerdict>> pendingVerdicts = new AtomicReference<>();
  private volatile boolean proxiesListed;
  private volatile boolean secretsListed;
  private SharedIndexInformer<Secret> secrets;
  private volatile boolean ingressesListed;
  private XdsServer server;
  private XdsPublisher publisher;
  private Aggregator aggregator;
  private ServiceImportPublisher imports;
  private TolerantInformer<HTTPProxy> proxies;
  private SharedIndexInformer<Ingress> ingresses;
  private ProxyStatusWriter statusWriter;
  private HealthServer health;

  private JvmGcMetrics gcMetrics;

  public Hub(HubConfig config, KubernetesClient hub) {
    this.config = config;
    this.hub = hub;
  }

  private static ScheduledExecutorService executor(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "gantry-" + name);
          t.setDaemon(true);
          return t;
        });
  }

  public Hub start() {
    new JvmMemoryMetrics().bindTo(metrics.registry());
    new JvmThreadMetrics().bindTo(metrics.registry());
    new ProcessorMetrics().bindTo(metrics.registry());
    gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(metrics.registry());
    if (config.xdsTls() == null) {
      log.warn(
          "xDS is served in plain text (--xds-insecure): anyone who can reach port {} gets every"
              + " route and TLS private key; use --xds-tls-cert, --xds-tls-key, --xds-tls-ca",
          config.xdsAddress().getPort());
    }
    server = new XdsServer(config.xdsAddress(), metrics, config.xdsTls()).start();
    // Read object by object: one proxy written against a richer CRD (Contour's) must not stop
    // the watch of all of them.
    proxies = TolerantInformer.of(hub, HTTPProxy.class, informers, "HTTPProxies in the hub");
    ingresses =
        informers.retrying(
            hub.network().v1().ingresses().inAnyNamespace().runnableInformer(0),
            "Ingresses in the hub");
    statusWriter =
        new ProxyStatusWriter(
            hub, clock, (namespace, name) -> cachedStatus(namespace, name), statusWriters);
    publisher =
        new XdsPublisher(
            xdsExecutor,
            config.holdoff(),
            new ProxyCompiler(config.ingressClass()),
            new XdsAssembler(
                config.envoyHttpAddress(), config.envoyHttpPort(), config.envoyHttpsPort()),
            server,
            metrics,
            this::verdictsChanged);
    imports = new ServiceImportPublisher(hub, importsExecutor, clock, informers).start();
    aggregator =
        new Aggregator(
                hub,
                informers,
                aggregatorExecutor,
                clock,
                config.holdoff(),
                config.staleEndpointTtl(),
                update -> {
                  publisher.federationChanged(update);
                  imports.accept(update);
                })
            .start();
    proxies.informer().addEventHandler(specChanges());
    ingresses.addEventHandler(specChanges());
    proxies
        .start()
        .thenRun(
            () -> {
              proxiesListed = true;
              proxiesChanged();
            });
    startSecrets();
    ingresses
        .start()
        .thenRun(
            () -> {
              ingressesListed = true;
              proxiesChanged();
            });
    if (config.adminAddress() != null) {
      health =
          new HealthServer(
              config.adminAddress(),
              metrics::scrape,
              // An apiserver that is down is waited for (not ready); only a watch stopped for
              // good, which nothing but a restart can mend, fails liveness.
              informers::liveness,
              () ->
                  ready()
                      ? new HealthServer.Check(true, "ok")
                      : new HealthServer.Check(
                          false, "waiting for the first snapshot built from synced caches"));
    }
    log.info(
        "hub up: xDS on port {}, ingress class {}, Envoy listeners {}:{} (HTTP) and :{} (HTTPS)",
        server.port(),
        config.ingressClass(),
        config.envoyHttpAddress(),
        config.envoyHttpPort(),
        config.envoyHttpsPort());
    return this;
  }

  /**
   * Secrets, for {@code spec.virtualhost.tls.secretName}: all of them, so that a wrong type is
   * reported as such, but only {@code kubernetes.io/tls} ones keep their data ({@link
   * TlsSecretStore}).
   */
  private void startSecrets() {
    secrets =
        informers.retrying(
            hub.secrets().inAnyNamespace().runnableInformer(0).itemStore(new TlsSecretStore()),
            "Secrets in the hub");
    secrets.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Secret obj) {
            secretsChanged();
          }

          @Override
          public void onUpdate(Secret before, Secret after) {
            if (!Objects.equals(
                before.getMetadata().getResourceVersion(),
                after.getMetadata().getResourceVersion())) {
              secretsChanged();
            }
          }

          @Override
          public void onDelete(Secret obj, boolean deletedFinalStateUnknown) {
            secretsChanged();
          }
        });
    secrets
        .start()
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                // Serve what needs no certificate; TLS proxies say their Secret is not found.
                log.error(
                    "cannot list Secrets ({}): HTTPProxies with TLS are reported invalid",
                    failure.getMessage());
              }
              secretsListed = true;
              secretsChanged();
              proxiesChanged();
            });
  }

  private void secretsChanged() {
    if (secretsListed) {
      Map<String, Secret> byKey = new HashMap<>();
      for (Secret s : secrets.getStore().list()) {
        byKey.put(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s);
      }
      publisher.secretsChanged(byKey);
    }
  }

  /** Enqueues a rebuild on changes of spec, generation or annotations (not of status). */
  private <T extends HasMetadata> ResourceEventHandler<T> specChanges() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        proxiesChanged();
      }

      @Override
      public void onUpdate(T before, T after) {
        // Our own status writes come back as updates: a spec change bumps the generation.
        if (!Objects.equals(
                before.getMetadata().getGeneration(), after.getMetadata().getGeneration())
            || !Objects.equals(
                before.getMetadata().getAnnotations(), after.getMetadata().getAnnotations())) {
          proxiesChanged();
        }
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        proxiesChanged();
      }
    };
  }

  /** A proxy's metadata and status as cached, whether or not it reads into our model. */
  private ProxyStatusWriter.Current cachedStatus(String namespace, String name) {
    HTTPProxy proxy = proxies.get(namespace, name);
    if (proxy != null) {
      return new ProxyStatusWriter.Current(proxy.getMetadata(), proxy.getStatus());
    }
    TolerantInformer.Unreadable raw = proxies.getUnreadable(namespace, name);
    if (raw == null) {
      return null;
    }
    HTTPProxyStatus status;
    try {
      status =
          hub.getKubernetesSerialization()
              .convertValue(
                  raw.object().getAdditionalProperties().get("status"), HTTPProxyStatus.class);
    } catch (IllegalArgumentException unreadableStatus) {
      status = null; // rewritten whole
    }
    return new ProxyStatusWriter.Current(raw.object().getMetadata(), status);
  }

  private void proxiesChanged() {
    // Until the first lists complete the stores are partial; the last completion publishes them.
    if (proxiesListed && ingressesListed && secretsListed) {
      publisher.routesChanged(
          proxies.list(),
          proxies.unreadable().stream().map(Hub::unreadable).toList(),
          ingresses.getStore().list());
    }
  }

  /** What the compiler needs of a proxy that does not read: whose class it is, and why. */
  private static UnreadableProxy unreadable(TolerantInformer.Unreadable u) {
    Object spec = u.object().getAdditionalProperties().get("spec");
    Object byField = spec instanceof Map<?, ?> m ? m.get("ingressClassName") : null;
    Long generation = u.object().getMetadata().getGeneration();
    return new UnreadableProxy(
        u.namespace(),
        u.name(),
        generation == null ? 0 : generation,
        byField instanceof String name ? name : null,
        u.object().getMetadata().getAnnotations(),
        u.problem());
  }

  /** Status writes are blocking I/O: off the build thread, only the latest verdicts. */
  private void verdictsChanged(List<ProxyVerdict> verdicts) {
    if (pendingVerdicts.getAndSet(verdicts) == null) {
      statusExecutor.execute(this::writeStatus);
    }
  }

  private void writeStatus() {
    List<ProxyVerdict> verdicts = pendingVerdicts.getAndSet(null);
    if (verdicts == null) {
      return;
    }
    ProxyStatusWriter.Outcome outcome = statusWriter.write(verdicts);
    // Retry the same verdicts later, unless newer ones arrived meanwhile (they win).
    if (outcome.failed() > 0 && pendingVerdicts.compareAndSet(null, verdicts)) {
      statusExecutor.schedule(this::writeStatus, STATUS_RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Ready once the caches have listed and a snapshot built from them is served. */
  public boolean ready() {
    return aggregator != null
        && aggregator.hasSynced()
        && proxiesListed
        && secretsListed
        && ingressesListed
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

  /** The aggregator's latest federation snapshot. */
  public FederationSnapshot federation() {
    return aggregator.current();
  }

  @Override
  public void close() {
    if (gcMetrics != null) {
      gcMetrics.close();
    }
    if (health != null) {
      health.close();
    }
    if (proxies != null) {
      proxies.close();
    }
    if (secrets != null) {
      secrets.close();
    }
    if (ingresses != null) {
      ingresses.close();
    }
    if (aggregator != null) {
      aggregator.close();
    }
    if (imports != null) {
      imports.close();
    }
    for (ExecutorService e :
        List.of(xdsExecutor, aggregatorExecutor, importsExecutor, statusExecutor, statusWriters)) {
      e.shutdownNow();
      try {
        e.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (server != null) {
      server.close();
    }
  }
}
