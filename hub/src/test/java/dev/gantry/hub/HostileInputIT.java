package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxyStatus;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.HubServices;
import dev.gantry.testbed.ManagedProcess;
import dev.gantry.testbed.NetworkNamespace;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import dev.gantry.xds.HostileProxies;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The hostile HTTPProxies of {@link HostileProxies} written to a real apiserver next to a valid
 * one, with the hub and a real Envoy running: the apiserver refuses what its schema forbids, the
 * hub writes each of the others its precise status, the valid proxy keeps serving a backend in a
 * network namespace throughout, and the hub stays up and ready. The hub routes to ExternalName
 * Services here, and proxies to ones of hostile names (those the apiserver takes) are refused.
 */
@WithClusters({"hub"})
class HostileInputIT {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void eachHostileProxyGetsItsStatusWhileTheValidOneKeepsServing(Testbed testbed) throws Exception {
    KubernetesClient client = testbed.cluster("hub").client();
    Crds.install(client, RemoteCluster.CRD_NAME, HTTPProxy.CRD_NAME, ServiceImport.CRD_NAME);
    Path dir = testbed.directory().resolve("hostile");
    Files.createDirectories(dir);
    int httpPort = Ports.freeLoopbackPort();
    try (NetworkNamespace ns = NetworkNamespace.create();
        ManagedProcess backend = echoingKuard(ns, dir.resolve("kuard.log"));
        // With ExternalName Services enabled: the hostile names must be refused by the hub itself.
        Hub hub =
            HubFixtures.hub(
                client, httpPort, Ports.freeLoopbackPort(), c -> c.withExternalNameServices(true));
        Envoy envoy =
            Envoy.start(
                "envoy-hostile",
                Envoy.adsBootstrap("envoy-hostile", "DELTA_GRPC", hub.xdsPort()),
                dir)) {
      kuard(client, ns.address());
      apply(client, HostileProxies.valid());
      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .until(() -> "kuard".equals(get(httpPort, HostileProxies.VALID_FQDN, "/").body()));

      for (HostileProxies.Refused refused : HostileProxies.refused()) {
        assertThatThrownBy(() -> applyUntyped(client, refused.yaml()))
            .as(refused.name())
            .isInstanceOfSatisfying(
                KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
      }
      Map<String, String> expected = new TreeMap<>();
      for (HostileProxies.Case c : HostileProxies.cases()) {
        apply(client, c.yaml());
        expected.put(c.proxyName(), c.expected());
      }

      // Proxies routing to ExternalName Services of hostile names, each Service as the apiserver
      // takes it (it refuses some names itself). The one fine name is left out: Envoy would
      // resolve it through the machine's DNS, and tests talk to nothing outside.
      int refusedNames = 0;
      for (HostileProxies.ExternalNameCase c : HostileProxies.externalNames()) {
        if (c.on().equals("valid")) {
          continue;
        }
        try {
          externalName(client, c.service(), c.externalName());
        } catch (KubernetesClientException e) {
          assertThat(e.getCode()).as(c.name()).isEqualTo(422);
          refusedNames++;
          continue;
        }
        apply(client, c.yaml());
        expected.put(c.proxyName(), c.on());
      }
      assertThat(refusedNames).as("names the apiserver refuses").isPositive();
      assertThat(expected).containsKeys("x0", "x5"); // localhost, 127.0.0.1: taken, then refused

      await()
          .atMost(CONVERGE)
          .untilAsserted(() -> assertThat(statuses(client, expected)).isEqualTo(expected));
      assertThat(get(httpPort, HostileProxies.VALID_FQDN, "/").body()).isEqualTo("kuard");
      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .until(() -> "kuard".equals(get(httpPort, "many.hostile.test", "/r9999").body()));

      // "100%" is escaped for Envoy and arrives as written: at the backend and at the client.
      String percent = proxyName("request header value 100%, served escaped");
      HttpResponse<String> discounted =
          await()
              .ignoreExceptions()
              .atMost(CONVERGE)
              .until(
                  () -> get(httpPort, percent + ".hostile.test", "/"),
                  r -> "kuard".equals(r.body()));
      assertThat(discounted.headers().firstValue("x-seen-discount")).hasValue("100%");
      assertThat(discounted.headers().firstValue("x-rate")).hasValue("50%");
      // A proxy added after all of them is served: Envoy took every configuration since.
      apply(
          client,
          HostileProxies.valid().replace("name: valid", "name: late").replace("valid.", "late."));
      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .until(() -> "kuard".equals(get(httpPort, "late.hostile.test", "/").body()));
      for (String name : expected.keySet()) {
        HTTPProxy proxy =
            client.resources(HTTPProxy.class).inNamespace("demo").withName(name).get();
        assertThat(proxy.getStatus().getConditions().get(0).getObservedGeneration())
            .as(name)
            .isEqualTo(proxy.getMetadata().getGeneration());
      }

      // Fixed, a proxy turns valid and serves; its status follows the new generation.
      String fixable = proxyName("service that does not exist");
      client
          .resources(HTTPProxy.class)
          .inNamespace("demo")
          .withName(fixable)
          .edit(
              p -> {
                p.getSpec().getRoutes().get(0).getServices().get(0).setName("kuard");
                return p;
              });
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                HTTPProxy fixed =
                    client.resources(HTTPProxy.class).inNamespace("demo").withName(fixable).get();
                assertThat(fixed.getMetadata().getGeneration()).isEqualTo(2L);
                assertThat(fixed.getStatus().getCurrentStatus()).isEqualTo("valid");
                assertThat(fixed.getStatus().getConditions().get(0).getObservedGeneration())
                    .isEqualTo(2L);
              });
      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .until(() -> "kuard".equals(get(httpPort, fixable + ".hostile.test", "/").body()));
      assertThat(hub.ready()).isTrue();
      assertThat(hub.metrics().scrape())
          .doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
      backend.checkAlive();
    }
  }

  private static String proxyName(String caseName) {
    return HostileProxies.cases().stream()
        .filter(c -> c.name().equals(caseName))
        .findFirst()
        .orElseThrow()
        .proxyName();
  }

  /**
   * kuard in the namespace on 8080: answers "kuard" and echoes the request's {@code x-discount}
   * header as {@code x-seen-discount}, so that a test sees what Envoy sent the backend.
   */
  private static ManagedProcess echoingKuard(NetworkNamespace ns, Path log) {
    String script =
        "import http.server,sys\n"
            + "class H(http.server.BaseHTTPRequestHandler):\n"
            + "  protocol_version='HTTP/1.1'\n"
            + "  def do_GET(self):\n"
            + "    self.send_response(200);self.send_header('Content-Length','5')\n"
            + "    d=self.headers.get('x-discount')\n"
            + "    if d is not None: self.send_header('x-seen-discount',d)\n"
            + "    self.end_headers();self.wfile.write(b'kuard')\n"
            + "  def log_message(self,*a): pass\n"
            + "http.server.ThreadingHTTPServer((sys.argv[1],8080),H).serve_forever()\n";
    return ns.exec("kuard", java.util.List.of("python3", "-c", script, ns.address()), log);
  }

  /** Each proxy's status as the cases state it: "status" or "status: Type/Reason, ...". */
  private static Map<String, String> statuses(KubernetesClient client, Map<String, String> names) {
    Map<String, String> got = new TreeMap<>();
    for (String name : names.keySet()) {
      HTTPProxy proxy = client.resources(HTTPProxy.class).inNamespace("demo").withName(name).get();
      HTTPProxyStatus status = proxy.getStatus();
      if (status == null) {
        got.put(name, "no status yet");
        continue;
      }
      String errors =
          status.getConditions().isEmpty()
              ? ""
              : status.getConditions().get(0).getErrors().stream()
                  .map(e -> e.getType() + "/" + e.getReason())
                  .collect(Collectors.joining(", "));
      got.put(name, status.getCurrentStatus() + (errors.isEmpty() ? "" : ": " + errors));
    }
    return got;
  }

  private static void apply(KubernetesClient client, String yaml) {
    HTTPProxy proxy =
        client
            .resources(HTTPProxy.class)
            .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
            .item();
    client.resources(HTTPProxy.class).inNamespace("demo").resource(proxy).create();
  }

  /** Sends the YAML as it is, without the client's typed model: the apiserver judges it. */
  private static void applyUntyped(KubernetesClient client, String yaml) {
    GenericKubernetesResource proxy =
        Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    client
        .genericKubernetesResources("projectcontour.io/v1", "HTTPProxy")
        .inNamespace("demo")
        .resource(proxy)
        .create();
  }

  /** The hub's own ExternalName Service demo/{@code name} of {@code externalName}, port 80. */
  private static void externalName(KubernetesClient client, String name, String externalName) {
    client
        .services()
        .inNamespace("demo")
        .resource(
            new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withType("ExternalName")
                .withExternalName(externalName)
                .addNewPort()
                .withName("http")
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
  }

  /** The hub's own Service demo/kuard, port 80, served by the backend at {@code address}:8080. */
  private static void kuard(KubernetesClient client, String address) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("demo").endMetadata().build())
        .create();
    HubServices.withEndpoint(client, "demo", "kuard", "http", 80, 8080, address);
  }

  private HttpResponse<String> get(int port, String host, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
