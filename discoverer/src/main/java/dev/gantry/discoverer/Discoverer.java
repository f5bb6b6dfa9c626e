package dev.gantry.discoverer;

import dev.gantry.discoverer.metrics.MicrometerDiscovererMetrics;
import dev.gantry.runtime.HealthServer;
import dev.gantry.runtime.LeaderElection;
import dev.gantry.runtime.events.EventRecorder;
import dev.gantry.runtime.informer.RetryingInformers;
import dev.gantry.runtime.kube.KubeClients;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One discoverer: serves metrics and probes, and mirrors its remote cluster into the hub — at once,
 * or while it holds the leader Lease when {@code --leader-elect} is on (a replica that loses the
 * lease stops writing before another can start).
 */
public final class Discoverer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Discoverer.class);

  private final DiscovererConfig config;
  private final MicrometerDiscovererMetrics metrics;
  private final KubernetesClient hub;
  private final Clock clock;
  private final RetryingInformers informers = new RetryingInformers();
  private final AtomicReference<MirrorController> active = new AtomicReference<>();
  private final EventRecorder events;
  private HealthServer health;
  private volatile LeaderElection election;
  private volatile boolean closed;

  public Discoverer(DiscovererConfig config) {
    this(config, Clock.systemUTC());
  }

  public Discoverer(DiscovererConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.metrics = new MicrometerDiscovererMetrics(config.clusterName());
    this.hub = KubeClients.of(hubConfig(config));
    this.events =
        EventRecorder.of(
            hub,
            "gantry.dev/discoverer",
            config.identity(),
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "events-" + config.clusterName());
                  t.setDaemon(true);
                  return t;
                }));
    metrics.events(events);
  }

  private static Config hubConfig(DiscovererConfig config) {
    Config hubConfig;
    if (config.hubKubeconfig() != null) {
      try {
        hubConfig = Config.fromKubeconfig(Files.readString(config.hubKubeconfig()));
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read --hub-kubeconfig " + config.hubKubeconfig() + ": " + e.getMessage(), e);
      }
    } else {
      hubConfig = Config.autoConfigure(null); // $KUBECONFIG or ~/.kube/config, else in-cluster
    }
    hubConfig.setConnectionTimeout(5_000);
    hubConfig.setRequestTimeout(15_000);
    // HubWriter retries with its own backoff; the client should report failures promptly.
    hubConfig.setRequestRetryBackoffLimit(1);
    return hubConfig;
  }

  public Discoverer start() {
    if (config.metricsAddress() != null) {
      health =
          new HealthServer(
              config.metricsAddress(),
              metrics::scrape,
              // An apiserver that is down is waited for (not ready); only a watch stopped for
              // good, which nothing but a restart can mend, fails liveness.
              informers::liveness,
              this::readiness);
      log.info(
          "metrics and probes on http://{}:{}/",
          config.metricsAddress().getHostString(),
          health.port());
    }
    log.info("TLS to apiservers: {}", KubeClients.tlsEngine());
    if (config.leaderElect()) {
      elect();
    } else {
      startMirroring();
    }
    return this;
  }

  private HealthServer.Check readiness() {
    MirrorController controller = active.get();
    if (controller == null) {
      return config.leaderElect()
          ? new HealthServer.Check(true, "standby: another replica holds the lease")
          : new HealthServer.Check(false, "starting");
    }
    if (controller.unlinked()) {
      return new HealthServer.Check(
          false,
          "RemoteCluster "
              + config.clusterName()
              + " was deleted: mirroring stopped and mirrors removed; remove this discoverer or"
              + " start it again to link the cluster anew");
    }
    return controller.initialSyncDone()
        ? new HealthServer.Check(true, "ok")
        : new HealthServer.Check(false, "first full sync not done");
  }

  private synchronized void startMirroring() {
    if (closed || active.get() != null) {
      return;
    }
    MirrorController controller =
        new MirrorController(config, hub, informers, metrics, clock, this::mayWrite, events);
    active.set(controller);
    controller.start();
  }

  /**
   * Whether this replica may write to the hub now: always without leader election; with it, only
   * while it holds the lease and has renewed it within the renew deadline (fenced by time, so a
   * replica frozen past its lease writes nothing once it runs again).
   */
  private boolean mayWrite() {
    if (!config.leaderElect()) {
      return true;
    }
    LeaderElection current = election;
    return current != null && current.leading();
  }

  private synchronized void stopMirroring() {
    MirrorController controller = active.getAndSet(null);
    if (controller != null) {
      controller.close();
    }
  }

  private void elect() {
    election =
        new LeaderElection(
                hub,
                new LeaderElection.Settings(
                    config.leaseNamespace(),
                    "gantry-discoverer-" + config.clusterName(),
                    config.identity(),
                    config.leaseDuration(),
                    config.renewDeadline(),
                    config.retryPeriod()),
                this::startMirroring,
                this::stopMirroring,
                events)
            .start();
  }

  /** The controller while this replica mirrors, for tests. */
  boolean isMirroring() {
    return active.get() != null;
  }

  MirrorController controller() {
    return active.get();
  }

  public MicrometerDiscovererMetrics metrics() {
    return metrics;
  }

  public boolean initialSyncDone() {
    MirrorController controller = active.get();
    return controller != null && controller.initialSyncDone();
  }

  public int healthPort() {
    return health == null ? -1 : health.port();
  }

  @Override
  public void close() {
    closed = true;
    LeaderElection running = election;
    if (running != null) {
      running.close(); // releases the lease
    }
    stopMirroring();
    events.close();
    if (health != null) {
      health.close();
    }
    hub.close();
  }
}
