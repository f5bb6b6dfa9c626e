package dev.gantry.hub;

import dev.gantry.runtime.Writes;
import dev.gantry.runtime.log.LogKeys;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.PortStatus;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerStatus;
import io.fabric8.kubernetes.api.model.networking.v1.IngressPortStatus;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code status.loadBalancer} of every Ingress of our class from the {@link StatusAddress},
 * as Contour does, only where it differs, several writes at a time, off the informer threads. A
 * pass follows each new address and each change of an Ingress; failed writes are retried.
 */
final class IngressStatusWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngressStatusWriter.class);
  private static final Duration RETRY = Duration.ofSeconds(2);
  // As many writes in flight as HTTPProxy status has (StatusLoop).
  private static final int WRITERS = 16;

  private final KubernetesClient hub;
  private final Supplier<List<Ingress>> cached;
  private final Predicate<Ingress> ours;
  private final Supplier<LoadBalancerStatus> address;
  private final BooleanSupplier mayWrite;
  private final ScheduledExecutorService loop = Hub.executor("ingress-status");
  private final ExecutorService writers =
      Executors.newFixedThreadPool(
          WRITERS,
          r -> {
            Thread t = new Thread(r, "gantry-ingress-status-writer");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean pending = new AtomicBoolean();

  /**
   * @param cached every Ingress as the informer holds it
   * @param ours whether an Ingress is of our class
   * @param address the address to write; null while none is known
   * @param mayWrite whether this replica writes now; call {@link #refresh} when it may again
   */
  IngressStatusWriter(
      KubernetesClient hub,
      Supplier<List<Ingress>> cached,
      Predicate<Ingress> ours,
      Supplier<LoadBalancerStatus> address,
      BooleanSupplier mayWrite) {
    this.hub = hub;
    this.cached = cached;
    this.ours = ours;
    this.address = address;
    this.mayWrite = mayWrite;
  }

  /** A pass soon: the address or an Ingress changed, or this replica may write again. */
  void refresh() {
    if (pending.compareAndSet(false, true)) {
      loop.execute(this::pass);
    }
  }

  private void pass() {
    pending.set(false);
    LoadBalancerStatus current = address.get();
    if (current == null || !mayWrite.getAsBoolean()) {
      return;
    }
    IngressLoadBalancerStatus next = networking(current);
    List<Future<Boolean>> writes = new ArrayList<>();
    for (Ingress ingress : cached.get()) {
      if (!ours.test(ingress) || next.equals(loadBalancerOf(ingress))) {
        continue;
      }
      writes.add(writers.submit(() -> write(ingress, next)));
    }
    // Bounded: a write that hangs is given up (counted failed, so retried), not waited for ever.
    int failed = Writes.await(writes, Writes.STALL, log, "Ingress status write").failed();
    if (failed > 0 && pending.compareAndSet(false, true)) {
      loop.schedule(this::pass, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static IngressLoadBalancerStatus loadBalancerOf(Ingress ingress) {
    return ingress.getStatus() == null ? null : ingress.getStatus().getLoadBalancer();
  }

  /** One write; false when it should be tried again. */
  private boolean write(Ingress ingress, IngressLoadBalancerStatus next) {
    String key = ingress.getMetadata().getNamespace() + "/" + ingress.getMetadata().getName();
    try (LogKeys.Scope ignored = LogKeys.object("Ingress", key)) {
      Ingress copy = new IngressBuilder(ingress).withStatus(new IngressStatus(next)).build();
      hub.network()
          .v1()
          .ingresses()
          .inNamespace(ingress.getMetadata().getNamespace())
          .resource(copy)
          .updateStatus();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        log.debug("{}: Ingress status write met a newer version, will retry", key);
      } else {
        log.warn("{}: Ingress status not written, will retry: {}", key, e.getMessage());
      }
      return false;
    }
  }

  /** The Service's address in an Ingress's shape (networking.k8s.io/v1 has its own types). */
  static IngressLoadBalancerStatus networking(LoadBalancerStatus status) {
    List<IngressLoadBalancerIngress> ingress = new ArrayList<>();
    for (LoadBalancerIngress i : status.getIngress()) {
      List<IngressPortStatus> ports = new ArrayList<>();
      if (i.getPorts() != null) {
        for (PortStatus p : i.getPorts()) {
          ports.add(new IngressPortStatus(p.getError(), p.getPort(), p.getProtocol()));
        }
      }
      ingress.add(
          new IngressLoadBalancerIngressBuilder()
              .withIp(i.getIp())
              .withHostname(i.getHostname())
              .withPorts(ports)
              .build());
    }
    return new IngressLoadBalancerStatus(ingress);
  }

  @Override
  public void close() {
    Hub.shutDown(loop);
    Hub.shutDown(writers);
  }
}
