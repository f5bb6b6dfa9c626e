package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxyStatus;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.NetworkNamespace;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import dev.gantry.xds.Backends;
import dev.gantry.xds.DnsServer;
import dev.gantry.xds.Fixtures;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The hub with {@code --enable-external-name-service} on a real apiserver: an HTTPProxy routing to
 * an ExternalName Service is served through a real Envoy that resolves the name through the test's
 * DNS server to a backend on a test network namespace's host address, and its status is valid; one
 * routing to an ExternalName Service that names {@code localhost} gets Contour's {@code
 * ServiceUnresolvedReference} in its status and is not served.
 */
@WithClusters({"hub"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalNameServiceIT {
  private static final String NS = "external-name-it";
  private static final String HOST = "ext.example.com";
  private static final String HOME = "home.example.com";
  private static final String NAME = "web.gantry-hub.test";
  private final Backends backends = new Backends();
  private final HttpClient http = HttpClient.newHttpClient();
  private NetworkNamespace netns;
  private DnsServer dns;
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
    int backend = backends.start("external", netns.hostAddress());
    dns = DnsServer.start();
    dns.answer(NAME, netns.hostAddress());
    externalName("web", NAME, backend);
    externalName("home", "localhost", backend);
    client
        .resources(HTTPProxy.class)
        .inNamespace(NS)
        .resource(Fixtures.proxy(NS + "/web").fqdn(HOST).route("/", "web", backend, null).build())
        .create();
    client
        .resources(HTTPProxy.class)
        .inNamespace(NS)
        .resource(Fixtures.proxy(NS + "/home").fqdn(HOME).route("/", "home", backend, null).build())
        .create();
    port = Ports.freeLoopbackPort();
    hub =
        HubFixtures.hub(
            client, port, Ports.freeLoopbackPort(), c -> c.withExternalNameServices(true));
    envoy =
        Envoy.start(
            "envoy-external-name-hub",
            Envoy.withDnsResolver(
                Envoy.adsBootstrap("envoy-external-name-hub", "DELTA_GRPC", hub.xdsPort()),
                dns.port()),
            Testbed.workDirectory().resolve("external-name-hub-" + System.nanoTime()));
  }

  @AfterAll
  void stop() {
    if (envoy != null) {
      envoy.close();
    }
    if (hub != null) {
      hub.close();
    }
    if (dns != null) {
      dns.close();
    }
    backends.close();
    if (netns != null) {
      netns.close();
    }
  }

  private void externalName(String name, String externalName, int port) {
    client
        .services()
        .inNamespace(NS)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withType("ExternalName")
                .withExternalName(externalName)
                .addNewPort()
                .withName("http")
                .withPort(port)
                .endPort()
                .endSpec()
                .build())
        .create();
  }

  private HttpResponse<String> get(String host) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .header("Host", host)
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HTTPProxyStatus status(String name) {
    HTTPProxy p = client.resources(HTTPProxy.class).inNamespace(NS).withName(name).get();
    return p == null ? null : p.getStatus();
  }

  @Test
  void anExternalNameServiceIsServedThroughEnvoysDnsAndLocalhostIsRefused() throws Exception {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .until(() -> get(HOST).body().equals("external"));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "valid".equals(status("web").getCurrentStatus()));
    assertThat(dns.queries()).isPositive();

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "invalid".equals(status("home").getCurrentStatus()));
    assertThat(status("home").getConditions().get(0).getErrors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("ServiceError");
              assertThat(e.getReason()).isEqualTo("ServiceUnresolvedReference");
              assertThat(e.getMessage())
                  .contains(NS + "/home is an ExternalName service that points to localhost");
            });
    assertThat(get(HOME).statusCode()).isEqualTo(404);
  }
}
