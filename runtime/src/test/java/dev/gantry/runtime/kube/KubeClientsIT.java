package dev.gantry.runtime.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link KubeClients} on a real apiserver (TLS): six requests held open and a run of others share
 * one connection, where fabric8's default client opens one per request in flight; objects are read
 * without their managed fields, and written back without losing the server's.
 */
@WithClusters({"hub"})
class KubeClientsIT {

  @Test
  void requestsInFlightShareOneConnection(Testbed testbed) throws Exception {
    Config config = Config.fromKubeconfig(testbed.cluster("hub").adminKubeconfig());
    int port = URI.create(config.getMasterUrl()).getPort();
    Set<String> before = connectionsTo(port);
    try (KubernetesClient client = KubeClients.of(config)) {
      List<HttpResponse<InputStream>> watches = watching(client);
      for (int i = 0; i < 20; i++) {
        client.namespaces().list();
      }

      assertThat(newSince(before, port)).hasSize(1);
      assertThat(client.namespaces().withName("default").get()).isNotNull();
      close(watches);
    }
  }

  /** What the test above tells apart: fabric8's default client needs a connection per request. */
  @Test
  void theDefaultClientOpensAConnectionPerRequestInFlight(Testbed testbed) throws Exception {
    Config config = Config.fromKubeconfig(testbed.cluster("hub").adminKubeconfig());
    int port = URI.create(config.getMasterUrl()).getPort();
    Set<String> before = connectionsTo(port);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      List<HttpResponse<InputStream>> watches = watching(client);

      assertThat(newSince(before, port)).hasSizeGreaterThanOrEqualTo(6);
      close(watches);
    }
  }

  @Test
  void objectsAreReadWithoutManagedFieldsAndWrittenBackWithTheServersKept(Testbed testbed)
      throws Exception {
    Config config = Config.fromKubeconfig(testbed.cluster("hub").adminKubeconfig());
    try (KubernetesClient plain = new KubernetesClientBuilder().withConfig(config).build();
        KubernetesClient lean = KubeClients.of(config)) {
      plain
          .configMaps()
          .inNamespace("default")
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("lean")
                  .endMetadata()
                  .addToData("a", "1")
                  .build())
          .serverSideApply();
      SharedIndexInformer<ConfigMap> informer =
          lean.configMaps().inNamespace("default").withName("lean").runnableInformer(0);
      informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);

      ConfigMap read = lean.configMaps().inNamespace("default").withName("lean").get();
      assertThat(read.getMetadata().getManagedFields()).isNullOrEmpty();
      assertThat(informer.getStore().list())
          .singleElement()
          .satisfies(c -> assertThat(c.getMetadata().getManagedFields()).isNullOrEmpty());
      assertThat(plain.configMaps().inNamespace("default").withName("lean").get())
          .satisfies(c -> assertThat(c.getMetadata().getManagedFields()).isNotEmpty());

      read.getData().put("b", "2");
      ConfigMap written = lean.configMaps().inNamespace("default").resource(read).update();
      assertThat(written.getData()).containsEntry("b", "2");
      assertThat(plain.configMaps().inNamespace("default").withName("lean").get())
          .satisfies(c -> assertThat(c.getMetadata().getManagedFields()).isNotEmpty());
      informer.close();
    }
  }

  /**
   * Six watches made as plain streaming requests, each holding its response open: fabric8's
   * informers watch over WebSockets, which have connections of their own whatever the protocol.
   */
  private static List<HttpResponse<InputStream>> watching(KubernetesClient client)
      throws Exception {
    List<HttpResponse<InputStream>> watches = new ArrayList<>();
    HttpClient http = client.getHttpClient();
    for (int i = 0; i < 6; i++) {
      HttpRequest request =
          http.newHttpRequestBuilder()
              .uri(client.getMasterUrl() + "api/v1/namespaces?watch=true&timeoutSeconds=60")
              .build();
      HttpResponse<InputStream> response =
          http.sendAsync(request, InputStream.class).get(30, TimeUnit.SECONDS);
      assertThat(response.code()).isEqualTo(200);
      watches.add(response);
    }
    return watches;
  }

  private static void close(List<HttpResponse<InputStream>> watches) throws IOException {
    for (HttpResponse<InputStream> watch : watches) {
      watch.body().close();
    }
  }

  /** The connections to {@code port} opened since {@code before} was taken. */
  private static Set<String> newSince(Set<String> before, int port) throws IOException {
    Set<String> now = connectionsTo(port);
    now.removeAll(before);
    return now;
  }

  /**
   * The local addresses of the established TCP connections to {@code port}, from /proc (the test's
   * own and those of other clients of the same apiserver).
   */
  private static Set<String> connectionsTo(int port) throws IOException {
    String remote = ":%04X".formatted(port);
    Set<String> local = new HashSet<>();
    for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      List<String> lines = Files.readAllLines(path);
      for (String line : lines.subList(1, lines.size())) {
        // sl local_address rem_address st ...: ESTABLISHED is 01
        String[] fields = line.trim().split("\\s+");
        if (fields[2].toUpperCase(Locale.ROOT).endsWith(remote) && fields[3].equals("01")) {
          local.add(fields[1]);
        }
      }
    }
    return local;
  }
}
