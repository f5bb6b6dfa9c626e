package dev.gantry.runtime.informer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link RetryingInformers#startApart} on a real apiserver: informers started from one thread fill
 * their stores on one of the client's event loops, started apart on several.
 */
@WithClusters({"hub"})
class StartApartIT {

  @Test
  void informersStartedFromOneThreadListOnOneEventLoop(Testbed testbed) throws Exception {
    try (KubernetesClient client = fresh(testbed)) {
      Set<String> threads = ConcurrentHashMap.newKeySet();
      List<SharedIndexInformer<?>> informers = informers(client, threads);
      List<CompletableFuture<Void>> started = new ArrayList<>();
      for (SharedIndexInformer<?> informer : informers) {
        started.add(informer.start().toCompletableFuture());
      }
      CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

      assertThat(threads).hasSize(1);
      assertThat(threads.iterator().next()).startsWith("vert.x-eventloop-thread-");
      informers.forEach(SharedIndexInformer::close);
    }
  }

  @Test
  void informersStartedApartListOnSeveralEventLoopsAndSync(Testbed testbed) throws Exception {
    try (KubernetesClient client = fresh(testbed)) {
      Set<String> threads = ConcurrentHashMap.newKeySet();
      List<SharedIndexInformer<?>> informers = informers(client, threads);
      List<CompletableFuture<Void>> started = new ArrayList<>();
      for (SharedIndexInformer<?> informer : informers) {
        started.add(RetryingInformers.startApart(informer));
      }
      CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

      assertThat(informers).allMatch(SharedIndexInformer::hasSynced);
      assertThat(informers.get(0).getStore().list()).isNotEmpty(); // the namespaces
      assertThat(threads).hasSizeGreaterThan(1).allMatch(t -> t.startsWith("vert.x-eventloop"));
      informers.forEach(SharedIndexInformer::close);
    }
  }

  @Test
  void aStoppedInformerStartedApartFails(Testbed testbed) {
    try (KubernetesClient client = fresh(testbed)) {
      SharedIndexInformer<?> informer = client.namespaces().runnableInformer(0);
      informer.stop();

      CompletableFuture<Void> started = RetryingInformers.startApart(informer);

      assertThat(started).failsWithin(Duration.ofSeconds(30));
    }
  }

  /** A client of its own: its event loops are not pinned by requests of other tests. */
  private static KubernetesClient fresh(Testbed testbed) {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(testbed.cluster("hub").adminKubeconfig()))
        .build();
  }

  /** Informers on four kinds, each with objects, whose stores note the threads that fill them. */
  private static List<SharedIndexInformer<?>> informers(
      KubernetesClient client, Set<String> threads) {
    client
        .configMaps()
        .inNamespace("default")
        .resource(new ConfigMapBuilder().withNewMetadata().withName("apart").endMetadata().build())
        .serverSideApply();
    client
        .secrets()
        .inNamespace("default")
        .resource(new SecretBuilder().withNewMetadata().withName("apart").endMetadata().build())
        .serverSideApply();
    return List.of(
        client.namespaces().runnableInformer(0).itemStore(new Noting<>(threads)),
        client.configMaps().inAnyNamespace().runnableInformer(0).itemStore(new Noting<>(threads)),
        client.secrets().inAnyNamespace().runnableInformer(0).itemStore(new Noting<>(threads)),
        client.services().inAnyNamespace().runnableInformer(0).itemStore(new Noting<>(threads)));
  }

  /** A store that notes the thread of each put. */
  private static final class Noting<T extends HasMetadata> extends BasicItemStore<T> {
    private final Set<String> threads;

    Noting(Set<String> threads) {
      super(Cache::metaNamespaceKeyFunc);
      this.threads = threads;
    }

    @Override
    public T put(String key, T object) {
      threads.add(Thread.currentThread().getName());
      return super.put(key, object);
    }
  }
}
