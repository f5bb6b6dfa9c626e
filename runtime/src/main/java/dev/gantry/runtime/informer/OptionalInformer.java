package dev.gantry.runtime.informer;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An informer on a custom resource whose CRD may not be installed: it starts once the hub's API
 * discovery serves the kind, so a missing CRD degrades the aggregator instead of failing it, and a
 * CRD installed later (a Helm upgrade, a late operator) is picked up without a restart.
 */
public final class OptionalInformer<T extends HasMetadata> implements AutoCloseable {
  /** How often an absent kind is looked up again; discovery is cheap but not free. */
  public static final Duration RECHECK = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(OptionalInformer.class);

  private final KubernetesClient client;
  private final Class<T> type;
  private final Supplier<TolerantInformer<T>> factory;
  private final Consumer<ObjectMeta> onObject;
  private final Runnable onSynced;
  private final Clock clock;
  private final String whileAbsent;
  private volatile TolerantInformer<T> informer;
  private Instant nextCheck = Instant.MIN;
  private boolean absenceLogged;
  private volatile boolean resolved;
  private volatile boolean closed;

  /**
   * @param factory makes the (not yet started) informer once the kind is served
   * @param onChange called on every event and once the informer has synced; must not block
   * @param whileAbsent what the absence means, for the log line
   */
  public OptionalInformer(
      KubernetesClient client,
      Class<T> type,
      Supplier<TolerantInformer<T>> factory,
      Runnable onChange,
      Clock clock,
      String whileAbsent) {
    this(client, type, factory, changed -> onChange.run(), onChange, clock, whileAbsent);
  }

  /**
   * @param factory makes the (not yet started) informer once the kind is served
   * @param onObject called on every event with the metadata of the object added, changed or
   *     deleted; must not block
   * @param onSynced called once the informer has synced; must not block
   * @param whileAbsent what the absence means, for the log line
   */
  public OptionalInformer(
      KubernetesClient client,
      Class<T> type,
      Supplier<TolerantInformer<T>> factory,
      Consumer<ObjectMeta> onObject,
      Runnable onSynced,
      Clock clock,
      String whileAbsent) {
    this.client = client;
    this.type = type;
    this.factory = factory;
    this.onObject = onObject;
    this.onSynced = onSynced;
    this.clock = clock;
    this.whileAbsent = whileAbsent;
  }

  /**
   * Starts the informer if the kind is now served; asks the API at most every {@link #RECHECK}.
   * Returns whether it is started.
   */
  public synchronized boolean poll() {
    if (informer != null || closed) {
      return informer != null;
    }
    Instant now = clock.instant();
    if (now.isBefore(nextCheck)) {
      return false;
    }
    nextCheck = now.plus(RECHECK);
    String kind = HasMetadata.getKind(type) + " (" + HasMetadata.getApiVersion(type) + ")";
    boolean served;
    try {
      served = client.supports(type);
    } catch (KubernetesClientException e) {
      log.debug("cannot ask the hub whether it serves {}: {}", kind, e.getMessage());
      return false;
    }
    resolved = true;
    if (!served) {
      if (!absenceLogged) {
        absenceLogged = true;
        log.warn(
            "the hub does not serve {}: its CRD is not installed; {}. Looking again every {} s",
            kind,
            whileAbsent,
            RECHECK.toSeconds());
      }
      return false;
    }
    TolerantInformer<T> started = factory.get();
    started.informer().addEventHandler(new ObjectHandler(onObject));
    started.start().thenRun(onSynced);
    informer = started;
    if (absenceLogged) {
      log.info("the hub now serves {}: watching it", kind);
    }
    return true;
  }

  public boolean started() {
    return informer != null;
  }

  /**
   * Whether the cache is complete: the API has said whether it serves the kind and, if it does, the
   * informer has listed it. An absent kind has nothing more to wait for.
   */
  public boolean hasSynced() {
    TolerantInformer<T> current = informer;
    return resolved && (current == null || current.hasSynced());
  }

  /** The cached objects, empty while the kind is absent. */
  public List<T> list() {
    TolerantInformer<T> current = informer;
    return current == null ? List.of() : current.list();
  }

  /**
   * The object {@code namespace/name} if it is cached and reads into the model, else null (also
   * while the kind is absent).
   */
  public T get(String namespace, String name) {
    TolerantInformer<T> current = informer;
    return current == null ? null : current.get(namespace, name);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (informer != null) {
      informer.close();
    }
  }

  /** Hands on the metadata of each object an event is about (fabric8's thread: must not block). */
  private record ObjectHandler(Consumer<ObjectMeta> onObject)
      implements ResourceEventHandler<GenericKubernetesResource> {
    @Override
    public void onAdd(GenericKubernetesResource obj) {
      onObject.accept(obj.getMetadata());
    }

    @Override
    public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
      onObject.accept(newObj.getMetadata());
    }

    @Override
    public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
      onObject.accept(obj.getMetadata());
    }
  }
}
