package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpServer;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.IPFilterPolicy;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.translate.ListenerSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The hub's listener settings through real Envoys, one per set of settings: Contour's defaults
 * (Envoy's text access log, {@code Server: envoy}, slashes merged, the peer appended to
 * X-Forwarded-For), a JSON access log with one trusted X-Forwarded-For hop and a short stream idle
 * timeout, and the PROXY protocol. The backend echoes the path and X-Forwarded-For it was sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListenerSettingsIT {
  private static final String HOST = "listener.example.com";
  private static final String SECURE = "secure.listener.example.com";
  private HttpServer backend;
  private LoopbackGateway contour;
  private LoopbackGateway trusting;
  private LoopbackGateway proxied;

  @BeforeAll
  void start() throws Exception {
    backend = echo();
    ListenerSettings defaults = ListenerSettings.contour();
    contour = gateway("envoy-listener-contour", defaults);
    trusting =
        gateway(
            "envoy-listener-trusting",
            defaults
                .withAccessLog(
                    ListenerSettings.AccessLogFormat.JSON, ListenerSettings.AccessLogLevel.INFO)
                .withNumTrustedHops(1)
                .withTimeouts(
                    new ListenerSettings.Timeouts(
                        ListenerSettings.Timeout.ENVOY_DEFAULT,
                        ListenerSettings.Timeout.of(Duration.ofSeconds(60)),
                        ListenerSettings.Timeout.of(Duration.ofSeconds(1)),
                        ListenerSettings.Timeout.ENVOY_DEFAULT,
                        ListenerSettings.Timeout.ENVOY_DEFAULT,
                        ListenerSettings.Timeout.ENVOY_DEFAULT)));
    proxied =
        gateway(
            "envoy-listener-proxied",
            defaults.withProxyProtocol(true),
            Map.of(
                "demo/secure",
                TestCertificates.tlsSecret("demo/secure", TestCertificates.rsa(SECURE, SECURE))));
    for (LoopbackGateway g : List.of(contour, trusting)) {
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(30))
          .until(() -> exchange(g, "", get("/")).startsWith("HTTP/1.1 200"));
    }
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> exchange(proxied, proxyHeader(), get("/")).startsWith("HTTP/1.1 200"));
  }

  private LoopbackGateway gateway(String name, ListenerSettings settings) {
    return gateway(name, settings, Map.of());
  }

  private LoopbackGateway gateway(
      String name,
      ListenerSettings settings,
      Map<String, io.fabric8.kubernetes.api.model.Secret> secrets) {
    int port = backend.getAddress().getPort();
    FederatedService web =
        Fixtures.service("demo/web")
            .port("http", 80)
            .cluster("east", 0, 1, "http", "127.0.0.1:" + port)
            .build();
    return LoopbackGateway.start(
        name,
        "DELTA_GRPC",
        secrets.isEmpty() ? List.of(proxy()) : List.of(proxy(), secureProxy()),
        new FederationSnapshot(Map.of(web.name(), web), Map.of()),
        secrets,
        settings);
  }

  /** A host on ingress_https, terminated with the certificate of Secret demo/secure. */
  private static HTTPProxy secureProxy() {
    return Fixtures.proxy("demo/secure")
        .fqdn(SECURE)
        .tls("secure", null, null)
        .route("/", "web", 80, null)
        .build();
  }

  private static HTTPProxy proxy() {
    IPFilterPolicy allow = new IPFilterPolicy();
    allow.setSource("Remote");
    allow.setCidr("203.0.113.7/32");
    return Fixtures.proxy("demo/listener")
        .fqdn(HOST)
        .route("/remote", "web", 80, null)
        .lastRoute(r -> r.setIpAllowPolicy(List.of(allow)))
        .route("/", "web", 80, null)
        .build();
  }

  /**
   * Answers {@code path=<raw path>} and {@code xff=<X-Forwarded-For>} with its own Server header,
   * after reading the whole request body (a stalled body stalls it too).
   */
  private static HttpServer echo() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          String text =
              "path="
                  + exchange.getRequestURI().getRawPath()
                  + "\nxff="
                  + exchange.getRequestHeaders().getFirst("X-Forwarded-For")
                  + "\n";
          byte[] body = text.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Server", "backend");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    s.setExecutor(Executors.newFixedThreadPool(4));
    s.start();
    return s;
  }

  @AfterAll
  void stop() {
    for (LoopbackGateway g : new LoopbackGateway[] {contour, trusting, proxied}) {
      if (g != null) {
        g.close();
      }
    }
    if (backend != null) {
      backend.stop(0);
    }
  }

  private static String get(String path, String... headers) {
    StringBuilder request =
        new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    return request.append("Connection: close\r\n\r\n").toString();
  }

  /** A PROXY protocol v1 header: the client 127.0.0.2, as a load balancer in front writes it. */
  private String proxyHeader() {
    return "PROXY TCP4 127.0.0.2 127.0.0.1 40000 " + proxied.port() + "\r\n";
  }

  /**
   * Writes {@code prefix} and {@code request} on a new connection to the gateway's {@code
   * ingress_http} and reads until Envoy closes it: the whole response, or nothing.
   */
  private static String exchange(LoopbackGateway gateway, String prefix, String request)
      throws IOException {
    return exchange("127.0.0.1", gateway, prefix, request);
  }

  /** As above, from {@code source}, a loopback address. */
  private static String exchange(
      String source, LoopbackGateway gateway, String prefix, String request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write((prefix + request).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      try {
        in.transferTo(response);
      } catch (java.net.SocketException reset) {
        // Envoy may reset a connection it refuses; what was read so far is the answer.
      }
      return response.toString(StandardCharsets.US_ASCII);
    }
  }

  private static String envoyLog(LoopbackGateway gateway) throws IOException {
    return Files.readString(gateway.envoy().process().logFile());
  }

  @Test
  void eachRequestIsLoggedInEnvoysTextFormatOnItsStdout() throws Exception {
    String path = "/logged-" + System.nanoTime();

    assertThat(exchange(contour, "", get(path, "User-Agent: listener-it")))
        .startsWith("HTTP/1.1 200");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(envoyLog(contour))
                    .containsPattern(
                        "\\[[^\\]]+] \"GET "
                            + path
                            + " HTTP/1.1\" 200 - 0 \\d+ \\d+ \\S+ \"[^\"]*\" \"listener-it\""
                            + " \"[^\"]+\" \""
                            + HOST
                            + "\" \"127.0.0.1:\\d+\""));
  }

  @Test
  void jsonAccessLogHasContoursFields() throws Exception {
    String path = "/json-" + System.nanoTime();

    assertThat(exchange(trusting, "", get(path))).startsWith("HTTP/1.1 200");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(envoyLog(trusting).lines().filter(l -> l.contains(path)))
                    .singleElement()
                    .satisfies(
                        line -> {
                          Map<String, Value> json = json(line);
                          assertThat(json.get("path").getStringValue()).isEqualTo(path);
                          assertThat(json.get("method").getStringValue()).isEqualTo("GET");
                          assertThat(json.get("response_code").getNumberValue()).isEqualTo(200);
                          assertThat(json.get("authority").getStringValue()).isEqualTo(HOST);
                          assertThat(json).containsKeys("@timestamp", "upstream_cluster");
                        }));
  }

  private static Map<String, Value> json(String line) throws IOException {
    Struct.Builder struct = Struct.newBuilder();
    JsonFormat.parser().merge(line, struct);
    return struct.getFieldsMap();
  }

  @Test
  void theServerHeaderSaysEnvoyWhateverTheBackendSays() throws Exception {
    assertThat(exchange(contour, "", get("/")).lines())
        .contains("server: envoy")
        .doesNotContain("server: backend");
  }

  @Test
  void repeatedSlashesReachTheBackendMerged() throws Exception {
    assertThat(exchange(contour, "", get("//a//b"))).contains("path=/a/b\n");
  }

  @Test
  void theConnectionsPeerIsAppendedToXForwardedFor() throws Exception {
    // From 127.0.0.2: for a peer of exactly 127.0.0.1 Envoy appends its own address instead.
    assertThat(exchange("127.0.0.2", contour, "", get("/", "X-Forwarded-For: 198.51.100.1")))
        .contains("xff=198.51.100.1,127.0.0.2\n");
  }

  @Test
  void withOneTrustedHopARemoteIpFilterSeesTheClientInXForwardedFor() throws Exception {
    assertThat(exchange(trusting, "", get("/remote", "X-Forwarded-For: 203.0.113.7")))
        .startsWith("HTTP/1.1 200");
    assertThat(exchange(trusting, "", get("/remote", "X-Forwarded-For: 198.51.100.1")))
        .startsWith("HTTP/1.1 403");
    // Without the header the client is the peer, 127.0.0.1, which is not allowed.
    assertThat(exchange(trusting, "", get("/remote"))).startsWith("HTTP/1.1 403");
    // Without a trusted hop the same header is not believed.
    assertThat(exchange(contour, "", get("/remote", "X-Forwarded-For: 203.0.113.7")))
        .startsWith("HTTP/1.1 403");
  }

  @Test
  void aStalledRequestEndsWithTheStreamIdleTimeout() throws Exception {
    String stalled =
        "POST / HTTP/1.1\r\nHost: "
            + HOST
            + "\r\nContent-Length: 10\r\nConnection: close\r\n\r\nabc";

    // 3 of the 10 bytes, then nothing: Envoy answers 408 once the stream has been idle 1 s.
    assertThat(exchange(trusting, "", stalled)).startsWith("HTTP/1.1 408");
  }

  @Test
  void withTheProxyProtocolARequestIsServedAfterItsHeaderAndRefusedWithout() throws Exception {
    assertThat(exchange(proxied, proxyHeader(), get("/"))).startsWith("HTTP/1.1 200");
    // The PROXY protocol's client is the one appended to X-Forwarded-For.
    assertThat(exchange(proxied, proxyHeader(), get("/"))).contains("xff=127.0.0.2\n");

    assertThat(exchange(proxied, "", get("/"))).isEmpty();
  }

  @Test
  void overTlsThePROXYProtocolHeaderComesBeforeTheHandshake() throws Exception {
    String header = "PROXY TCP4 127.0.0.3 127.0.0.1 40000 " + proxied.httpsPort() + "\r\n";

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        TlsClient.to(proxied.httpsPort(), SECURE).preceded(header).get(SECURE, "/"))
                    .startsWith("HTTP/1.1 200")
                    .contains("xff=127.0.0.3\n"));
    // Without the header the ClientHello is not a PROXY header: Envoy closes the connection.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TlsClient.to(proxied.httpsPort(), SECURE).get(SECURE, "/"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void envoyAcceptedEveryConfiguration() throws Exception {
    for (LoopbackGateway g : List.of(contour, trusting, proxied)) {
      assertThat(g.metrics().scrape())
          .doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
      assertThat(g.envoy().stat("listener_manager.lds.update_rejected")).isZero();
    }
  }
}
