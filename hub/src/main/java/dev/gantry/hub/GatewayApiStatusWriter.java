package dev.gantry.hub;

import dev.gantry.runtime.log.LogKeys;
import dev.gantry.xds.compile.gateway.GatewayApiStatuses;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the status of the Gateway API objects that are ours (GatewayClasses, Gateways, HTTPRoutes,
 * GRPCRoutes, TLSRoutes) from what each build computed, off the build thread, only on the writing
 * replica and only where it differs from what the object holds (transition times aside). Writes run
 * side by side on a bounded pool; a failed one (a conflict with a newer version, the hub away) is
 * tried again shortly, unless newer statuses came first.
 */
final class GatewayApiStatusWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayApiStatusWriter.class);
  private static final Duration RETRY = Duration.ofSeconds(2);
  private static final int WRITERS = 8;

  private final ScheduledExecutorService loop = Hub.executor("gateway-status");
  private final ExecutorService writers = Hub.pool("gateway-status-writer", WRITERS);
  private final AtomicReference<GatewayApiStatuses> pending = new AtomicReference<>();
  private final AtomicReference<GatewayApiStatuses> latest = new AtomicReference<>();
  private final KubernetesClient hub;
  private final Clock clock;
  private final GatewayApiSources cached;
  private final BooleanSupplier mayWrite;
  private final Supplier<LoadBalancerStatus> address;
  private final GatewayApiStatusMerge merge;

  /**
   * @param cached the objects as the hub's caches hold them
   * @param mayWrite whether this replica writes now (it holds the lease)
   * @param address where clients reach Envoy, for Gateways' {@code status.addresses}; null while
   *     unknown
   */
  GatewayApiStatusWriter(
      KubernetesClient hub,
      Clock clock,
      GatewayApiSources cached,
      BooleanSupplier mayWrite,
      Supplier<LoadBalancerStatus> address) {
    this.hub = hub;
    this.clock = clock;
    this.cached = cached;
    this.mayWrite = mayWrite;
    this.address = address;
    this.merge = new GatewayApiStatusMerge(hub.getKubernetesSerialization());
  }

  /** The statuses of a build: written soon, unless newer ones come first. */
  void accept(GatewayApiStatuses statuses) {
    latest.set(statuses);
    if (pending.getAndSet(statuses) == null) {
      try {
        loop.execute(this::round);
      } catch (RejectedExecutionException closed) {
        // A build that ended while the hub closes: nothing is written any more.
        log.debug("status of a build not written: closing");
      }
    }
  }

  /** This replica may write again, or the address changed: the latest statuses are written. */
  void resume() {
    GatewayApiStatuses statuses = latest.get();
    if (statuses != null) {
      accept(statuses);
    }
  }

  /** What one round of writes did. */
  record Outcome(int written, int failed) {}

  private void round() {
    GatewayApiStatuses statuses = pending.getAndSet(null);
    if (statuses == null || !mayWrite.getAsBoolean()) {
      return;
    }
    Outcome outcome = writeAll(statuses);
    if (outcome.written() > 0 || outcome.failed() > 0) {
      log.debug(
          "wrote {} Gateway API statuses ({} failed, retried)",
          outcome.written(),
          outcome.failed());
    }
    if (outcome.failed() > 0 && pending.compareAndSet(null, statuses)) {
      loop.schedule(this::round, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Writes each status that differs from the cached object's, and waits for all. */
  Outcome writeAll(GatewayApiStatuses statuses) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    List<Future<Boolean>> writes = new ArrayList<>();
    statuses
        .gatewayClasses()
        .forEach(
            (name, next) -> {
              GatewayClass current = cached.cachedClass(name);
              if (current != null) {
                var merged = merge.gatewayClass(current.getStatus(), next, now);
                submit(writes, current, current.getStatus(), merged);
              }
            });
    List<GatewayStatusAddress> addresses = addresses(address.get());
    statuses
        .gateways()
        .forEach(
            (key, next) -> {
              Gateway current = cached.cachedGateway(namespace(key), name(key));
              if (current != null) {
                GatewayStatus merged = merge.gateway(current.getStatus(), next, addresses, now);
                submit(writes, current, current.getStatus(), merged);
              }
            });
    statuses
        .httpRoutes()
        .forEach(
            (key, next) -> {
              HTTPRoute current = cached.cachedHttpRoute(namespace(key), name(key));
              if (current != null) {
                HTTPRouteStatus was = current.getStatus();
                HTTPRouteStatus merged = hub.getKubernetesSerialization().clone(next);
                merged.setParents(
                    merge.parents(was == null ? null : was.getParents(), next.getParents(), now));
                submit(writes, current, was, merged);
              }
            });
    statuses
        .grpcRoutes()
        .forEach(
            (key, next) -> {
              GRPCRoute current = cached.cachedGrpcRoute(namespace(key), name(key));
              if (current != null) {
                GRPCRouteStatus was = current.getStatus();
                GRPCRouteStatus merged = hub.getKubernetesSerialization().clone(next);
                merged.setParents(
                    merge.parents(was == null ? null : was.getParents(), next.getParents(), now));
                submit(writes, current, was, merged);
              }
            });
    statuses
        .tlsRoutes()
        .forEach(
            (key, next) -> {
              TLSRoute current = cached.cachedTlsRoute(namespace(key), name(key));
              if (current != null) {
                TLSRouteStatus was = current.getStatus();
                TLSRouteStatus merged = hub.getKubernetesSerialization().clone(next);
                merged.setParents(
                    merge.parents(was == null ? null : was.getParents(), next.getParents(), now));
                submit(writes, current, was, merged);
              }
            });
    int written = 0;
    int failed = 0;
    for (Future<Boolean> w : writes) {
      try {
        if (w.get()) {
          written++;
        } else {
          failed++;
        }
      } catch (ExecutionException e) {
        failed++;
        log.warn("Gateway API status write failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Outcome(written, failed + 1);
      }
    }
    return new Outcome(written, failed);
  }

  private void submit(
      List<Future<Boolean>> writes, HasMetadata current, Object was, Object merged) {
    if (!merge.same(was, merged)) {
      writes.add(writers.submit(() -> write(current, merged)));
    }
  }

  /** One status write; false when it should be tried again. */
  private boolean write(HasMetadata current, Object status) {
    String key =
        current.getMetadata().getNamespace() == null
            ? current.getMetadata().getName()
            : current.getMetadata().getNamespace() + "/" + current.getMetadata().getName();
    try (LogKeys.Scope ignored = LogKeys.object(current.getKind(), key)) {
      // A raw object with the cached metadata (its resourceVersion guards against overwriting a
      // newer status); the status subresource leaves the spec as stored.
      GenericKubernetesResource copy =
          new GenericKubernetesResourceBuilder()
              .withApiVersion(current.getApiVersion())
              .withKind(current.getKind())
              .withMetadata(current.getMetadata())
              .build();
      copy.setAdditionalProperty("status", status);
      var resources =
          hub.genericKubernetesResources(
              ResourceDefinitionContext.fromResourceType(current.getClass()));
      if (current.getMetadata().getNamespace() == null) {
        resources.resource(copy).updateStatus();
      } else {
        resources.inNamespace(current.getMetadata().getNamespace()).resource(copy).updateStatus();
      }
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        log.debug("{} {}: status write met a newer version, will retry", current.getKind(), key);
      } else {
        log.warn(
            "{} {}: status not written, will retry: {}",
            current.getKind(),
            key,
            e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : e.getMessage());
      }
      return false;
    }
  }

  /** The Envoy addresses as Gateway status addresses (IPAddress or Hostname); null if unknown. */
  static List<GatewayStatusAddress> addresses(LoadBalancerStatus status) {
    if (status == null || status.getIngress() == null || status.getIngress().isEmpty()) {
      return null;
    }
    List<GatewayStatusAddress> out = new ArrayList<>();
    for (LoadBalancerIngress i : status.getIngress()) {
      if (i.getIp() != null && !i.getIp().isBlank()) {
        out.add(new GatewayStatusAddress("IPAddress", i.getIp()));
      } else if (i.getHostname() != null && !i.getHostname().isBlank()) {
        out.add(new GatewayStatusAddress("Hostname", i.getHostname()));
      }
    }
    return out.isEmpty() ? null : out;
  }

  private static String namespace(String key) {
    int slash = key.indexOf('/');
    return slash < 0 ? null : key.substring(0, slash);
  }

  private static String name(String key) {
    return key.substring(key.indexOf('/') + 1);
  }

  @Override
  public void close() {
    Hub.shutDown(loop);
    Hub.shutDown(writers);
  }
}
