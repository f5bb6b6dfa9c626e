package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.NetworkNamespace;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import dev.gantry.xds.Fixtures;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * EndpointSlice conditions through a real Envoy, from hub objects on a real apiserver: service
 * {@code who} has four endpoints in two localities, the hub's own Service ({@code a}, {@code b})
 * and the mirror of cluster east ({@code c}, {@code d}). Each backend runs and answers with its
 * name, in a network namespace of its own (the apiserver refuses loopback endpoint addresses), so
 * any request an endpoint should not get would show.
 */
@WithClusters({"hub"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointReadinessIT {
  private static final String NS = "readiness-it";
  private static final String HOST = "who.example.com";
  private static final int BACKEND_PORT = 8080;
  private static final int REQUESTS = 60;
  private static final List<String> BACKENDS = List.of("a", "b", "c", "d");

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<NetworkNamespace> namespaces = new ArrayList<>();
  private final Map<String, String> addresses = new TreeMap<>();
  private KubernetesClient client;
  private Hub hub;
  private Envoy envoy;
  private int port;

  @BeforeAll
  void start(Testbed testbed) {
    client = testbed.cluster("hub").client();
    Crds.install(client, RemoteCluster.CRD_NAME, HTTPProxy.CRD_NAME, ServiceImport.CRD_NAME);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    Path dir = testbed.directory().resolve("readiness");
    for (String name : BACKENDS) {
      NetworkNamespace ns = NetworkNamespace.create();
      namespaces.add(ns);
      ns.httpBackend(name, BACKEND_PORT, name, dir.resolve(name + ".log"));
      addresses.put(name, ns.address());
    }
    for (String name : BACKENDS) {
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(20))
          .alias("backend " + name + " answers with its name")
          .until(() -> name.equals(direct(name)));
    }

    // Written before the hub starts, so that its first snapshot has them all: no state with the
    // ready endpoint alone can pass for the one under test.
    service(null, "who");
    slice(null, "who", ready("a"), notReady("b"));
    service("east", "east-who");
    slice("east", "east-who", notReady("c"), notReady("d"));
    client
        .resources(HTTPProxy.class)
        .inNamespace(NS)
        .resource(Fixtures.proxy(NS + "/who").fqdn(HOST).route("/", "who", 80, null).build())
        .create();

    port = Ports.freeLoopbackPort();
    hub = HubFixtures.hub(client, port, Ports.freeLoopbackPort());
    envoy =
        Envoy.start(
            "envoy-readiness",
            Envoy.adsBootstrap("envoy-readiness", "GRPC", hub.xdsPort()),
            Testbed.workDirectory().resolve("readiness-" + System.nanoTime()));
  }

  @AfterAll
  void stop() {
    if (envoy != null) {
      envoy.close();
    }
    if (hub != null) {
      hub.close();
    }
    namespaces.forEach(NetworkNamespace::close);
  }

  /**
   * Regression: with 3 of 4 endpoints {@code ready: false}, Envoy's panic mode sent 45 of 60
   * requests to the three, which reached it as UNHEALTHY hosts.
   */
  @Test
  void notReadyEndpointsNeverTakeTrafficAndServingTerminatingOnesOnlyWhileNoneIsReady()
      throws Exception {
    // a ready; b, c, d not ready (3 of 4, across both localities).
    awaitAllTo("a");
    assertThat(answers(REQUESTS)).containsExactly(Map.entry("a", REQUESTS));
    assertEnvoyKnowsOnly("a");

    // The ready endpoint is gone and b is shutting down but still serving: b is the fallback.
    slice(null, "who", servingTerminating("b"));
    awaitAllTo("b");
    assertThat(answers(REQUESTS)).containsExactly(Map.entry("b", REQUESTS));
    assertEnvoyKnowsOnly("b");

    // A ready endpoint again, in the other locality: the terminating one gets nothing.
    slice("east", "east-who", notReady("c"), ready("d"));
    awaitAllTo("d");
    assertThat(answers(REQUESTS)).containsExactly(Map.entry("d", REQUESTS));
    assertEnvoyKnowsOnly("d");

    // Still serving by its own address: the test could have seen traffic to every one of them.
    for (String name : BACKENDS) {
      assertThat(direct(name)).isEqualTo(name);
    }
    assertThat(hub.metrics().scrape())
        .doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
  }

  private void awaitAllTo(String name) {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .alias("every request answered by " + name)
        .untilAsserted(() -> assertThat(answers(20)).containsOnlyKeys(name));
  }

  /** Envoy's hosts for the service are exactly the endpoint {@code name}. */
  private void assertEnvoyKnowsOnly(String name) throws Exception {
    String clusters = envoy.admin("/clusters");
    for (String backend : BACKENDS) {
      String host = addresses.get(backend) + ":" + BACKEND_PORT;
      if (backend.equals(name)) {
        assertThat(clusters).contains(host);
      } else {
        assertThat(clusters).as("Envoy's hosts").doesNotContain(host);
      }
    }
  }

  /** Who answered {@code count} requests through Envoy, by name, each request must succeed. */
  private Map<String, Integer> answers(int count) throws Exception {
    Map<String, Integer> names = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                  .header("Host", HOST)
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("status of request %d", i).isEqualTo(200);
      names.merge(response.body(), 1, Integer::sum);
    }
    return names;
  }

  /** The body backend {@code name} answers when asked directly, not through Envoy. */
  private String direct(String name) throws Exception {
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://" + addresses.get(name) + ":" + BACKEND_PORT + "/"))
                .timeout(Duration.ofSeconds(2))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /**
   * Headless Service {@code name} with port http/80: the hub's own when {@code cluster} is null,
   * else a mirror of {@code who} from that cluster as the discoverer writes it.
   */
  private void service(String cluster, String name) {
    client
        .services()
        .inNamespace(NS)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName(name)
                .withLabels(mirrorLabels(cluster))
                .endMetadata()
                .withNewSpec()
                .withClusterIP("None")
                .addNewPort()
                .withName("http")
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .serverSideApply();
  }

  /** Writes the one EndpointSlice of Service {@code service} with port http/8080, whole. */
  private void slice(String cluster, String service, Endpoint... endpoints) {
    Map<String, String> labels = new TreeMap<>(mirrorLabels(cluster));
    labels.put(Labels.SERVICE_NAME, service);
    if (cluster != null) {
      labels.put(Labels.ENDPOINTSLICE_MANAGED_BY, Labels.ENDPOINTSLICE_MANAGED_BY_VALUE);
    }
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(NS)
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName(service + "-1")
                .withLabels(labels)
                .endMetadata()
                .withAddressType("IPv4")
                .addNewPort()
                .withName("http")
                .withPort(BACKEND_PORT)
                .withProtocol("TCP")
                .endPort()
                .withEndpoints(endpoints)
                .build())
        .serverSideApply();
  }

  private static Map<String, String> mirrorLabels(String cluster) {
    return cluster == null
        ? Map.of()
        : Map.of(
            Labels.CLUSTER,
            cluster,
            Labels.SERVICE,
            "who",
            Labels.MANAGED_BY,
            Labels.MANAGED_BY_VALUE);
  }

  private Endpoint ready(String name) {
    return endpoint(name, true, true, false);
  }

  private Endpoint notReady(String name) {
    return endpoint(name, false, false, false);
  }

  private Endpoint servingTerminating(String name) {
    return endpoint(name, false, true, true);
  }

  private Endpoint endpoint(String name, boolean ready, boolean serving, boolean terminating) {
    return new EndpointBuilder()
        .withAddresses(addresses.get(name))
        .withNewConditions()
        .withReady(ready)
        .withServing(serving)
        .withTerminating(terminating)
        .endConditions()
        .build();
  }
}
