package dev.gantry.discoverer.metrics;

import dev.gantry.runtime.BuildInfo;
import dev.gantry.runtime.events.EventRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@link DiscovererMetrics} on a Prometheus registry. Every meter carries the {@code cluster} tag
 * and is defined here, with its help text, so the names stay in one place.
 */
public final class MicrometerDiscovererMetrics implements DiscovererMetrics {
  private final PrometheusMeterRegistry registry;
  private final String cluster;
  private final AtomicLong reachable = new AtomicLong();
  private final AtomicLong lastSync = new AtomicLong();
  private final AtomicLong tokenExpiry = new AtomicLong(-1);

  public MicrometerDiscovererMetrics(String cluster) {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), cluster);
  }

  public MicrometerDiscovererMetrics(PrometheusMeterRegistry registry, String cluster) {
    this.registry = registry;
    this.cluster = cluster;
    // Standard JVM and process meters (heap, GC, threads, CPU) for dashboards and benchmarks.
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Gauge.builder("gantry.build.info", () -> 1)
        .description("1, with the version and source revision of the running build as labels")
        .tags("version", BuildInfo.version(), "revision", BuildInfo.revision())
        .register(registry);
    Gauge.builder("gantry.discoverer.remote.reachable", reachable, AtomicLong::get)
        .description("1 when the remote cluster's apiserver answers, else 0")
        .tag("cluster", cluster)
        .register(registry);
    Gauge.builder("gantry.discoverer.remote.token.expiry.timestamp", tokenExpiry, AtomicLong::get)
        .description(
            "Unix time at which the remote credentials' bearer token expires; -1 when they do not"
                + " say")
        .baseUnit("seconds")
        .tag("cluster", cluster)
        .register(registry);
    Gauge.builder("gantry.discoverer.last.successful.sync.timestamp", lastSync, AtomicLong::get)
        .description("Unix time of the last completed full sync of the remote cluster")
        .baseUnit("seconds")
        .tag("cluster", cluster)
        .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  /** Total hub writes of {@code resource} (all verbs and results), for tests and benchmarks. */
  public double hubWrites(String resource) {
    return registry
        .find("gantry.discoverer.hub.writes")
        .tag("resource", resource)
        .counters()
        .stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  /** Successful hub writes of {@code resource}. */
  public double hubWritesDone(String resource) {
    return registry
        .find("gantry.discoverer.hub.writes")
        .tags("resource", resource, "result", "done")
        .counters()
        .stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  @Override
  public void queueDepth(Supplier<Number> depth) {
    Gauge.builder("gantry.discoverer.queue.depth", depth)
        .description("Service keys waiting in the work queue")
        .tag("cluster", cluster)
        .register(registry);
  }

  @Override
  public void mirroredObjects(String resource, Supplier<Number> count) {
    Gauge.builder("gantry.discoverer.mirrored.objects", count)
        .description("Objects this discoverer has mirrored into the hub")
        .tags("cluster", cluster, "resource", resource)
        .register(registry);
  }

  @Override
  public void collisions(Supplier<Number> count) {
    Gauge.builder("gantry.discoverer.collisions", count)
        .description("Hub objects with a mirror's name that this discoverer does not own")
        .tag("cluster", cluster)
        .register(registry);
  }

  @Override
  public void reconcile(Duration duration, String result) {
    Timer.builder("gantry.discoverer.reconcile.duration")
        .description("Time to reconcile one remote Service with its hub mirror")
        .tags("cluster", cluster, "result", result)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)
        .record(duration);
  }

  @Override
  public void propagation(Duration duration) {
    Timer.builder("gantry.discoverer.propagation")
        .description(
            "From a remote event to its mirror written in the hub (the discoverer's hop of the"
                + " propagation latency)")
        .tags("cluster", cluster)
        // Buckets, not client-side percentiles: quantiles aggregate across replicas in queries.
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)
        .record(duration);
  }

  @Override
  public void hubWrite(String verb, String resource, String result) {
    Counter.builder("gantry.discoverer.hub.writes")
        .description("Writes to the hub apiserver by verb, resource and result")
        .tags("cluster", cluster, "verb", verb, "resource", resource, "result", result)
        .register(registry)
        .increment();
  }

  @Override
  public void remoteEvent(String resource, String type) {
    Counter.builder("gantry.discoverer.remote.events")
        .description("Informer events received from the remote cluster")
        .tags("cluster", cluster, "resource", resource, "type", type)
        .register(registry)
        .increment();
  }

  @Override
  public void remoteReachable(boolean value) {
    reachable.set(value ? 1 : 0);
  }

  @Override
  public void remoteTokenExpiry(Optional<Instant> expiry) {
    tokenExpiry.set(expiry.map(Instant::getEpochSecond).orElse(-1L));
  }

  @Override
  public void lastSuccessfulSync(Instant when) {
    lastSync.set(when.getEpochSecond());
  }

  @Override
  public void credentialRotation() {
    Counter.builder("gantry.discoverer.credential.rotations")
        .description("Changes of the remote kubeconfig file picked up without a restart")
        .tag("cluster", cluster)
        .register(registry)
        .increment();
  }

  @Override
  public void events(EventRecorder recorder) {
    recorder.bindTo(registry);
  }

  @Override
  public void collisionDetected() {
    Counter.builder("gantry.discoverer.collisions.detected")
        .description("Name collisions found when writing mirrors")
        .tag("cluster", cluster)
        .register(registry)
        .increment();
  }
}
