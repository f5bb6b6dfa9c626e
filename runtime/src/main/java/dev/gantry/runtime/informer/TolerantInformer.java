package dev.gantry.runtime.informer;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

/**
 * An informer on a custom resource that others may define more widely than our model (Contour's
 * HTTPProxy, the MCS ServiceImport): it watches the raw objects and reads each into the model on
 * its own. An object that does not read (a field of a type the model does not expect) is set aside
 * with the reason and everything else is served; a typed informer would instead fail the whole
 * list, and with it the watch, for that one object. Fields the model does not declare are not a
 * reason: they are kept on the model object ({@code UnknownFields}).
 *
 * <p>Handlers added to {@link #informer()} see the raw objects reduced to their metadata; the
 * objects themselves are read with {@link #list()}, {@link #get} and {@link #unreadable()}, which
 * are up to date before any handler is called.
 */
public final class TolerantInformer<T extends HasMetadata> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TolerantInformer.class);

  /** An object that does not read into the model, and why (the field's path and the problem). */
  public record Unreadable(GenericKubernetesResource object, String problem) {
    public String namespace() {
      return object.getMetadata().getNamespace();
    }

    public String name() {
      return object.getMetadata().getName();
    }
  }

  private final ReadingStore<T> store;
  private final SharedIndexInformer<GenericKubernetesResource> informer;

  private TolerantInformer(
      ReadingStore<T> store, SharedIndexInformer<GenericKubernetesResource> informer) {
    this.store = store;
    this.informer = informer;
  }

  /**
   * An informer (not started) on every {@code type} object (in every namespace if it is
   * namespaced), with {@code retrying}'s policy.
   *
   * @param what what it watches where, for log lines (e.g. {@code HTTPProxies in the hub})
   */
  public static <T extends HasMetadata> TolerantInformer<T> of(
      KubernetesClient client, Class<T> type, RetryingInformers retrying, String what) {
    ReadingStore<T> store = new ReadingStore<>(type, client.getKubernetesSerialization(), what);
    var resources =
        client.genericKubernetesResources(ResourceDefinitionContext.fromResourceType(type));
    SharedIndexInformer<GenericKubernetesResource> informer =
        (Namespaced.class.isAssignableFrom(type) ? resources.inAnyNamespace() : resources)
            .runnableInformer(0)
            .itemStore(store);
    return new TolerantInformer<>(store, retrying.retrying(informer, what));
  }

  /** The raw informer, for handlers (objects carry metadata only) and sync state. */
  public SharedIndexInformer<GenericKubernetesResource> informer() {
    return informer;
  }

  /** Starts the informer apart ({@link RetryingInformers#startApart}); completes once listed. */
  public CompletionStage<Void> start() {
    return RetryingInformers.startApart(informer);
  }

  public boolean hasSynced() {
    return informer.hasSynced();
  }

  /** The objects that read into the model, in no particular order. */
  public List<T> list() {
    return new ArrayList<>(store.readable.values());
  }

  /**
   * The object {@code namespace/name} (just {@code name}, with a null namespace, for a
   * cluster-scoped kind) if it is cached and reads into the model, else null.
   */
  public T get(String namespace, String name) {
    return store.readable.get(namespace == null ? name : namespace + "/" + name);
  }

  /** The object {@code namespace/name} if it is cached and does not read into the model. */
  public Unreadable getUnreadable(String namespace, String name) {
    return store.unreadable.get(namespace + "/" + name);
  }

  /** The cached objects that do not read into the model, by namespace and name. */
  public List<Unreadable> unreadable() {
    return store.unreadable.values().stream()
        .sorted(Comparator.comparing(Unreadable::namespace).thenComparing(Unreadable::name))
        .toList();
  }

  @Override
  public void close() {
    informer.close();
  }

  /**
   * Reads each object as it enters the store. The store itself keeps only metadata: the informer
   * needs no more (resource versions, the previous object of an update), and the model objects are
   * kept beside it.
   */
  private static final class ReadingStore<T extends HasMetadata>
      extends BasicItemStore<GenericKubernetesResource> {
    private final Class<T> type;
    private final KubernetesSerialization serialization;
    private final String what;
    private final Map<String, T> readable = new ConcurrentHashMap<>();
    private final Map<String, Unreadable> unreadable = new ConcurrentHashMap<>();

    ReadingStore(Class<T> type, KubernetesSerialization serialization, String what) {
      super(Cache::metaNamespaceKeyFunc);
      this.type = type;
      this.serialization = serialization;
      this.what = what;
    }

    @Override
    public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
      LeanItemStore.lean(object);
      try {
        readable.put(key, serialization.convertValue(object, type));
        unreadable.remove(key);
      } catch (IllegalArgumentException e) {
        readable.remove(key);
        Unreadable now = new Unreadable(object, describe(e));
        Unreadable before = unreadable.put(key, now);
        if (before == null || !Objects.equals(before.problem(), now.problem())) {
          log.warn("{}: one of the {} does not read and is left out: {}", key, what, now.problem());
        }
      }
      return super.put(
          key,
          new GenericKubernetesResourceBuilder()
              .withApiVersion(object.getApiVersion())
              .withKind(object.getKind())
              .withMetadata(object.getMetadata())
              .build());
    }

    @Override
    public GenericKubernetesResource remove(String key) {
      readable.remove(key);
      unreadable.remove(key);
      return super.remove(key);
    }
  }

  /** The path of the field that did not read, and why, without Jackson's class names. */
  static String describe(IllegalArgumentException e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DatabindException mapping) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : mapping.getPath()) {
          if (ref.getPropertyName() != null) {
            path.append(path.length() == 0 ? "" : ".").append(ref.getPropertyName());
          } else if (ref.getIndex() >= 0) {
            path.append('[').append(ref.getIndex()).append(']');
          }
        }
        String message = mapping.getOriginalMessage();
        message =
            message == null ? t.getClass().getSimpleName() : message.lines().findFirst().orElse("");
        // Jackson names our classes ("`dev.gantry...Route`"); the user knows the field path only.
        message = message.replaceAll("`[\\w.$]+\\.(\\w+)`", "$1");
        return (path.length() == 0 ? "" : path + ": ") + message;
      }
    }
    return e.getMessage();
  }
}
