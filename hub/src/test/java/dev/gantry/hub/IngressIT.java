package dev.gantry.hub;

import static dev.gantry.xds.IngressFixtures.ingress;
import static dev.gantry.xds.IngressFixtures.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.HubServices;
import dev.gantry.testbed.NetworkNamespace;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import dev.gantry.xds.Backends;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Native Ingress through a real Envoy, driven by the hub's own informers on a real apiserver. Each
 * backend answers with its name, so a response shows which path a request took. The backends run in
 * this JVM on the host address of a test network namespace (the apiserver refuses loopback endpoint
 * addresses).
 */
@WithClusters({"hub"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngressIT {
  private static final String NS = "ingress-it";
  private static final String HOST = "web.example.com";
  private final Backends backends = new Backends();
  private final HttpClient http = HttpClient.newHttpClient();
  private NetworkNamespace netns;
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
    netns = NetworkNamespace.create();
    for (String name : List.of("foo", "exact", "impl", "default", "hostless", "nginx", "bare")) {
      service(name, backends.start(name, netns.hostAddress()));
    }
    port = Ports.freeLoopbackPort();
    hub = HubFixtures.hub(client, port, Ports.freeLoopbackPort());
    envoy =
        Envoy.start(
            "envoy-ingress",
            Envoy.adsBootstrap("envoy-ingress", "GRPC", hub.xdsPort()),
            Testbed.workDirectory().resolve("ingress-" + System.nanoTime()));
  }

  @AfterAll
  void stop() {
    if (envoy != null) {
      envoy.close();
    }
    if (hub != null) {
      hub.close();
    }
    backends.close();
    if (netns != null) {
      netns.close();
    }
  }

  @Test
  void ingressesOfOurClassServeWithKubernetesPathSemantics() throws Exception {
    // Created while the hub runs: the informer's events, not a first list, bring them in.
    create(
        ingress(NS + "/web")
            .rule(
                HOST,
                path("/foo", "Prefix", "foo", 80),
                path("/exact", "Exact", "exact", 80),
                path("/impl", "ImplementationSpecific", "impl", 80))
            .defaultBackend("default", "http")
            .build());
    create(ingress(NS + "/hostless").rule(null, path("/any", "Prefix", "hostless", 80)).build());
    create(
        ingress(NS + "/nginx")
            .className("nginx")
            .rule(HOST, path("/nginx", "Exact", "nginx", 80))
            .build());
    create(
        ingress(NS + "/no-class")
            .className(null)
            .rule(HOST, path("/bare", "Exact", "bare", 80))
            .build());
    // Asks for an IP allow list Gantry does not implement: not served at all, rather than open.
    create(
        ingress(NS + "/restricted")
            .annotation("nginx.ingress.kubernetes.io/whitelist-source-range", "10.0.0.0/8")
            .rule("restricted.example.com", path("/", "Prefix", "foo", 80))
            .build());
    create(
        ingress(NS + "/broken")
            .rule(HOST, path("/broken", "Prefix", "missing", 80))
            .rule("second.example.com", path("/", "Prefix", "missing", 80))
            .build());

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                get(HOST, "/foo").equals("foo") && get("x.example.com", "/any").equals("hostless"));

    // Prefix: whole path elements only.
    assertThat(get(HOST, "/foo")).isEqualTo("foo");
    assertThat(get(HOST, "/foo/")).isEqualTo("foo");
    assertThat(get(HOST, "/foo/bar")).isEqualTo("foo");
    assertThat(get(HOST, "/foobar")).as("/foo does not match /foobar").isEqualTo("default");
    // Exact.
    assertThat(get(HOST, "/exact")).isEqualTo("exact");
    assertThat(get(HOST, "/exact/more")).isEqualTo("default");
    // ImplementationSpecific: a plain prefix.
    assertThat(get(HOST, "/impl")).isEqualTo("impl");
    assertThat(get(HOST, "/implementation")).isEqualTo("impl");
    // The default backend: what no path of the host matches, and any other host.
    assertThat(get(HOST, "/")).isEqualTo("default");
    assertThat(get("unknown.example.com", "/elsewhere")).isEqualTo("default");
    // A rule without host: every host that has no virtual host of its own.
    assertThat(get("x.example.com:8080", "/any/thing")).isEqualTo("hostless");
    assertThat(get(HOST, "/any")).as("a named host does not fall back to *").isEqualTo("default");
    // Another class, or none: ignored. A broken Ingress: left out, the rest serves.
    assertThat(get(HOST, "/nginx")).isEqualTo("default");
    assertThat(get(HOST, "/bare")).isEqualTo("default");
    assertThat(get(HOST, "/broken")).isEqualTo("default");
    assertThat(get("restricted.example.com", "/")).as("fails closed").isEqualTo("default");
    assertThat(envoy.admin("/config_dump?resource=dynamic_route_configs"))
        .doesNotContain("second.example.com")
        .contains("path_separated_prefix");
    assertThat(hub.metrics().scrape())
        .doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");

    // A changed Ingress is served as changed; a deleted one is gone.
    client
        .network()
        .v1()
        .ingresses()
        .inNamespace(NS)
        .withName("hostless")
        .edit(
            i -> {
              i.getSpec().getRules().get(0).getHttp().getPaths().get(0).setPath("/other");
              return i;
            });
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("x.example.com", "/other").equals("hostless"));
    assertThat(get("x.example.com", "/any")).isEqualTo("default");
    client.network().v1().ingresses().inNamespace(NS).withName("web").delete();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get(HOST, "/foo").equals("status-404"));
    assertThat(get("x.example.com", "/other")).isEqualTo("hostless");
  }

  private void create(Ingress ingress) {
    client.network().v1().ingresses().inNamespace(NS).resource(ingress).create();
  }

  private String get(String host, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? r.body() : "status-" + r.statusCode();
  }

  /** A hub Service {@code name} (port 80, "http") whose one endpoint is the named backend. */
  private void service(String name, int backendPort) {
    HubServices.withEndpoint(client, NS, name, "http", 80, backendPort, netns.hostAddress());
  }
}
