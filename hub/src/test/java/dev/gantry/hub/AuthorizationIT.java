package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.ExtensionService;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxyStatus;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.HubServices;
import dev.gantry.testbed.NetworkNamespace;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import dev.gantry.xds.AuthorizationBackend;
import dev.gantry.xds.Backends;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.TestCertificates;
import dev.gantry.xds.TlsClient;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * External authorization driven by the real hub: an ExtensionService and an HTTPProxy with {@code
 * virtualhost.authorization} applied to a real apiserver, the hub's informers handing them to the
 * build, a real Envoy asking a real gRPC authorization server (in the test JVM, on the host end of
 * a test network namespace's veth, an address the apiserver accepts in EndpointSlices). Deleting
 * the ExtensionService makes the proxy invalid with Contour's reason. The hub writes each
 * ExtensionService's Valid condition.
 */
@WithClusters({"hub"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationIT {
  private static final String NS = "authz-it";
  private static final String HOST = "web.authz.test";
  private final Backends backends = new Backends();
  private KubernetesClient client;
  private NetworkNamespace netns;
  private AuthorizationBackend authorization;
  private Hub hub;
  private Envoy envoy;
  private int httpsPort;

  @BeforeAll
  void start(Testbed testbed) {
    client = testbed.cluster("hub").client();
    Crds.install(
        client,
        RemoteCluster.CRD_NAME,
        HTTPProxy.CRD_NAME,
        ServiceImport.CRD_NAME,
        ExtensionService.CRD_NAME);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    netns = NetworkNamespace.create();
    authorization = AuthorizationBackend.start(netns.hostAddress());
    HubServices.withEndpoint(
        client,
        NS,
        "web",
        "http",
        80,
        backends.start("web", netns.hostAddress()),
        netns.hostAddress());
    HubServices.withEndpoint(
        client, NS, "authz", "grpc", 9000, authorization.port(), netns.hostAddress());
    client
        .secrets()
        .inNamespace(NS)
        .resource(TestCertificates.tlsSecret(NS + "/serving", TestCertificates.rsa("authz", HOST)))
        .serverSideApply();
    client
        .resources(ExtensionService.class)
        .inNamespace(NS)
        .resource(Fixtures.extension(NS + "/authz", "authz", 9000, "h2c"))
        .serverSideApply();
    client
        .resources(HTTPProxy.class)
        .inNamespace(NS)
        .resource(
            Fixtures.proxy(NS + "/web")
                .fqdn(HOST)
                .tls("serving", null, null)
                .authorization(NS + "/authz", Map.of("tenant", "it"), a -> {})
                .route("/open", "web", 80, null)
                .authPolicy(true, Map.of())
                .route("/", "web", 80, null)
                .build())
        .serverSideApply();
    httpsPort = Ports.freeLoopbackPort();
    hub = HubFixtures.hub(client, Ports.freeLoopbackPort(), httpsPort);
    await().atMost(Duration.ofSeconds(60)).until(hub::ready);
    envoy =
        Envoy.start(
            "envoy-authz",
            Envoy.adsBootstrap("envoy-authz", "DELTA_GRPC", hub.xdsPort()),
            Testbed.workDirectory().resolve("authz-" + System.nanoTime()));
  }

  @AfterAll
  void stop() {
    if (envoy != null) {
      envoy.close();
    }
    if (hub != null) {
      hub.close();
    }
    if (authorization != null) {
      authorization.close();
    }
    backends.close();
    if (netns != null) {
      netns.close();
    }
  }

  private String get(String path, String... headers) throws Exception {
    return TlsClient.to(httpsPort, HOST).get(HOST, path, headers);
  }

  private HTTPProxyStatus status() {
    HTTPProxy p = client.resources(HTTPProxy.class).inNamespace(NS).withName("web").get();
    return p == null ? null : p.getStatus();
  }

  /** The ExtensionService's Valid condition, or null while it has none. */
  private HTTPProxyStatus.DetailedCondition valid(String name) {
    ExtensionService e =
        client.resources(ExtensionService.class).inNamespace(NS).withName(name).get();
    return e == null || e.getStatus() == null || e.getStatus().getConditions().isEmpty()
        ? null
        : e.getStatus().getConditions().get(0);
  }

  @Test
  void theHubServesTheAuthorizationServerAnExtensionServiceNames() throws Exception {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(get("/", AuthorizationBackend.DECISION, "allow"))
                    .startsWith("HTTP/1.1 200")
                    .contains(AuthorizationBackend.CONTEXT + ": tenant=it")
                    .endsWith("web"));
    assertThat(get("/", AuthorizationBackend.DECISION, "deny")).startsWith("HTTP/1.1 403");
    int checks = authorization.checks();
    assertThat(get("/open")).startsWith("HTTP/1.1 200").endsWith("web");
    assertThat(authorization.checks()).isEqualTo(checks);
    assertThat(status().getCurrentStatus()).isEqualTo("valid");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(valid("authz"))
                    .satisfies(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("True");
                          assertThat(c.getReason()).isEqualTo("Valid");
                          assertThat(c.getMessage()).isEqualTo("Valid ExtensionService");
                          assertThat(c.getObservedGeneration()).isEqualTo(1L);
                        }));
    client
        .resources(ExtensionService.class)
        .inNamespace(NS)
        .resource(Fixtures.extension(NS + "/broken", "nope", 9000, "h2c"))
        .serverSideApply();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(valid("broken"))
                    .satisfies(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("ErrorPresent");
                          assertThat(c.getErrors())
                              .singleElement()
                              .satisfies(
                                  e -> {
                                    assertThat(e.getType()).isEqualTo("ServiceError");
                                    assertThat(e.getReason())
                                        .isEqualTo("ServiceUnresolvedReference");
                                  });
                        }));

    client.resources(ExtensionService.class).inNamespace(NS).withName("authz").delete();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              HTTPProxyStatus s = status();
              assertThat(s.getCurrentStatus()).isEqualTo("invalid");
              assertThat(s.getConditions().get(0).getErrors())
                  .singleElement()
                  .satisfies(
                      e -> {
                        assertThat(e.getType()).isEqualTo("AuthError");
                        assertThat(e.getReason()).isEqualTo("ExtensionServiceNotFound");
                      });
            });
  }
}
