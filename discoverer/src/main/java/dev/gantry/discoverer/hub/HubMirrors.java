package dev.gantry.discoverer.hub;

import dev.gantry.api.Labels;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.runtime.informer.LeanItemStore;
import dev.gantry.runtime.informer.RetryingInformers;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
import java.util.function.Consumer;

/**
 * The hub objects this discoverer owns (label {@code gantry.dev/cluster=<cluster>}), cached by
 * informers and indexed by the remote Service they mirror. Objects without the label are never in
 * here, so nothing this class returns can be someone else's.
 */
public final class HubMirrors implements AutoCloseable {
  private static final String BY_SOURCE = "bySource";

  private final List<SharedIndexInformer<Service>> services = new ArrayList<>();
  private final List<SharedIndexInformer<EndpointSlice>> slices = new ArrayList<>();

  public HubMirrors(
      KubernetesClient hub,
      RetryingInformers informers,
      String cluster,
      Set<String> namespaces,
      long resyncMillis) {
    List<String> scopes =
        namespaces.isEmpty() ? List.of("") : new ArrayList<>(new TreeSet<>(namespaces));
    for (String ns : scopes) {
      SharedIndexInformer<Service> s =
          (ns.isEmpty() ? hub.services().inAnyNamespace() : hub.services().inNamespace(ns))
              .withLabel(Labels.CLUSTER, cluster)
              .runnableInformer(resyncMillis)
              .itemStore(new LeanItemStore<>());
      informers.retrying(s, "mirror Services" + where(ns) + " in the hub");
      s.addIndexers(Map.of(BY_SOURCE, HubMirrors::source));
      SharedIndexInformer<EndpointSlice> e =
          (ns.isEmpty()
                  ? hub.discovery().v1().endpointSlices().inAnyNamespace()
                  : hub.discovery().v1().endpointSlices().inNamespace(ns))
              .withLabel(Labels.CLUSTER, cluster)
              .runnableInformer(resyncMillis)
              .itemStore(new LeanItemStore<>());
      informers.retrying(e, "mirror EndpointSlices" + where(ns) + " in the hub");
      e.addIndexers(Map.of(BY_SOURCE, HubMirrors::source));
      services.add(s);
      slices.add(e);
    }
  }

  private static String where(String ns) {
    return ns.isEmpty() ? "" : " of namespace " + ns;
  }

  private static List<String> source(HasMetadata o) {
    Map<String, String> labels = o.getMetadata().getLabels();
    String service = labels == null ? null : labels.get(Labels.SERVICE);
    return service == null ? List.of() : List.of(o.getMetadata().getNamespace() + "/" + service);
  }

  /**
   * Calls {@code deleted} with the source key of every mirror that leaves the hub (deleted by
   * anyone, or its namespace), so it is written again at once, not at the next resync.
   */
  public void onDeleted(Consumer<ServiceName> deleted) {
    services.forEach(i -> i.addEventHandler(new Deletions<>(deleted)));
    slices.forEach(i -> i.addEventHandler(new Deletions<>(deleted)));
  }

  private static final class Deletions<T extends HasMetadata> implements ResourceEventHandler<T> {
    private final Consumer<ServiceName> deleted;

    Deletions(Consumer<ServiceName> deleted) {
      this.deleted = deleted;
    }

    @Override
    public void onAdd(T obj) {}

    @Override
    public void onUpdate(T oldObj, T newObj) {}

    @Override
    public void onDelete(T obj, boolean deletedFinalStateUnknown) {
      source(obj).forEach(k -> deleted.accept(parse(k)));
    }
  }

  public CompletableFuture<Void> start() {
    List<CompletableFuture<?>> started = new ArrayList<>();
    services.forEach(i -> started.add(i.start().toCompletableFuture()));
    slices.forEach(i -> started.add(i.start().toCompletableFuture()));
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
  }

  public boolean hasSynced() {
    return services.stream().allMatch(SharedIndexInformer::hasSynced)
        && slices.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** The mirror Service of {@code key}, if this discoverer has one in the hub. */
  public Service service(ServiceName key) {
    for (SharedIndexInformer<Service> informer : services) {
      List<Service> found = informer.getIndexer().byIndex(BY_SOURCE, key.toString());
      if (!found.isEmpty()) {
        return found.get(0);
      }
    }
    return null;
  }

  public List<EndpointSlice> slices(ServiceName key) {
    List<EndpointSlice> result = new ArrayList<>();
    for (SharedIndexInformer<EndpointSlice> informer : slices) {
      result.addAll(informer.getIndexer().byIndex(BY_SOURCE, key.toString()));
    }
    return result;
  }

  /** Keys of every remote Service that has a mirror (Service or slice) in the hub. */
  public Set<ServiceName> sourceKeys() {
    Set<ServiceName> keys = new TreeSet<>();
    for (SharedIndexInformer<Service> informer : services) {
      informer.getStore().list().forEach(o -> source(o).forEach(k -> keys.add(parse(k))));
    }
    for (SharedIndexInformer<EndpointSlice> informer : slices) {
      informer.getStore().list().forEach(o -> source(o).forEach(k -> keys.add(parse(k))));
    }
    return keys;
  }

  private static ServiceName parse(String key) {
    int slash = key.indexOf('/');
    return ServiceName.of(key.substring(0, slash), key.substring(slash + 1));
  }

  /** Every mirror Service this discoverer has in the hub, as cached. */
  public List<Service> services() {
    List<Service> result = new ArrayList<>();
    services.forEach(i -> result.addAll(i.getStore().list()));
    return result;
  }

  /** Every mirror EndpointSlice this discoverer has in the hub, as cached. */
  public List<EndpointSlice> slices() {
    List<EndpointSlice> result = new ArrayList<>();
    slices.forEach(i -> result.addAll(i.getStore().list()));
    return result;
  }

  public int serviceCount() {
    return services.stream().mapToInt(i -> i.getStore().list().size()).sum();
  }

  public int sliceCount() {
    return slices.stream().mapToInt(i -> i.getStore().list().size()).sum();
  }

  @Override
  public void close() {
    services.forEach(SharedIndexInformer::close);
    slices.forEach(SharedIndexInformer::close);
  }
}
