package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxyStatus;
import dev.gantry.api.crd.contour.TLSCertificateDelegation;
import dev.gantry.api.crd.contour.TLSCertificateDelegationSpec;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.HubServices;
import dev.gantry.testbed.NetworkNamespace;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.TestCertificates;
import dev.gantry.xds.TlsClient;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * HTTPProxy TLS through a real Envoy driven by the real hub (its HTTPProxy, Service and Secret
 * informers on a real apiserver): termination with a Secret's certificate and its rotation without
 * a listener change, client certificates checked against an Opaque Secret's CA and revocation list
 * (a new list without a listener change), redirects, the minimum TLS version, passthrough to a TLS
 * backend in a network namespace, and invalid Secrets in the status. Certificates are made by the
 * test.
 */
@WithClusters({"hub"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsIT {
  private static final String NS = "tls";
  private static final String SHARED = "tls-shared";
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private KubernetesClient client;
  private NetworkNamespace backends;
  private Hub hub;
  private Envoy envoy;
  private int httpPort;
  private int httpsPort;
  private TestCertificates.Issued backendCert;

  @BeforeAll
  void start(Testbed testbed) throws Exception {
    client = testbed.cluster("hub").client();
    Crds.install(
        client,
        RemoteCluster.CRD_NAME,
        HTTPProxy.CRD_NAME,
        ServiceImport.CRD_NAME,
        TLSCertificateDelegation.CRD_NAME);
    for (String ns : List.of(NS, SHARED)) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    Path dir = Files.createDirectories(testbed.directory().resolve("tls-" + System.nanoTime()));
    backends = NetworkNamespace.create();
    backends.httpBackend("web", 8080, "web-backend", dir.resolve("web.log"));
    backendCert = TestCertificates.rsa("backend.pass.tls.test", "pass.tls.test");
    Path cert = Files.writeString(dir.resolve("backend.crt"), backendCert.certificatePem());
    Path key = Files.writeString(dir.resolve("backend.key"), backendCert.keyPem());
    backends.exec(
        "tls-backend",
        List.of(
            "python3",
            "-c",
            TLS_BACKEND,
            "8443",
            "tls-backend",
            backends.address(),
            cert.toString(),
            key.toString()),
        dir.resolve("tls-backend.log"));
    service("web", 80, 8080);
    service("secure", 443, 8443);

    httpPort = Ports.freeLoopbackPort();
    httpsPort = Ports.freeLoopbackPort();
    hub = HubFixtures.hub(client, httpPort, httpsPort);
    await().atMost(Duration.ofSeconds(60)).until(hub::ready);
    envoy =
        Envoy.start("envoy-tls", Envoy.adsBootstrap("envoy-tls", "DELTA_GRPC", hub.xdsPort()), dir);
  }

  /** An HTTPS server answering {@code body}, in Python's standard library. */
  private static final String TLS_BACKEND =
      "import http.server,ssl,sys\n"
          + "body=sys.argv[2].encode()\n"
          + "class H(http.server.BaseHTTPRequestHandler):\n"
          + "  protocol_version='HTTP/1.1'\n"
          + "  def do_GET(self):\n"
          + "    self.send_response(200);self.send_header('Content-Length',str(len(body)));"
          + "self.end_headers();self.wfile.write(body)\n"
          + "  def log_message(self,*a): pass\n"
          + "s=http.server.ThreadingHTTPServer((sys.argv[3],int(sys.argv[1])),H)\n"
          + "c=ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER);c.load_cert_chain(sys.argv[4],sys.argv[5])\n"
          + "s.socket=c.wrap_socket(s.socket,server_side=True)\n"
          + "s.serve_forever()\n";

  @AfterAll
  void stop() {
    if (envoy != null) {
      envoy.close();
    }
    if (hub != null) {
      hub.close();
    }
    if (backends != null) {
      backends.close();
    }
  }

  /** A hub Service with one endpoint: the backend in the network namespace. */
  private void service(String name, int port, int targetPort) {
    HubServices.withEndpoint(client, NS, name, "p", port, targetPort, backends.address());
  }

  private void apply(HTTPProxy proxy) {
    client.resources(HTTPProxy.class).inNamespace(NS).resource(proxy).serverSideApply();
  }

  private void apply(Secret secret) {
    client.secrets().inNamespace(NS).resource(secret).serverSideApply();
  }

  /** The certificate Envoy (or the backend behind it) presents for {@code sni}. */
  private X509Certificate presented(String sni, String... protocols) throws Exception {
    return TlsClient.to(httpsPort, sni).offering(protocols).presented();
  }

  /** GET {@code path} over TLS with HTTP/1.1: the response, status line first. */
  private String httpsGet(String sni, String path) throws Exception {
    return TlsClient.to(httpsPort, sni).get(sni, path);
  }

  private HttpResponse<String> httpGet(String host, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits until proxy {@code name} is invalid with one TLSError, of this reason and message. */
  private void awaitTlsError(String name, String reason, String message) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(status(name))
                    .isNotNull()
                    .satisfies(
                        s -> {
                          assertThat(s.getCurrentStatus()).isEqualTo("invalid");
                          assertThat(s.getConditions().get(0).getErrors())
                              .singleElement()
                              .satisfies(
                                  err -> {
                                    assertThat(err.getType()).isEqualTo("TLSError");
                                    assertThat(err.getReason()).isEqualTo(reason);
                                    assertThat(err.getMessage()).isEqualTo(message);
                                  });
                        }));
  }

  private HTTPProxyStatus status(String name) {
    HTTPProxy p = client.resources(HTTPProxy.class).inNamespace(NS).withName(name).get();
    return p == null ? null : p.getStatus();
  }

  @Test
  void anotherNamespacesCertificateIsServedOnlyWhileATlsCertificateDelegationAllowsIt()
      throws Exception {
    TestCertificates.Issued shared = TestCertificates.rsa("shared", "delegated.tls.test");
    client
        .secrets()
        .inNamespace(SHARED)
        .resource(TestCertificates.tlsSecret(SHARED + "/wildcard", shared))
        .serverSideApply();
    apply(
        Fixtures.proxy(NS + "/delegated")
            .fqdn("delegated.tls.test")
            .tls(SHARED + "/wildcard", null, null)
            .route("/", "web", 80, null)
            .build());
    awaitTlsError(
        "delegated",
        "DelegationNotPermitted",
        "Spec.VirtualHost.TLS Secret \"tls-shared/wildcard\" certificate delegation not"
            + " permitted: a TLSCertificateDelegation in namespace \"tls-shared\" must name Secret"
            + " \"wildcard\" for namespace \"tls\"");

    TLSCertificateDelegation delegation = new TLSCertificateDelegation();
    delegation.setMetadata(
        new ObjectMetaBuilder().withNamespace(SHARED).withName("to-tls").build());
    delegation.setSpec(new TLSCertificateDelegationSpec());
    delegation
        .getSpec()
        .getDelegations()
        .add(new TLSCertificateDelegationSpec.Delegation("wildcard", List.of(NS)));
    var delegations = client.resources(TLSCertificateDelegation.class).inNamespace(SHARED);
    delegations.resource(delegation).serverSideApply();

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(presented("delegated.tls.test")).isEqualTo(shared.certificate()));
    assertThat(httpsGet("delegated.tls.test", "/"))
        .startsWith("HTTP/1.1 200")
        .endsWith("web-backend");
    assertThat(status("delegated").getCurrentStatus()).isEqualTo("valid");

    // Withdrawn: the proxy is invalid again and its host leaves Envoy.
    delegations.withName("to-tls").delete();
    awaitTlsError(
        "delegated",
        "DelegationNotPermitted",
        "Spec.VirtualHost.TLS Secret \"tls-shared/wildcard\" certificate delegation not"
            + " permitted: a TLSCertificateDelegation in namespace \"tls-shared\" must name Secret"
            + " \"wildcard\" for namespace \"tls\"");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> presented("delegated.tls.test"))
                    .isInstanceOf(Exception.class));
  }

  @Test
  void aSecretsCertificateIsServedAndARotationReachesEnvoyWithoutAListenerChange()
      throws Exception {
    TestCertificates.Issued v1 = TestCertificates.rsa("web v1", "web.tls.test");
    apply(TestCertificates.tlsSecret(NS + "/web-cert", v1));
    apply(
        Fixtures.proxy(NS + "/web")
            .fqdn("web.tls.test")
            .tls("web-cert", null, null)
            .route("/", "web", 80, null)
            .insecureRoute("/open", "web", 80)
            .build());

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(presented("web.tls.test")).isEqualTo(v1.certificate()));
    assertThat(httpsGet("web.tls.test", "/")).startsWith("HTTP/1.1 200").endsWith("web-backend");
    long modified = envoy.stat("listener_manager.listener_modified");
    long added = envoy.stat("listener_manager.listener_added");
    assertThat(modified).isNotNegative();
    assertThat(added).isPositive();
    String listenerVersion = httpsListenerVersion();

    TestCertificates.Issued v2 = TestCertificates.rsa("web v2", "web.tls.test");
    apply(TestCertificates.tlsSecret(NS + "/web-cert", v2));

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(presented("web.tls.test")).isEqualTo(v2.certificate()));
    assertThat(httpsGet("web.tls.test", "/")).startsWith("HTTP/1.1 200").endsWith("web-backend");
    // Only the SDS secret changed: the listener was neither replaced nor drained.
    assertThat(envoy.stat("listener_manager.listener_modified")).isEqualTo(modified);
    assertThat(envoy.stat("listener_manager.listener_added")).isEqualTo(added);
    assertThat(httpsListenerVersion()).isEqualTo(listenerVersion);
  }

  @Test
  void anOpaqueCaSecretChecksClientCertificatesAndANewRevocationListChangesNoListener()
      throws Exception {
    TestCertificates.Issued ca = TestCertificates.authority("tls-it client ca");
    TestCertificates.Issued good = TestCertificates.signed(ca, "good client");
    TestCertificates.Issued later = TestCertificates.signed(ca, "revoked later");
    apply(
        TestCertificates.tlsSecret(NS + "/mtls-cert", TestCertificates.rsa("m", "mtls.tls.test")));
    // Opaque Secrets: the hub's store keeps their ca.crt and crl.pem, nothing else of them.
    apply(TestCertificates.caSecret(NS + "/client-ca", ca));
    apply(TestCertificates.crlSecret(NS + "/client-crl", TestCertificates.crl(ca)));
    apply(
        Fixtures.proxy(NS + "/mtls")
            .fqdn("mtls.tls.test")
            .tls("mtls-cert", null, null)
            .clientValidation(
                v -> {
                  v.setCaSecret("client-ca");
                  v.setCrlSecret("client-crl");
                })
            .route("/", "web", 80, null)
            .build());
    TlsClient goodClient =
        TlsClient.to(httpsPort, "mtls.tls.test").presenting(TlsClient.Certificate.of(good));
    TlsClient laterClient =
        TlsClient.to(httpsPort, "mtls.tls.test").presenting(TlsClient.Certificate.of(later));

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(goodClient.get("mtls.tls.test", "/"))
                    .startsWith("HTTP/1.1 200")
                    .endsWith("web-backend"));
    assertThat(laterClient.get("mtls.tls.test", "/")).startsWith("HTTP/1.1 200");
    assertThatThrownBy(() -> TlsClient.to(httpsPort, "mtls.tls.test").get("mtls.tls.test", "/"))
        .isInstanceOf(java.io.IOException.class);
    assertThat(status("mtls").getCurrentStatus()).isEqualTo("valid");
    long modified = envoy.stat("listener_manager.listener_modified");
    String listenerVersion = httpsListenerVersion();

    apply(
        TestCertificates.crlSecret(
            NS + "/client-crl", TestCertificates.crl(ca, later.certificate().getSerialNumber())));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> laterClient.get("mtls.tls.test", "/"))
                    .isInstanceOf(java.io.IOException.class));
    assertThat(goodClient.get("mtls.tls.test", "/")).startsWith("HTTP/1.1 200");
    // Only the validation secret changed: the listener was neither replaced nor drained.
    assertThat(envoy.stat("listener_manager.listener_modified")).isEqualTo(modified);
    assertThat(httpsListenerVersion()).isEqualTo(listenerVersion);
  }

  @Test
  void aCaSecretWithoutCaCrtMakesTheProxyInvalidWithTheReason() throws Exception {
    apply(
        TestCertificates.tlsSecret(NS + "/noca-cert", TestCertificates.rsa("n", "noca.tls.test")));
    apply(TestCertificates.secret(NS + "/not-a-ca", "Opaque", Map.of("password", "hunter2")));
    apply(
        Fixtures.proxy(NS + "/noca")
            .fqdn("noca.tls.test")
            .tls("noca-cert", null, null)
            .clientValidation(v -> v.setCaSecret("not-a-ca"))
            .route("/", "web", 80, null)
            .build());

    awaitTlsError(
        "noca",
        "ClientValidationInvalid",
        "Spec.VirtualHost.TLS client validation is invalid: invalid CA Secret \"tls/not-a-ca\":"
            + " missing ca.crt");
    assertThatThrownBy(() -> presented("noca.tls.test")).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void aTerminatedHostWithATcpProxyForwardsTheDecryptedStream() throws Exception {
    TestCertificates.Issued cert = TestCertificates.rsa("tcp", "tcp.tls.test");
    apply(TestCertificates.tlsSecret(NS + "/tcp-cert", cert));
    apply(
        Fixtures.proxy(NS + "/tcp")
            .fqdn("tcp.tls.test")
            .tls("tcp-cert", null, null)
            .tcpProxy("web", 80, null)
            .build());

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(presented("tcp.tls.test")).isEqualTo(cert.certificate()));
    // Envoy holds the certificate; the plain HTTP backend reads the bytes the client encrypted.
    assertThat(httpsGet("tcp.tls.test", "/")).startsWith("HTTP/1.1 200").endsWith("web-backend");
    assertThat(status("tcp").getCurrentStatus()).isEqualTo("valid");
  }

  @Test
  void aCorsPolicyIsAppliedOverHttpsToo() throws Exception {
    TestCertificates.Issued cert = TestCertificates.rsa("cors", "cors.tls.test");
    apply(TestCertificates.tlsSecret(NS + "/cors-cert", cert));
    dev.gantry.api.crd.contour.CORSPolicy cors = new dev.gantry.api.crd.contour.CORSPolicy();
    cors.getAllowOrigin().add("https://app.tls.test");
    cors.getAllowMethods().add("GET");
    apply(
        Fixtures.proxy(NS + "/cors")
            .fqdn("cors.tls.test")
            .spec(s -> s.getVirtualhost().setCorsPolicy(cors))
            .tls("cors-cert", null, null)
            .route("/", "web", 80, null)
            .build());

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(presented("cors.tls.test")).isEqualTo(cert.certificate()));
    String response =
        TlsClient.to(httpsPort, "cors.tls.test")
            .request(
                "OPTIONS",
                "cors.tls.test",
                "/",
                "Origin",
                "https://app.tls.test",
                "Access-Control-Request-Method",
                "GET")
            .toLowerCase(java.util.Locale.ROOT);
    assertThat(response).contains("access-control-allow-origin: https://app.tls.test");
  }

  @Test
  void anIngressTlsSectionTerminatesItsHostsWithTheSecret() throws Exception {
    TestCertificates.Issued cert = TestCertificates.rsa("ing", "ing.tls.test");
    apply(TestCertificates.tlsSecret(NS + "/ing-cert", cert));
    applyIngress("ing", "ing.tls.test", "ing-cert", Map.of());

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(presented("ing.tls.test")).isEqualTo(cert.certificate()));
    assertThat(httpsGet("ing.tls.test", "/x")).startsWith("HTTP/1.1 200").endsWith("web-backend");
    // Without ingress.kubernetes.io/force-ssl-redirect, plain HTTP keeps serving, as in Contour.
    assertThat(httpGet("ing.tls.test", "/x").body()).isEqualTo("web-backend");
  }

  /** An Ingress of our class routing {@code host} to web:80, terminated with {@code secret}. */
  private void applyIngress(
      String name, String host, String secret, Map<String, String> annotations) {
    client
        .network()
        .v1()
        .ingresses()
        .inNamespace(NS)
        .resource(
            new IngressBuilder()
                .withNewMetadata()
                .withName(name)
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .withIngressClassName("gantry")
                .addNewTl()
                .withHosts(host)
                .withSecretName(secret)
                .endTl()
                .addNewRule()
                .withHost(host)
                .withNewHttp()
                .addNewPath()
                .withPath("/")
                .withPathType("Prefix")
                .withNewBackend()
                .withNewService()
                .withName("web")
                .withNewPort()
                .withNumber(80)
                .endPort()
                .endService()
                .endBackend()
                .endPath()
                .endHttp()
                .endRule()
                .endSpec()
                .build())
        .serverSideApply();
  }

  @Test
  void anIngressAskingForTls13RefusesATls12OnlyClient() throws Exception {
    TestCertificates.Issued cert = TestCertificates.ecdsa("ing13", "ing13.tls.test");
    apply(TestCertificates.tlsSecret(NS + "/ing13-cert", cert));
    applyIngress(
        "ing13",
        "ing13.tls.test",
        "ing13-cert",
        Map.of("projectcontour.io/tls-minimum-protocol-version", "1.3"));

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(presented("ing13.tls.test", "TLSv1.3")).isEqualTo(cert.certificate()));
    assertThatThrownBy(() -> presented("ing13.tls.test", "TLSv1.2"))
        .isInstanceOf(SSLException.class);
  }

  /** The version of ingress_https in Envoy's config dump. */
  private String httpsListenerVersion() throws Exception {
    String dump = envoy.admin("/config_dump?resource=dynamic_listeners");
    int at = dump.indexOf("\"name\": \"ingress_https\"");
    assertThat(at).as(dump).isPositive();
    int version = dump.indexOf("\"version_info\": \"", at);
    return dump.substring(version, dump.indexOf('"', version + 17));
  }

  @Test
  void plainHttpRedirectsToHttpsExceptPermitInsecureRoutes() throws Exception {
    apply(TestCertificates.tlsSecret(NS + "/redirect-cert", TestCertificates.rsa("r", "r")));
    apply(
        Fixtures.proxy(NS + "/redirect")
            .fqdn("redirect.tls.test")
            .tls("redirect-cert", null, null)
            .route("/", "web", 80, null)
            .insecureRoute("/open", "web", 80)
            .build());
    apply(Fixtures.proxy(NS + "/plain").fqdn("plain.tls.test").route("/", "web", 80, null).build());

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> httpGet("redirect.tls.test", "/a/b?c=d").statusCode() == 301);
    HttpResponse<String> redirected = httpGet("redirect.tls.test", "/a/b?c=d");
    assertThat(redirected.headers().firstValue("location"))
        .hasValue("https://redirect.tls.test/a/b?c=d");
    HttpResponse<String> open = httpGet("redirect.tls.test", "/open/x");
    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(open.body()).isEqualTo("web-backend");
    // A host without TLS keeps serving plain HTTP.
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> httpGet("plain.tls.test", "/").statusCode() == 200);
    assertThat(httpsGet("redirect.tls.test", "/")).startsWith("HTTP/1.1 200");
  }

  @Test
  void aTls13VirtualHostRefusesATls12OnlyClient() throws Exception {
    TestCertificates.Issued modern = TestCertificates.ecdsa("modern", "modern.tls.test");
    TestCertificates.Issued classic = TestCertificates.rsaPkcs8("classic", "classic.tls.test");
    apply(TestCertificates.tlsSecret(NS + "/modern-cert", modern));
    apply(TestCertificates.tlsSecret(NS + "/classic-cert", classic));
    apply(
        Fixtures.proxy(NS + "/modern")
            .fqdn("modern.tls.test")
            .tls("modern-cert", "1.3", null)
            .route("/", "web", 80, null)
            .build());
    apply(
        Fixtures.proxy(NS + "/classic")
            .fqdn("classic.tls.test")
            .tls("classic-cert", "1.2", null)
            .route("/", "web", 80, null)
            .build());

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(presented("modern.tls.test", "TLSv1.3"))
                    .isEqualTo(modern.certificate()));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(presented("classic.tls.test", "TLSv1.2"))
                    .isEqualTo(classic.certificate()));

    assertThatThrownBy(() -> presented("modern.tls.test", "TLSv1.2"))
        .isInstanceOf(SSLException.class);
    assertThat(
            TlsClient.to(httpsPort, "modern.tls.test").offering("TLSv1.3", "TLSv1.2").handshake())
        .isEqualTo("TLSv1.3");
  }

  @Test
  void passthroughForwardsTheTlsStreamAndTheClientSeesTheBackendsCertificate() throws Exception {
    apply(
        Fixtures.proxy(NS + "/pass")
            .fqdn("pass.tls.test")
            .tls(null, null, true)
            .tcpProxy("secure", 443, null)
            .build());

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(presented("pass.tls.test")).isEqualTo(backendCert.certificate()));
    assertThat(httpsGet("pass.tls.test", "/")).startsWith("HTTP/1.1 200").endsWith("tls-backend");
    assertThat(status("pass").getCurrentStatus()).isEqualTo("valid");
  }

  @Test
  void invalidSecretsMakeTheProxyInvalidWithTheReasonAndAFixedSecretServes() throws Exception {
    TestCertificates.Issued good = TestCertificates.rsa("good", "good.tls.test");
    apply(TestCertificates.tlsSecret(NS + "/good-cert", good));
    apply(
        Fixtures.proxy(NS + "/good")
            .fqdn("good.tls.test")
            .tls("good-cert", null, null)
            .route("/", "web", 80, null)
            .build());
    apply(
        TestCertificates.secret(
            NS + "/opaque", "Opaque", Map.of("tls.crt", good.certificatePem())));
    // The apiserver insists that a kubernetes.io/tls Secret has both keys, not that they hold
    // anything.
    apply(
        TestCertificates.secret(
            NS + "/no-key",
            "kubernetes.io/tls",
            Map.of("tls.crt", good.certificatePem(), "tls.key", "")));
    apply(
        TestCertificates.secret(
            NS + "/garbage",
            "kubernetes.io/tls",
            Map.of("tls.crt", "not a certificate", "tls.key", good.keyPem())));
    Map<String, String> expected =
        Map.of(
            "missing", "Secret not found in namespace \"tls\"",
            "opaque", "Secret type is \"Opaque\", not \"kubernetes.io/tls\"",
            "no-key", "missing TLS private key (data key tls.key)",
            "garbage",
                "invalid TLS certificate (tls.crt): failed to locate certificate: no PEM"
                    + " CERTIFICATE block");
    for (String name : expected.keySet()) {
      apply(
          Fixtures.proxy(NS + "/bad-" + name)
              .fqdn(name + ".tls.test")
              .tls(name, null, null)
              .route("/", "web", 80, null)
              .build());
    }

    for (Map.Entry<String, String> e : expected.entrySet()) {
      awaitTlsError(
          "bad-" + e.getKey(),
          "SecretNotValid",
          "Spec.VirtualHost.TLS Secret \"" + e.getKey() + "\" is invalid: " + e.getValue());
    }
    // The others keep serving.
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(presented("good.tls.test")).isEqualTo(good.certificate()));
    assertThatThrownBy(() -> presented("missing.tls.test")).isInstanceOf(java.io.IOException.class);

    // The Secret appears: the hub sees it and serves the host.
    TestCertificates.Issued late = TestCertificates.rsa("late", "missing.tls.test");
    apply(TestCertificates.tlsSecret(NS + "/missing", late));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(presented("missing.tls.test")).isEqualTo(late.certificate()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "valid".equals(status("bad-missing").getCurrentStatus()));
  }
}
