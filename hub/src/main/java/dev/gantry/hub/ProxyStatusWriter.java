package dev.gantry.hub;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxyStatus;
import dev.gantry.runtime.Writes;
import dev.gantry.runtime.events.EventRecorder;
import dev.gantry.runtime.log.LogKeys;
import dev.gantry.xds.ir.ProxyVerdict;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes HTTPProxy status as Contour does ({@code currentStatus}, {@code description}, a {@code
 * Valid} condition with errors and {@code observedGeneration}, the {@code loadBalancer} addresses),
 * only when it changed.
 */
public final class ProxyStatusWriter {
  private static final Logger log = LoggerFactory.getLogger(ProxyStatusWriter.class);

  private static final ResourceDefinitionContext HTTP_PROXIES =
      ResourceDefinitionContext.fromResourceType(HTTPProxy.class);

  private final KubernetesClient hub;
  private final Clock clock;
  private final BiFunction<String, String, Current> cached;
  private final ExecutorService writers;
  private final Map<String, Written> written = new ConcurrentHashMap<>();
  // Proxies whose status was found right, and on what: only {@link #write}'s caller thread.
  private final Map<String, Settled> settled = new HashMap<>();
  private final EventRecorder events;
  private final Supplier<LoadBalancerStatus> address;

  /** An HTTPProxy as an informer last saw it: its metadata and status (null when it has none). */
  public record Current(ObjectMeta metadata, HTTPProxyStatus status) {}

  /**
   * @param cached the HTTPProxy {@code (namespace, name)} as an informer last saw it, or null
   * @param writers runs the writes of one {@link #write} side by side; its size bounds how many are
   *     in flight (a thousand proxies at start are not written one at a time)
   */
  public ProxyStatusWriter(
      KubernetesClient hub,
      Clock clock,
      BiFunction<String, String, Current> cached,
      ExecutorService writers) {
    this(hub, clock, cached, writers, null);
  }

  /**
   * @param events where a proxy that turns invalid or orphaned (or valid again) is reported, as an
   *     Event on it, once per change of its status; or null
   */
  public ProxyStatusWriter(
      KubernetesClient hub,
      Clock clock,
      BiFunction<String, String, Current> cached,
      ExecutorService writers,
      EventRecorder events) {
    this(hub, clock, cached, writers, events, () -> null);
  }

  /**
   * @param address the addresses clients reach Envoy at, for {@code status.loadBalancer} of every
   *     proxy; null while none is known (what a proxy has is kept)
   */
  public ProxyStatusWriter(
      KubernetesClient hub,
      Clock clock,
      BiFunction<String, String, Current> cached,
      ExecutorService writers,
      EventRecorder events,
      Supplier<LoadBalancerStatus> address) {
    this.address = address;
    this.events = events;
    this.hub = hub;
    this.clock = clock;
    this.cached = cached;
    this.writers = writers;
  }

  /** What one {@link #write} did. */
  public record Outcome(int written, int failed) {}

  /**
   * Writes each verdict's status where it differs from what the cache holds, several at a time, and
   * returns when all are done. A failed write (a conflict with a newer version, the hub away) is
   * logged and counted; the caller retries.
   */
  public Outcome write(List<ProxyVerdict> verdicts) {
    List<Future<Boolean>> writes = new ArrayList<>();
    LoadBalancerStatus reachedAt = address.get();
    Set<String> seen = new HashSet<>();
    for (ProxyVerdict verdict : verdicts) {
      String key = verdict.key();
      seen.add(key);
      Current current = ours(key, cached.apply(verdict.namespace(), verdict.name()));
      if (current == null) {
        continue;
      }
      // A build changes a few verdicts at most: the rest, on the same version of their proxy, were
      // found right before and are not worked out again.
      String version = current.metadata().getResourceVersion();
      Settled before = settled.get(key);
      if (before != null && before.holds(verdict, version, reachedAt)) {
        continue;
      }
      HTTPProxyStatus next = verdict.status(current.status(), clock.instant().toString());
      if (reachedAt != null) {
        // Every proxy of our class, valid or not, as Contour writes it.
        next.setLoadBalancer(reachedAt);
      }
      if (next.equals(current.status())) {
        settled.put(key, new Settled(verdict, version, reachedAt));
      } else {
        settled.remove(key);
        writes.add(writers.submit(() -> write(verdict, current, next)));
      }
    }
    settled.keySet().retainAll(seen);
    // Bounded: a write that hangs is given up (counted failed, so retried), not waited for ever.
    Writes.Outcome done = Writes.await(writes, Writes.STALL, log, "status write");
    return new Outcome(done.succeeded(), done.failed());
  }

