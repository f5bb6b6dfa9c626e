package dev.gantry.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.runtime.informer.LeanItemStore;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The hub's informers hold objects without {@code managedFields} (a third of the hub's live heap at
 * size), against a real apiserver: the cache and the handlers see none, the server keeps its own,
 * and a cached object written back leaves the server's managed fields as they were.
 */
@WithClusters({"hub"})
class LeanItemStoreIT {
  @Test
  void informersHoldNoManagedFieldsAndWritesBackKeepTheServers(Testbed testbed) {
    KubernetesClient hub = testbed.cluster("hub").client();
    String ns = "lean-store";
    hub.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    hub.services()
        .inNamespace(ns)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("web")
                .addToLabels("app", "web")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("http")
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
    assertThat(
            hub.services().inNamespace(ns).withName("web").get().getMetadata().getManagedFields())
        .isNotEmpty();
    List<Service> seen = new CopyOnWriteArrayList<>();

    SharedIndexInformer<Service> informer =
        hub.services().inNamespace(ns).runnableInformer(0).itemStore(new LeanItemStore<>());
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Service s) {
            seen.add(s);
          }

          @Override
          public void onUpdate(Service before, Service after) {
            seen.add(after);
          }

          @Override
          public void onDelete(Service s, boolean unknown) {}
        });
    try {
      informer.run();
      await().atMost(Duration.ofSeconds(30)).until(() -> !informer.getStore().list().isEmpty());
      Service cached = informer.getStore().getByKey(ns + "/web");
      assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
      assertThat(cached.getMetadata().getLabels()).containsEntry("app", "web");

      // Written back from the cache: the server's managed fields stay, and the next event's
      // object in the cache has none again.
      cached.getMetadata().getLabels().put("tier", "front");
      hub.services().inNamespace(ns).resource(cached).update();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> seen.stream().anyMatch(s -> s.getMetadata().getLabels().containsKey("tier")));
      assertThat(seen)
          .allSatisfy(s -> assertThat(s.getMetadata().getManagedFields()).isNullOrEmpty());
      assertThat(
              hub.services().inNamespace(ns).withName("web").get().getMetadata().getManagedFields())
          .isNotEmpty()
          .anySatisfy(
              f -> assertThat(f.getFieldsV1().getAdditionalProperties()).containsKey("f:spec"));
    } finally {
      informer.close();
    }
  }
}
