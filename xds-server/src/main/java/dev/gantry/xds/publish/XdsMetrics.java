package dev.gantry.xds.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The xDS server's meters, all defined here with their help text. */
public final class XdsMetrics {
  private final PrometheusMeterRegistry registry;
  private final Map<String, AtomicInteger> streams = new ConcurrentHashMap<>();
  private static final int UNREGISTERED = -1;
  private final AtomicInteger rateLimitServiceValid = new AtomicInteger(UNREGISTERED);

  public XdsMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public XdsMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    // At 0 from the start: an alert on increase() sees the first NACK (a series born at 1 has
    // no increase), and dashboards find the series.
    for (String mode : List.of("sotw", "delta")) {
      for (String type :
          List.of("Listener", "RouteConfiguration", "Cluster", "ClusterLoadAssignment", "Secret")) {
        nacks(mode, type);
      }
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public String scrape() {
    return registry.scrape();
  }

  /** A stream opened ({@code delta} or {@code sotw}). */
  public void streamOpened(String mode) {
    streams(mode).incrementAndGet();
  }

  public void streamClosed(String mode) {
    streams(mode).decrementAndGet();
  }

  private AtomicInteger streams(String mode) {
    return streams.computeIfAbsent(
        mode,
        m -> {
          AtomicInteger value = new AtomicInteger();
          Gauge.builder("gantry.xds.streams", value, AtomicInteger::get)
              .description("Open xDS streams by mode (sotw, delta)")
              .tag("mode", m)
              .register(registry);
          return value;
        });
  }

  /**
   * A response pushed to a client, by mode and resource type URL's short name, with how many
   * resources it carried and its size on the wire.
   */
  public void push(String mode, String type, int resources, int bytes) {
    Counter.builder("gantry.xds.pushes")
        .description("xDS responses sent to clients by mode and type")
        .tags("mode", mode, "type", type)
        .register(registry)
        .increment();
    Counter.builder("gantry.xds.pushed.resources")
        .description("Resources carried by xDS responses, by mode and type")
        .tags("mode", mode, "type", type)
        .register(registry)
        .increment(resources);
    Counter.builder("gantry.xds.pushed.bytes")
        .description("Serialized size of xDS responses sent, by mode and type")
        .baseUnit("bytes")
        .tags("mode", mode, "type", type)
        .register(registry)
        .increment(bytes);
  }

  /** A client rejected a response. */
  public void nack(String mode, String type) {
    nacks(mode, type).increment();
  }

  private Counter nacks(String mode, String type) {
    return Counter.builder("gantry.xds.nacks")
        .description("xDS responses rejected by clients (NACK) by mode and type")
        .tags("mode", mode, "type", type)
        .register(registry);
  }

  /**
   * A remote endpoint change acknowledged by a client: the time from its discoverer seeing it in
   * the remote cluster to the client's ACK of the xDS version that carries it.
   */
  public void propagation(String cluster, String mode, Duration sinceSeen) {
    Timer.builder("gantry.propagation")
        .description(
            "Remote EndpointSlice change seen by the discoverer until an xDS client acknowledged"
                + " it, by remote cluster and ADS mode")
        .tags("cluster", cluster, "mode", mode)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)
        .record(sinceSeen.isNegative() ? Duration.ZERO : sinceSeen);
  }

  /**
   * Whether the hub's rate limit service (its ExtensionService) is valid: the series exists only on
   * a hub that has one.
   */
  public void rateLimitServiceValid(boolean valid) {
    if (rateLimitServiceValid.getAndSet(valid ? 1 : 0) == UNREGISTERED) {
      Gauge.builder("gantry.rate.limit.service.valid", rateLimitServiceValid, AtomicInteger::get)
          .description(
              "1 when the hub's rate limit service (--rate-limit-service) is a valid"
                  + " ExtensionService, 0 when it is missing or invalid: global rate limits, and"
                  + " with --rate-limit-default-global-policy every host without its own policy,"
                  + " are then invalid")
          .register(registry);
    }
  }

  /** One snapshot build: full (listeners, routes, clusters) or endpoints only. */
  public void build(Duration duration, boolean full) {
    Timer.builder("gantry.xds.snapshot.build.duration")
        .description("Time to build one xDS snapshot")
        .tag("kind", full ? "full" : "endpoints")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry)
        .record(duration);
  }
}