  /** A verdict found already written on {@code version} of its proxy, with {@code address}. */
  private record Settled(ProxyVerdict verdict, String version, LoadBalancerStatus address) {
    boolean holds(ProxyVerdict now, String versionNow, LoadBalancerStatus addressNow) {
      return version != null
          && version.equals(versionNow)
          && verdict.equals(now)
          && Objects.equals(address, addressNow);
    }
  }

  /**
   * The proxy as the cache shows it, or, while the cache has not yet seen our last write to it, as
   * that write left it: so verdicts that follow each other quickly are not written twice (the
   * second time against a version the first made stale, a conflict and a retry).
   */
  private Current ours(String key, Current cachedNow) {
    if (cachedNow == null) {
      written.remove(key);
      return null;
    }
    Written last = written.get(key);
    String version = cachedNow.metadata().getResourceVersion();
    if (last == null || version == null) {
      return cachedNow;
    }
    if (version.equals(last.basedOn())) {
      ObjectMeta after =
          new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(cachedNow.metadata())
              .withResourceVersion(last.resultVersion())
              .build();
      return new Current(after, last.status());
    }
    if (!version.equals(last.resultVersion())) {
      written.remove(key); // someone else wrote since: the cache is the truth
    }
    return cachedNow;
  }

  /** An Event when the written status says something new: another state or description. */
  private void report(ProxyVerdict verdict, Current current, HTTPProxyStatus next) {
    HTTPProxyStatus before = current.status();
    String was = before == null ? null : before.getCurrentStatus();
    if (events == null
        || (Objects.equals(was, next.getCurrentStatus())
            && Objects.equals(before.getDescription(), next.getDescription()))) {
      return;
    }
    EventRecorder.Regarding proxy =
        new EventRecorder.Regarding(
            HasMetadata.getApiVersion(HTTPProxy.class),
            HasMetadata.getKind(HTTPProxy.class),
            verdict.namespace(),
            verdict.name(),
            current.metadata().getUid());
    if (!verdict.valid()) {
      events.warning(
          proxy,
          ProxyVerdict.ORPHANED.equals(verdict.currentStatus()) ? "Orphaned" : "Invalid",
          "Validate",
          verdict.description());
    } else if (was != null && !ProxyVerdict.VALID.equals(was)) {
      events.normal(proxy, "Valid", "Validate", "valid again: " + verdict.description());
    }
  }

  /** Our last successful write to a proxy: on which version, what, and the version it made. */
  private record Written(String basedOn, HTTPProxyStatus status, String resultVersion) {}

  /** One status write; false when it should be tried again. */
  private boolean write(ProxyVerdict verdict, Current current, HTTPProxyStatus next) {
    try (LogKeys.Scope ignored = LogKeys.object("HTTPProxy", verdict.key())) {
      return writeStatus(verdict, current, next);
    }
  }

  private boolean writeStatus(ProxyVerdict verdict, Current current, HTTPProxyStatus next) {
    try {
      // Written as a raw object (the status subresource keeps the spec as stored): neither the
      // request nor the answer goes through our model of the spec, which a proxy written against
      // a richer CRD may not fit.
      GenericKubernetesResource copy =
          new GenericKubernetesResourceBuilder()
              .withApiVersion(HasMetadata.getApiVersion(HTTPProxy.class))
              .withKind(HasMetadata.getKind(HTTPProxy.class))
              .withMetadata(current.metadata())
              .build();
      copy.setAdditionalProperty("status", next);
      GenericKubernetesResource result =
          hub.genericKubernetesResources(HTTP_PROXIES)
              .inNamespace(verdict.namespace())
              .resource(copy)
              .updateStatus();
      String basedOn = current.metadata().getResourceVersion();
      String resultVersion =
          result == null || result.getMetadata() == null
              ? null
              : result.getMetadata().getResourceVersion();
      if (basedOn != null && resultVersion != null) {
        written.put(verdict.key(), new Written(basedOn, next, resultVersion));
      }
      if (!verdict.valid()) {
        log.info("{}: {}: {}", verdict.key(), verdict.currentStatus(), verdict.description());
      }
      report(verdict, current, next);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        // Our cache is behind the object (e.g. our own previous write): retried shortly.
        log.debug("{}: status write met a newer version, will retry", verdict.key());
      } else {
        log.warn(
            "{}: status not written, will retry: {}",
            verdict.key(),
            e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause()));
      }
      return false;
    }
  }
}
