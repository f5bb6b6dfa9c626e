package dev.gantry.discoverer.hub;

import dev.gantry.api.Labels;
import dev.gantry.discoverer.metrics.DiscovererMetrics;
import dev.gantry.discoverer.mirror.HubWrite;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the discoverer's writes to the hub: rate limited by {@code --hub-qps}/{@code --hub-burst}
 * (resilience4j RateLimiter), retried with backoff on throttling, server errors and lost
 * connections (resilience4j Retry), creating a missing namespace when allowed, and refusing to
 * touch an object with a mirror's name that this discoverer does not own.
 */
public final class HubWriter {
  private static final Logger log = LoggerFactory.getLogger(HubWriter.class);

  /** What became of one write. */
  public enum Outcome {
    /** Written (or, for a delete, already gone). */
    DONE,
    /** The hub changed under us (conflict, cache behind): reconcile the key again. */
    RETRY,
    /** An object with this name exists and is not ours: left untouched. */
    COLLISION
  }

  /** The result of one write, with a message for collisions. */
  public record Result(Outcome outcome, String message) {}

  /** A delete of an object that was not there (any more): done, nothing written. */
  private static final Result ALREADY_GONE = new Result(Outcome.DONE, "already gone");

  private final KubernetesClient hub;
  private final String cluster;
  private final boolean createNamespaces;
  private final DiscovererMetrics metrics;
  private final RateLimiter limiter;
  private final Retry retry;
  private final BooleanSupplier mayWrite;

  /** Thrown instead of a write this replica may no longer make (it does not hold the lease). */
  static final class Fenced extends RuntimeException {
    Fenced() {
      super("not the leader: write withheld", null, false, false);
    }
  }

  /**
   * @param mayWrite asked right before every request: false withholds it (the replica lost, or may
   *     have lost, its lease)
   */
  public HubWriter(
      KubernetesClient hub,
      String cluster,
      boolean createNamespaces,
      double qps,
      int burst,
      DiscovererMetrics metrics,
      BooleanSupplier mayWrite) {
    if (qps <= 0 || burst < 1) {
      throw new IllegalArgumentException("--hub-qps must be > 0 and --hub-burst >= 1");
    }
    this.hub = hub;
    this.cluster = cluster;
    this.createNamespaces = createNamespaces;
    this.metrics = metrics;
    this.mayWrite = mayWrite;
    // A bucket of `burst` permits refilled every burst/qps seconds: qps on average, bursts of
    // up to `burst` after a quiet period.
    this.limiter =
        RateLimiter.of(
            "hub-" + cluster,
            RateLimiterConfig.custom()
                .limitForPeriod(burst)
                .limitRefreshPeriod(Duration.ofNanos((long) (burst / qps * 1e9)))
                .timeoutDuration(Duration.ofMinutes(10))
                .build());
    this.retry =
        Retry.of(
            "hub-" + cluster,
            RetryConfig.custom()
                .maxAttempts(4)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(100), 2))
                .retryOnException(HubWriter::transientError)
                .build());
  }

  /** Throttling, server errors and connection failures are worth retrying; others are not. */
  static boolean transientError(Throwable t) {
    if (t instanceof KubernetesClientException e) {
      int code = e.getCode();
      return code == 0 || code == 429 || code >= 500 || e.getCause() instanceof IOException;
    }
    return t instanceof IOException;
  }

  public Result execute(HubWrite write) {
    String resource = write.kind().toLowerCase(Locale.ROOT);
    try {
      Result result =
          switch (write.verb()) {
            case CREATE -> create(write.object());
            case UPDATE -> call(() -> hub.resource(write.object()).update(), write, resource);
            case DELETE -> delete(write.object(), write, resource);
          };
      // A delete that found nothing (another reconcile of the key got there first, or the hub
      // removed it) wrote nothing: counted apart from the writes done.
      String outcome =
          result == ALREADY_GONE ? "gone" : result.outcome().name().toLowerCase(Locale.ROOT);
      metrics.hubWrite(write.verb().label(), resource, outcome);
      return result;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        metrics.hubWrite(write.verb().label(), resource, "conflict");
        return new Result(Outcome.RETRY, "conflict on " + write);
      }
      metrics.hubWrite(write.verb().label(), resource, "error");
      throw e;
    } catch (Fenced e) {
      metrics.hubWrite(write.verb().label(), resource, "fenced");
      return new Result(Outcome.RETRY, "withheld: this replica does not hold the lease");
    }
  }

  /** {@code request}, made only while this replica may write. */
  private <T> Supplier<T> fenced(Supplier<T> request) {
    return () -> {
      if (!mayWrite.getAsBoolean()) {
        throw new Fenced();
      }
      return request.get();
    };
  }

  private Result call(Supplier<?> request, HubWrite write, String resource) {
    limiter.acquirePermission();
    Retry.decorateSupplier(retry, fenced(request)).get();
    return new Result(Outcome.DONE, null);
  }

  private Result delete(HasMetadata object, HubWrite write, String resource) {
    limiter.acquirePermission();
    List<StatusDetails> deleted =
        Retry.decorateSupplier(
                retry, fenced(() -> hub.resource(object).withGracePeriod(0).delete()))
            .get();
    return deleted == null || deleted.isEmpty() ? ALREADY_GONE : new Result(Outcome.DONE, null);
  }

  private Result create(HasMetadata object) {
    limiter.acquirePermission();
    try {
      Retry.decorateSupplier(retry, fenced(() -> hub.resource(object).create())).get();
      return new Result(Outcome.DONE, null);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 && missingNamespace(e)) {
        String ns = object.getMetadata().getNamespace();
        if (!createNamespaces) {
          throw new IllegalStateException(
              "namespace " + ns + " does not exist in the hub and --create-namespaces=false", e);
        }
        createNamespace(ns);
        limiter.acquirePermission();
        Retry.decorateSupplier(retry, fenced(() -> hub.resource(object).create())).get();
        return new Result(Outcome.DONE, null);
      }
      if (e.getCode() != 409) {
        throw e;
      }
      return existing(object);
    }
  }

  /** A create met an existing object: ours (the cache is behind) or a collision. */
  private Result existing(HasMetadata object) {
    HasMetadata current = hub.resource(object).get();
    if (current == null) {
      return new Result(Outcome.RETRY, "deleted while creating");
    }
    Map<String, String> labels = current.getMetadata().getLabels();
    String owner = labels == null ? null : labels.get(Labels.CLUSTER);
    if (cluster.equals(owner)) {
      return new Result(Outcome.RETRY, "exists already (cache behind)");
    }
    String key =
        object.getKind()
            + " "
            + object.getMetadata().getNamespace()
            + "/"
            + object.getMetadata().getName();
    String message =
        owner == null
            ? key + " exists and is not managed by Gantry"
            : key + " exists and belongs to cluster " + owner;
    return new Result(Outcome.COLLISION, message);
  }

  private static boolean missingNamespace(KubernetesClientException e) {
    return e.getStatus() != null
        && e.getStatus().getDetails() != null
        && "namespaces".equals(e.getStatus().getDetails().getKind());
  }

  private void createNamespace(String ns) {
    limiter.acquirePermission();
    if (!mayWrite.getAsBoolean()) {
      throw new Fenced();
    }
    try {
      hub.namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(ns)
                  .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                  .endMetadata()
                  .build())
          .create();
      metrics.hubWrite("create", "namespace", "done");
      log.info("created namespace {} in the hub for mirrors of cluster {}", ns, cluster);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        metrics.hubWrite("create", "namespace", "error");
        throw e;
      }
    }
  }
}
