package dev.gantry.discoverer.remote;

import dev.gantry.api.Labels;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.runtime.informer.LeanItemStore;
import dev.gantry.runtime.informer.RetryingInformers;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The remote cluster as the discoverer sees it: informers on its Services and EndpointSlices (one
 * pair per namespace when {@code --namespaces} is set, else cluster-wide). Handlers only enqueue
 * the Service key; the caches answer the reconciler's reads.
 */
public final class RemoteSource implements AutoCloseable {
  private static final String BY_SERVICE = "byService";

  private final KubernetesClient client;
  private final String probeNamespace;
  private final List<SharedIndexInformer<Service>> services = new ArrayList<>();
  private final List<SharedIndexInformer<EndpointSlice>> slices = new ArrayList<>();

  /**
   * Makes informers (they retry while the remote is unreachable). {@code enqueue} gets the key of
   * every Service touched by an event; {@code event} gets (resource, type) for metrics.
   */
  public RemoteSource(
      KubernetesClient client,
      RetryingInformers informers,
      String cluster,
      Set<String> namespaces,
      long resyncMillis,
      Consumer<ServiceName> enqueue,
      BiConsumer<String, String> event) {
    this.client = client;
    List<String> scopes =
        namespaces.isEmpty() ? List.of("") : new ArrayList<>(new TreeSet<>(namespaces));
    this.probeNamespace = scopes.get(0);
    for (String ns : scopes) {
      SharedIndexInformer<Service> serviceInformer =
          (ns.isEmpty() ? client.services().inAnyNamespace() : client.services().inNamespace(ns))
              .runnableInformer(resyncMillis)
              .itemStore(new LeanItemStore<>());
      String where = (ns.isEmpty() ? "" : " of namespace " + ns) + " in remote cluster " + cluster;
      informers.retrying(serviceInformer, "Services" + where);
      serviceInformer.addEventHandler(
          handler(
              "service",
              event,
              s -> enqueue.accept(ServiceName.of(ns(s), s.getMetadata().getName()))));
      SharedIndexInformer<EndpointSlice> sliceInformer =
          (ns.isEmpty()
                  ? client.discovery().v1().endpointSlices().inAnyNamespace()
                  : client.discovery().v1().endpointSlices().inNamespace(ns))
              .runnableInformer(resyncMillis)
              .itemStore(new LeanItemStore<>());
      informers.retrying(sliceInformer, "EndpointSlices" + where);
      sliceInformer.addIndexers(
          Map.of(
              BY_SERVICE,
              s -> {
                String service = serviceOf(s);
                return service == null ? List.of() : List.of(ns(s) + "/" + service);
              }));
      sliceInformer.addEventHandler(
          handler(
              "endpointslice",
              event,
              s -> {
                String service = serviceOf(s);
                if (service != null) {
                  enqueue.accept(ServiceName.of(ns(s), service));
                }
              }));
      services.add(serviceInformer);
      slices.add(sliceInformer);
    }
  }

  /** Starts every informer; the future completes when all have listed once. */
  public CompletableFuture<Void> start() {
    List<CompletableFuture<?>> started = new ArrayList<>();
    services.forEach(i -> started.add(i.start().toCompletableFuture()));
    slices.forEach(i -> started.add(i.start().toCompletableFuture()));
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
  }

  private static String ns(HasMetadata o) {
    return o.getMetadata().getNamespace();
  }

  private static String serviceOf(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    return labels == null ? null : labels.get(Labels.SERVICE_NAME);
  }

  private static <T extends HasMetadata> ResourceEventHandler<T> handler(
      String resource, BiConsumer<String, String> event, Consumer<T> enqueue) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        event.accept(resource, "add");
        enqueue.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        event.accept(resource, "update");
        enqueue.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        event.accept(resource, "delete");
        enqueue.accept(obj);
      }
    };
  }

  /** Whether every informer has completed its first list. */
  public boolean hasSynced() {
    return services.stream().allMatch(SharedIndexInformer::hasSynced)
        && slices.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** Whether every informer currently has an open watch. */
  public boolean isWatching() {
    return services.stream().allMatch(SharedIndexInformer::isWatching)
        && slices.stream().allMatch(SharedIndexInformer::isWatching);
  }

  public Service service(ServiceName key) {
    for (SharedIndexInformer<Service> informer : services) {
      Service s = informer.getStore().getByKey(key.namespace() + "/" + key.name());
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  public List<EndpointSlice> slices(ServiceName key) {
    List<EndpointSlice> result = new ArrayList<>();
    for (SharedIndexInformer<EndpointSlice> informer : slices) {
      result.addAll(informer.getIndexer().byIndex(BY_SERVICE, key.toString()));
    }
    return result;
  }

  /** Keys of every Service in the caches. */
  public Set<ServiceName> serviceKeys() {
    Set<ServiceName> keys = new TreeSet<>();
    for (SharedIndexInformer<Service> informer : services) {
      for (Service s : informer.getStore().list()) {
        keys.add(ServiceName.of(ns(s), s.getMetadata().getName()));
      }
    }
    return keys;
  }

  /** A cheap request that proves the apiserver answers with these credentials. */
  public void probe() {
    // What the discoverer must be allowed to do, so a revoked token (401) and missing RBAC (403)
    // show as such; /version would answer either.
    (probeNamespace.isEmpty()
            ? client.services().inAnyNamespace()
            : client.services().inNamespace(probeNamespace))
        .list(new ListOptionsBuilder().withLimit(1L).build());
  }

  @Override
  public void close() {
    services.forEach(SharedIndexInformer::close);
    slices.forEach(SharedIndexInformer::close);
    client.close();
  }
}
