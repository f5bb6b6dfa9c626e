package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.api.crd.contour.DirectResponsePolicy;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.InternalRedirectPolicy;
import dev.gantry.api.crd.contour.RequestRedirectPolicy;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Mirroring, WebSocket upgrades, redirects and direct responses through a real Envoy. No apiserver
 * is involved, so the backends are on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteActionsIT {
  private static final String HOST = "actions.example.com";
  private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private final ConcurrentLinkedQueue<String> mirrored = new ConcurrentLinkedQueue<>();
  private HttpServer main;
  private HttpServer mirror;
  private HttpServer hopper;
  private ServerSocket websocket;
  private LoopbackGateway gateway;

  @BeforeAll
  void start() throws Exception {
    main = answering("main", null);
    mirror = answering("mirror", mirrored);
    hopper = redirecting();
    websocket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread backend = new Thread(this::serveWebSockets, "websocket-backend");
    backend.setDaemon(true);
    backend.start();
    gateway =
        LoopbackGateway.start(
            "envoy-actions",
            "DELTA_GRPC",
            List.of(proxy()),
            new FederationSnapshot(
                Map.of(
                    service("main", main.getAddress().getPort()).name(),
                    service("main", main.getAddress().getPort()),
                    service("mirror", mirror.getAddress().getPort()).name(),
                    service("mirror", mirror.getAddress().getPort()),
                    service("ws", websocket.getLocalPort()).name(),
                    service("ws", websocket.getLocalPort()),
                    service("hopper", hopper.getAddress().getPort()).name(),
                    service("hopper", hopper.getAddress().getPort())),
                Map.of()));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/").statusCode() == 200);
  }

  private static FederatedService service(String name, int port) {
    return Fixtures.service("demo/" + name)
        .port("http", 80)
        .cluster("east", 0, 1, "http", "127.0.0.1:" + port)
        .build();
  }

  /** A backend answering with its name; {@code seen} collects the paths it was asked for. */
  private static HttpServer answering(String name, ConcurrentLinkedQueue<String> seen)
      throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext(
        "/",
        exchange -> {
          if (seen != null) {
            seen.add(exchange.getRequestURI().getPath());
          }
          byte[] body = name.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    s.setExecutor(Executors.newFixedThreadPool(2));
    s.start();
    return s;
  }

  /** A backend that redirects: 303 for paths under /only-302, else 302, to /landing of HOST. */
  private static HttpServer redirecting() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext(
        "/",
        exchange -> {
          boolean seeOther = exchange.getRequestURI().getPath().startsWith("/only-302");
          exchange.getResponseHeaders().add("Location", "http://" + HOST + "/landing");
          exchange.sendResponseHeaders(seeOther ? 303 : 302, -1);
          exchange.close();
        });
    s.start();
    return s;
  }

  private static HTTPProxy proxy() {
    RequestRedirectPolicy redirect = new RequestRedirectPolicy();
    redirect.setScheme("https");
    redirect.setHostname("new.example.com");
    redirect.setPort(8443);
    redirect.setStatusCode(302);
    redirect.setPrefix("/new");
    DirectResponsePolicy gone = new DirectResponsePolicy();
    gone.setStatusCode(410);
    gone.setBody("gone for good");
    return Fixtures.proxy("demo/actions")
        .fqdn(HOST)
        .route("/mirrored", "main", 80, null, "mirror", 80, null)
        .lastRoute(r -> r.getServices().get(1).setMirror(true))
        // Contour's mirror percentage: the mirror's weight.
        .route("/half-mirrored", "main", 80, null, "mirror", 80, 50L)
        .lastRoute(r -> r.getServices().get(1).setMirror(true))
        .route("/old")
        .lastRoute(r -> r.setRequestRedirectPolicy(redirect))
        .route("/gone")
        .lastRoute(r -> r.setDirectResponsePolicy(gone))
        .route("/ws", "ws", 80, null)
        .lastRoute(r -> r.setEnableWebsockets(true))
        .route("/no-ws", "ws", 80, null)
        .route("/follow", "hopper", 80, null)
        .lastRoute(r -> r.setInternalRedirectPolicy(new InternalRedirectPolicy()))
        .route("/only-302", "hopper", 80, null)
        .lastRoute(r -> r.setInternalRedirectPolicy(new InternalRedirectPolicy()))
        .route("/no-follow", "hopper", 80, null)
        .route("/", "main", 80, null)
        .build();
  }

  @AfterAll
  void stop() throws IOException {
    if (gateway != null) {
      gateway.close();
    }
    main.stop(0);
    mirror.stop(0);
    hopper.stop(0);
    websocket.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return gateway.get(HOST, path);
  }

  @Test
  void theMirrorGetsACopyAndTheClientTheMainAnswer() throws Exception {
    assertThat(gateway.verdicts()).singleElement().satisfies(v -> assertThat(v.valid()).isTrue());
    HttpResponse<String> response = get("/mirrored/a");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("main");
    await().atMost(Duration.ofSeconds(10)).until(() -> mirrored.contains("/mirrored/a"));
    assertThat(get("/other").body()).isEqualTo("main");
    assertThat(mirrored).doesNotContain("/other");
  }

  @Test
  void aMirrorsWeightIsThePercentageOfRequestsCopied() throws Exception {
    int requests = 200;
    for (int i = 0; i < requests; i++) {
      assertThat(get("/half-mirrored/" + i).body()).isEqualTo("main");
    }
    // Copies go out after the answers: count them once no more arrive.
    int[] last = {-1};
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              int now = copies("/half-mirrored/");
              boolean settled = now == last[0];
              last[0] = now;
              return settled;
            });
    // 50 %: about 100 of 200; binomial, so 60..140 is more than five standard deviations wide.
    assertThat(copies("/half-mirrored/")).isBetween(60, 140);
  }

  private int copies(String prefix) {
    return (int) mirrored.stream().filter(p -> p.startsWith(prefix)).count();
  }

  @Test
  void envoyFollowsTheBackendsRedirectOnlyWhereTheRouteAsksAndForTheCodesItNames()
      throws Exception {
    HttpResponse<String> followed = get("/follow/start");
    assertThat(followed.statusCode()).isEqualTo(200);
    assertThat(followed.body()).isEqualTo("main");

    HttpResponse<String> notFollowed = get("/no-follow/start");
    assertThat(notFollowed.statusCode()).isEqualTo(302);
    assertThat(notFollowed.headers().firstValue("location"))
        .hasValue("http://" + HOST + "/landing");

    // Only 302 is followed when the policy names no codes.
    assertThat(get("/only-302/start").statusCode()).isEqualTo(303);
  }

  @Test
  void aRedirectReplacesTheParts() throws Exception {
    HttpResponse<String> response = get("/old/page?x=1");
    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("location"))
        .hasValue("https://new.example.com:8443/new/page?x=1");
  }

  @Test
  void aDirectResponseAnswersWithoutABackend() throws Exception {
    HttpResponse<String> response = get("/gone/x");
    assertThat(response.statusCode()).isEqualTo(410);
    assertThat(response.body()).isEqualTo("gone for good");
  }

  @Test
  void webSocketsUpgradeOnlyWhereEnabled() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(5000);
      assertThat(upgrade(socket, "/ws")).startsWith("HTTP/1.1 101");
      OutputStream out = socket.getOutputStream();
      byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
      byte[] mask = {1, 2, 3, 4};
      out.write(new byte[] {(byte) 0x81, (byte) (0x80 | payload.length)});
      out.write(mask);
      for (int i = 0; i < payload.length; i++) {
        out.write(payload[i] ^ mask[i % 4]);
      }
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      assertThat(in.readUnsignedByte()).isEqualTo(0x81);
      byte[] echoed = new byte[in.readUnsignedByte()];
      in.readFully(echoed);
      assertThat(new String(echoed, StandardCharsets.UTF_8)).isEqualTo("hello");
    }
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(5000);
      assertThat(upgrade(socket, "/no-ws")).doesNotStartWith("HTTP/1.1 101");
    }
  }

  @Test
  void anIngressUpgradesWebSocketsOnThePathsItsAnnotationNames() throws Exception {
    gateway.routes(
        List.of(proxy()),
        List.of(
            IngressFixtures.ingress("demo/ws")
                .annotation("projectcontour.io/websocket-routes", "/live")
                .rule(
                    "ws-ingress.example.com",
                    IngressFixtures.path("/live", "Prefix", "ws", 80),
                    IngressFixtures.path("/poll", "Prefix", "ws", 80))
                .build()));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
                socket.setSoTimeout(5000);
                assertThat(upgrade(socket, "ws-ingress.example.com", "/live"))
                    .startsWith("HTTP/1.1 101");
              }
            });
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(5000);
      assertThat(upgrade(socket, "ws-ingress.example.com", "/poll"))
          .doesNotStartWith("HTTP/1.1 101")
          .doesNotStartWith("HTTP/1.1 404");
    }
  }

  /** Sends a WebSocket upgrade request and returns the response head. */
  private static String upgrade(Socket socket, String path) throws IOException {
    return upgrade(socket, HOST, path);
  }

  private static String upgrade(Socket socket, String host, String path) throws IOException {
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    return head(socket.getInputStream());
  }

  /** Reads an HTTP head byte by byte, so that no byte of a following frame is consumed. */
  private static String head(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** A WebSocket backend: accepts any upgrade and echoes one text frame per connection. */
  private void serveWebSockets() {
    while (!websocket.isClosed()) {
      try (Socket client = websocket.accept()) {
        String request = head(client.getInputStream());
        String key =
            new BufferedReader(new java.io.StringReader(request))
                .lines()
                .filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip())
                .findFirst()
                .orElse("");
        String accept =
            Base64.getEncoder()
                .encodeToString(
                    MessageDigest.getInstance("SHA-1")
                        .digest((key + WS_GUID).getBytes(StandardCharsets.US_ASCII)));
        OutputStream out = client.getOutputStream();
        out.write(
            ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: "
                    + accept
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        DataInputStream in = new DataInputStream(client.getInputStream());
        in.readUnsignedByte();
        int length = in.readUnsignedByte() & 0x7f;
        byte[] mask = new byte[4];
        in.readFully(mask);
        byte[] payload = new byte[length];
        in.readFully(payload);
        for (int i = 0; i < length; i++) {
          payload[i] ^= mask[i % 4];
        }
        out.write(new byte[] {(byte) 0x81, (byte) length});
        out.write(payload);
        out.flush();
      } catch (Exception e) {
        // the socket closed at the end of the test, or a client went away: take the next one
      }
    }
  }
}
