package dev.gantry.hub;

import dev.gantry.runtime.informer.ChangeHandler;
import dev.gantry.runtime.informer.RetryingInformers;
import dev.gantry.runtime.informer.TolerantInformer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch of a custom resource whose CRD comes with Contour's (or the chart's) and may be missing.
 * Whether the hub's API serves the kind is asked on {@code scheduler} until the apiserver answers;
 * a CRD installed later is found by asking again every {@link #RECHECK}. Routing never waits on it
 * for long: without the CRD it counts as listed and empty, and a watch that has not listed within
 * {@link #DEADLINE} (refused by RBAC, say) counts as listed too, its objects following when they
 * arrive. Objects are read one by one, so one written against a richer CRD does not stop the
 * others. Every list handed on is taken and handed on under one lock, so a later list never
 * overtakes an earlier one.
 */
final class OptionalWatch<T extends HasMetadata> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OptionalWatch.class);
  static final Duration RECHECK = Duration.ofSeconds(30);
  static final Duration DEADLINE = Duration.ofSeconds(30);

  private final KubernetesClient hub;
  private final ScheduledExecutorService scheduler;
  private final Class<T> kind;
  private final String crdName;
  private final String withoutIt;
  private final TolerantInformer<T> informer;
  private volatile boolean listed;
  private volatile boolean watching;
  private volatile boolean closed;
  private boolean warned;
  private Runnable onListed;
  private Consumer<List<T>> onChange;

  /**
   * @param crdName the CRD's name, for the warning when it is missing
   * @param withoutIt what does not work without the CRD, for that warning; null for no warning
   *     (another watch of the same API gives it)
   */
  OptionalWatch(
      KubernetesClient hub,
      RetryingInformers informers,
      ScheduledExecutorService scheduler,
      Class<T> kind,
      String crdName,
      String description,
      String withoutIt) {
    this.hub = hub;
    this.scheduler = scheduler;
    this.kind = kind;
    this.crdName = crdName;
    this.withoutIt = withoutIt;
    this.informer = TolerantInformer.of(hub, kind, informers, description);
  }

  boolean listed() {
    return listed;
  }

  List<T> list() {
    return informer.list();
  }

  /** The object as the cache holds it; null when absent or not read. */
  T get(String namespace, String name) {
    return informer.get(namespace, name);
  }

  /**
   * Starts asking whether the API serves the kind; then {@code onChange} runs with every object
   * once listed and after each change, and {@code onListed} once it is listed (after the first
   * {@code onChange}), known to be missing, or past its deadline.
   */
  void start(Runnable onListed, Consumer<List<T>> onChange) {
    this.onListed = onListed;
    this.onChange = onChange;
    scheduler.execute(this::ask);
  }

  private void ask() {
    if (closed || watching) {
      return;
    }
    boolean served;
    try {
      served = hub.supports(kind);
    } catch (RuntimeException e) {
      log.debug("cannot tell whether the API serves {} yet", crdName, e);
      scheduler.schedule(this::ask, 1, TimeUnit.SECONDS);
      return;
    }
    if (!served) {
      if (!warned) {
        warned = true;
        if (withoutIt == null) {
          log.debug("the hub's API does not serve {}", crdName);
        } else {
          log.warn(
              "the hub's API does not serve {}: {} until its CRD is installed", crdName, withoutIt);
        }
      }
      markListed();
      scheduler.schedule(this::ask, RECHECK.toSeconds(), TimeUnit.SECONDS);
      return;
    }
    watching = true;
    if (warned && withoutIt != null) {
      log.info("the hub's API serves {} now: watching them", crdName);
    }
    informer.informer().addEventHandler(new ChangeHandler<>(this::changed));
    informer
        .start()
        .thenRun(
            () -> {
              // What they say first, so that the build the listing allows has it.
              hand();
              markListed();
            });
    scheduler.schedule(
        () -> {
          if (!listed && !closed) {
            log.warn(
                "{} are not listed after {} s (forbidden?): routes are built without them until"
                    + " they are",
                crdName,
                DEADLINE.toSeconds());
            markListed();
          }
        },
        DEADLINE.toSeconds(),
        TimeUnit.SECONDS);
  }

  private void markListed() {
    boolean first;
    synchronized (this) {
      first = !listed;
      listed = true;
    }
    if (first) {
      onListed.run();
    }
  }

  private void changed() {
    if (listed) {
      hand();
    }
  }

  /** Hands on the cached objects: taken and handed on under the lock, in order. */
  private synchronized void hand() {
    if (informer.hasSynced()) {
      onChange.accept(informer.list());
    }
  }

  @Override
  public void close() {
    closed = true;
    informer.close();
  }
}
