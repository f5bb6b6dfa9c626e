package dev.gantry.hub;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.RemoteClusterStatus;
import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.FederationUpdate;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.runtime.BuildInfo;
import dev.gantry.runtime.events.EventRecorder;
import dev.gantry.xds.ir.ProxyVerdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hub's own meters (the xDS server's are in {@code XdsMetrics}), all defined here with their
 * help text: build info, status writes, cluster checks, endpoints and staleness per remote cluster,
 * HTTPProxies by status.
 */
final class HubMetrics {
  private static final List<String> PROXY_STATUSES =
      List.of(ProxyVerdict.VALID, ProxyVerdict.INVALID, ProxyVerdict.ORPHANED);

  private final MeterRegistry registry;
  private final Counter statusWrites;
  private final Counter statusWriteFailures;
  private final Counter heartbeatExpirations;
  private final Counter clusterRemovals;
  private final Map<String, AtomicLong> proxies = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> endpoints = new ConcurrentHashMap<>();
  private final MultiGauge stale;
  private final MultiGauge heartbeats;
  // Owned by the aggregator's listener thread.
  private FederationSnapshot counted = FederationSnapshot.empty();

  HubMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("gantry.build.info", () -> 1)
        .description("1, with the version and source revision of the running build as labels")
        .tags("version", BuildInfo.version(), "revision", BuildInfo.revision())
        .register(registry);
    statusWrites =
        Counter.builder("gantry.hub.status.writes")
            .description("HTTPProxy statuses this replica wrote")
            .register(registry);
    statusWriteFailures =
        Counter.builder("gantry.hub.status.write.failures")
            .description("HTTPProxy status writes that failed (each is retried)")
            .register(registry);
    // Registered either way, so dashboards and alerts find the series.
    heartbeatExpirations =
        Counter.builder("gantry.hub.heartbeat.expirations")
            .description("Clusters this replica marked Stale because their heartbeat stopped")
            .register(registry);
    clusterRemovals =
        Counter.builder("gantry.hub.cluster.removals")
            .description("Deleted RemoteClusters whose mirrors this replica removed")
            .register(registry);
    for (String status : PROXY_STATUSES) {
      AtomicLong count = new AtomicLong();
      proxies.put(status, count);
      Gauge.builder("gantry.hub.httpproxies", count, AtomicLong::get)
          .description("HTTPProxies of this hub's ingress class by status, as last compiled")
          .tag("status", status)
          .register(registry);
    }
    stale =
        MultiGauge.builder("gantry.hub.cluster.stale")
            .description("1 while a remote cluster is Stale (status.staleSince set), else 0")
            .register(registry);
    heartbeats =
        MultiGauge.builder("gantry.hub.cluster.heartbeat.timestamp")
            .description("Unix time of a remote cluster's last discoverer heartbeat")
            .baseUnit("seconds")
            .register(registry);
  }

  Counter statusWrites() {
    return statusWrites;
  }

  Counter statusWriteFailures() {
    return statusWriteFailures;
  }

  Counter heartbeatExpirations() {
    return heartbeatExpirations;
  }

  Counter clusterRemovals() {
    return clusterRemovals;
  }

  /** Reports the Events the recorder wrote, dropped and failed to write, on every scrape. */
  void events(EventRecorder recorder) {
    recorder.bindTo(registry);
  }

  /** The verdicts of a build: HTTPProxies counted by status. */
  void proxies(List<ProxyVerdict> verdicts) {
    Map<String, Long> counts = new java.util.HashMap<>();
    for (ProxyVerdict v : verdicts) {
      counts.merge(v.currentStatus(), 1L, Long::sum);
    }
    for (String status : PROXY_STATUSES) {
      proxies.get(status).set(counts.getOrDefault(status, 0L));
    }
  }

  /**
   * A new federation snapshot: the endpoints per cluster are updated from the services that changed
   * only, so the cost follows the change.
   */
  void federationChanged(FederationUpdate update) {
    FederationSnapshot before = counted;
    FederationSnapshot after = update.snapshot();
    for (ServiceName name : update.changedFederated()) {
      add(before.federated().get(name), -1);
      add(after.federated().get(name), 1);
    }
    counted = after;
  }

  private void add(FederatedService service, int sign) {
    if (service == null) {
      return;
    }
    for (ClusterEndpoints c : service.clusters().values()) {
      endpoints(c.cluster()).addAndGet(sign * (long) c.endpoints().size());
    }
  }

  private AtomicLong endpoints(String cluster) {
    return endpoints.computeIfAbsent(
        cluster,
        c -> {
          AtomicLong count = new AtomicLong();
          Gauge.builder("gantry.hub.cluster.endpoints", count, AtomicLong::get)
              .description(
                  "Endpoints of a cluster in the federation the hub routes by (cluster hub: the"
                      + " hub's own Services)")
              .tag("cluster", c)
              .register(registry);
          return count;
        });
  }

  /** The RemoteClusters as last seen: staleness and heartbeat per cluster. */
  void remoteClusters(List<RemoteCluster> clusters) {
    List<MultiGauge.Row<?>> staleRows = new ArrayList<>();
    List<MultiGauge.Row<?>> heartbeatRows = new ArrayList<>();
    for (RemoteCluster rc : clusters) {
      String name = rc.getMetadata().getName();
      RemoteClusterStatus status = rc.getStatus();
      boolean isStale =
          status != null && status.getStaleSince() != null && !status.getStaleSince().isBlank();
      staleRows.add(MultiGauge.Row.of(Tags.of("cluster", name), isStale ? 1 : 0));
      Instant heartbeat = status == null ? null : parse(status.getLastHeartbeatTime());
      if (heartbeat != null) {
        heartbeatRows.add(MultiGauge.Row.of(Tags.of("cluster", name), heartbeat.getEpochSecond()));
      }
    }
    // Overwritten whole: a deleted RemoteCluster's series go with it.
    stale.register(staleRows, true);
    heartbeats.register(heartbeatRows, true);
  }

  private static Instant parse(String time) {
    if (time == null || time.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
