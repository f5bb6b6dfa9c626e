package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.api.crd.contour.CookieRewritePolicy;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.server.XdsServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Header policies (route and service level) and prefix rewriting through a real Envoy, against a
 * backend that echoes what it received. No apiserver is involved, so the backend is on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutePoliciesIT {
  private static final String HOST = "policies.example.com";
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<List<ProxyVerdict>> verdicts = new AtomicReference<>(List.of());
  private final HttpClient http = HttpClient.newHttpClient();
  private final java.util.concurrent.atomic.AtomicInteger flakyCalls =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.CountDownLatch release =
      new java.util.concurrent.CountDownLatch(1);
  private HttpServer echo;
  private dev.gantry.xds.publish.XdsPublisher publisher;
  private XdsServer server;
  private Envoy envoy;
  private int port;

  @BeforeAll
  void start() throws Exception {
    echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    echo.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          if (path.startsWith("/slow") || path.startsWith("/stall-silent")) {
            awaitRelease(); // answers only after Envoy's response or idle timeout
          } else if (path.startsWith("/stall-midway")) {
            // Headers and a first part, then nothing until the test ends: a stalled stream.
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write("first;".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            awaitRelease();
            try {
              exchange.getResponseBody().write("rest".getBytes(StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
              // Envoy reset the stream: nothing is left to send to
            }
            exchange.close();
            return;
          } else if (path.startsWith("/flaky") && flakyCalls.incrementAndGet() % 2 == 1) {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
            return;
          }
          var h = exchange.getRequestHeaders();
          if (path.contains("cookies")) {
            var cookies = exchange.getResponseHeaders();
            cookies.add(
                "Set-Cookie", "session=abc; Path=/old; Domain=old.example.com; Secure; HttpOnly");
            cookies.add("Set-Cookie", "other=1; Path=/");
            cookies.add("Set-Cookie", "svc=2; SameSite=Lax");
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            return;
          }
          if (path.startsWith("/dynamic")) {
            byte[] bytes =
                ("client="
                        + h.getFirst("x-client")
                        + ";agent="
                        + h.getFirst("x-agent")
                        + ";ns="
                        + h.getFirst("x-ns")
                        + ";svc="
                        + h.getFirst("x-svc-name")
                        + ";literal="
                        + h.getFirst("x-literal"))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
            return;
          }
          if (path.startsWith("/host")) {
            byte[] bytes = ("host=" + h.getFirst("Host")).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
            return;
          }
          String body =
              "path="
                  + exchange.getRequestURI().getPath()
                  + ";x-added="
                  + h.getFirst("x-added")
                  + ";x-gone="
                  + h.getFirst("x-gone")
                  + ";x-svc="
                  + h.getFirst("x-svc");
          exchange.getResponseHeaders().add("x-backend-secret", "s");
          exchange.getResponseHeaders().add("x-keep", "k");
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    // Held requests (/slow, /stall-*) keep a thread each until the test ends: room for others.
    echo.setExecutor(Executors.newFixedThreadPool(16));
    echo.start();
    server = new XdsServer(new InetSocketAddress("127.0.0.1", 0), metrics, null).start();
    port = Ports.freeLoopbackPort();
    publisher =
        Fixtures.publishing(
            executor,
            server,
            metrics,
            port,
            verdicts::set,
            List.of(proxy()),
            new FederationSnapshot(
                Map.of(
                    ServiceName.of("demo", "echo"),
                    Fixtures.service("demo/echo")
                        .port("http", 80)
                        .cluster("east", 0, 1, "http", "127.0.0.1:" + echo.getAddress().getPort())
                        .build()),
                Map.of()));
    envoy =
        Envoy.start(
            "envoy-policies",
            Envoy.adsBootstrap("envoy-policies", "DELTA_GRPC", server.port()),
            Testbed.workDirectory().resolve("policies-" + System.nanoTime()));
  }

  private static HTTPProxy proxy() {
    HTTPProxySpec.RouteService service = Fixtures.routeService("echo", 80, null);
    HTTPProxySpec.HeadersPolicy serviceRequest = new HTTPProxySpec.HeadersPolicy();
    serviceRequest.getSet().add(new HTTPProxySpec.HeaderValue("X-Svc", "east"));
    service.setRequestHeadersPolicy(serviceRequest);

    HTTPProxySpec.Route route = new HTTPProxySpec.Route();
    route.getConditions().add(Fixtures.prefix("/api"));
    route.getServices().add(service);
    HTTPProxySpec.HeadersPolicy request = new HTTPProxySpec.HeadersPolicy();
    request.getSet().add(new HTTPProxySpec.HeaderValue("X-Added", "route"));
    request.getRemove().add("X-Gone");
    route.setRequestHeadersPolicy(request);
    HTTPProxySpec.HeadersPolicy response = new HTTPProxySpec.HeadersPolicy();
    response.getSet().add(new HTTPProxySpec.HeaderValue("X-Resp", "yes"));
    response.getRemove().add("X-Backend-Secret");
    route.setResponseHeadersPolicy(response);
    HTTPProxySpec.PathRewritePolicy rewrite = new HTTPProxySpec.PathRewritePolicy();
    rewrite.getReplacePrefix().add(new HTTPProxySpec.ReplacePrefix("/api", "/v1"));
    route.setPathRewritePolicy(rewrite);

    HTTPProxySpec.Route slow = new HTTPProxySpec.Route();
    slow.getConditions().add(Fixtures.prefix("/slow"));
    slow.getServices().add(Fixtures.routeService("echo", 80, null));
    HTTPProxySpec.TimeoutPolicy timeout = new HTTPProxySpec.TimeoutPolicy();
    timeout.setResponse("300ms");
    slow.setTimeoutPolicy(timeout);

    HTTPProxySpec.Route stall = new HTTPProxySpec.Route();
    stall.getConditions().add(Fixtures.prefix("/stall"));
    stall.getServices().add(Fixtures.routeService("echo", 80, null));
    HTTPProxySpec.TimeoutPolicy idleStream = new HTTPProxySpec.TimeoutPolicy();
    // Long enough for a busy machine's backend to send its first part, well short of the 5 s
    // the held requests wait.
    idleStream.setIdle("2s");
    stall.setTimeoutPolicy(idleStream);

    HTTPProxySpec.Route flaky = new HTTPProxySpec.Route();
    flaky.getConditions().add(Fixtures.prefix("/flaky-retried"));
    flaky.getServices().add(Fixtures.routeService("echo", 80, null));
    HTTPProxySpec.RetryPolicy retry = new HTTPProxySpec.RetryPolicy();
    retry.setCount(2L);
    retry.getRetryOn().add("5xx");
    flaky.setRetryPolicy(retry);

    HTTPProxySpec.Route idle = new HTTPProxySpec.Route();
    idle.getConditions().add(Fixtures.prefix("/idle"));
    idle.getServices().add(Fixtures.routeService("echo", 80, null));
    HTTPProxySpec.TimeoutPolicy idleConnection = new HTTPProxySpec.TimeoutPolicy();
    idleConnection.setIdleConnection("300ms");
    idle.setTimeoutPolicy(idleConnection);

    HTTPProxySpec.Route host = new HTTPProxySpec.Route();
    host.getConditions().add(Fixtures.prefix("/host"));
    host.getServices().add(Fixtures.routeService("echo", 80, null));
    HTTPProxySpec.HeadersPolicy setHost = new HTTPProxySpec.HeadersPolicy();
    setHost.getSet().add(new HTTPProxySpec.HeaderValue("Host", "backend.internal"));
    host.setRequestHeadersPolicy(setHost);

    HTTPProxySpec.Route treatMissing = new HTTPProxySpec.Route();
    treatMissing.getConditions().add(Fixtures.prefix("/tm"));
    treatMissing
        .getConditions()
        .add(
            Fixtures.header(
                "x-env",
                h -> {
                  h.setNotexact("prod");
                  h.setTreatMissingAsEmpty(true);
                }));
    treatMissing.getServices().add(Fixtures.routeService("echo", 80, null));
    treatMissing.setResponseHeadersPolicy(tagged("tm"));
    HTTPProxySpec.Route strict = new HTTPProxySpec.Route();
    strict.getConditions().add(Fixtures.prefix("/strict"));
    strict.getConditions().add(Fixtures.header("x-env", h -> h.setNotexact("prod")));
    strict.getServices().add(Fixtures.routeService("echo", 80, null));
    strict.setResponseHeadersPolicy(tagged("strict"));

    // Values Envoy computes per request, Contour's variables, and a lone % taken literally.
    HTTPProxySpec.Route dynamic = new HTTPProxySpec.Route();
    dynamic.getConditions().add(Fixtures.prefix("/dynamic"));
    HTTPProxySpec.RouteService named = Fixtures.routeService("echo", 80, null);
    HTTPProxySpec.HeadersPolicy perService = new HTTPProxySpec.HeadersPolicy();
    perService
        .getSet()
        .add(
            new HTTPProxySpec.HeaderValue(
                "X-Svc-Name", "%CONTOUR_SERVICE_NAME%:%CONTOUR_SERVICE_PORT%"));
    named.setRequestHeadersPolicy(perService);
    dynamic.getServices().add(named);
    HTTPProxySpec.HeadersPolicy computed = new HTTPProxySpec.HeadersPolicy();
    computed
        .getSet()
        .add(new HTTPProxySpec.HeaderValue("X-Client", "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%"));
    computed.getSet().add(new HTTPProxySpec.HeaderValue("X-Agent", "via %REQ(X-Agent-In)%"));
    computed.getSet().add(new HTTPProxySpec.HeaderValue("X-Ns", "%CONTOUR_NAMESPACE%"));
    computed.getSet().add(new HTTPProxySpec.HeaderValue("X-Literal", "100% %UNKNOWN%"));
    dynamic.setRequestHeadersPolicy(computed);

    // Set-Cookie attributes rewritten by the route's rules and the service's.
    HTTPProxySpec.Route cookies = new HTTPProxySpec.Route();
    cookies.getConditions().add(Fixtures.prefix("/cookies"));
    CookieRewritePolicy session = new CookieRewritePolicy();
    session.setName("session");
    session.setPathRewrite(new CookieRewritePolicy.Value("/app"));
    session.setDomainRewrite(new CookieRewritePolicy.Value("new.example.com"));
    session.setSecure(false);
    session.setSameSite("Strict");
    cookies.getCookieRewritePolicies().add(session);
    HTTPProxySpec.RouteService rewritten = Fixtures.routeService("echo", 80, null);
    CookieRewritePolicy svc = new CookieRewritePolicy();
    svc.setName("svc");
    svc.setSameSite("None");
    svc.setSecure(true);
    rewritten.getCookieRewritePolicies().add(svc);
    cookies.getServices().add(rewritten);

    return Fixtures.proxy("demo/policies")
        .fqdn(HOST)
        .rawRoute(cookies)
        .rawRoute(dynamic)
        .rawRoute(host)
        .rawRoute(treatMissing)
        .rawRoute(strict)
        .rawRoute(route)
        .rawRoute(slow)
        .rawRoute(stall)
        .rawRoute(flaky)
        .rawRoute(idle)
        .route("/", "echo", 80, null)
        .build();
  }

  private static HTTPProxySpec.HeadersPolicy tagged(String route) {
    HTTPProxySpec.HeadersPolicy policy = new HTTPProxySpec.HeadersPolicy();
    policy.getSet().add(new HTTPProxySpec.HeaderValue("X-Route", route));
    return policy;
  }

  /** Holds a /slow request until the test ends (at most 5 s): a backend that never answers. */
  private void awaitRelease() {
    try {
      release.await(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @AfterAll
  void stop() {
    release.countDown();
    envoy.close();
    server.close();
    executor.shutdownNow();
    echo.stop(0);
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    return getFrom(HOST, path, headers);
  }

  private HttpResponse<String> getFrom(String host, String path, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(5));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void headerValuesTakeEnvoysRequestValuesAndContoursVariablesAndAnythingElseLiterally()
      throws Exception {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/").statusCode() == 200);

    HttpResponse<String> response = get("/dynamic", "X-Agent-In", "curl");

    assertThat(response.body())
        .isEqualTo("client=127.0.0.1;agent=via curl;ns=demo;svc=echo:80;literal=100% %UNKNOWN%");
  }

  @Test
  void headersAreSetAndRemovedAndThePrefixIsReplaced() throws Exception {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/").statusCode() == 200);
    assertThat(verdicts.get()).singleElement().satisfies(v -> assertThat(v.valid()).isTrue());

    HttpResponse<String> api = get("/api/users", "X-Gone", "1", "X-Added", "client");

    assertThat(api.body()).isEqualTo("path=/v1/users;x-added=route;x-gone=null;x-svc=east");
    assertThat(api.headers().firstValue("x-resp")).hasValue("yes");
    assertThat(api.headers().firstValue("x-backend-secret")).isEmpty();
    assertThat(api.headers().firstValue("x-keep")).hasValue("k");

    HttpResponse<String> other = get("/other", "X-Gone", "1");
    assertThat(other.body()).isEqualTo("path=/other;x-added=null;x-gone=1;x-svc=null");
    assertThat(other.headers().firstValue("x-backend-secret")).hasValue("s");
    assertThat(metrics.scrape()).doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
  }

  @Test
  void setCookieAttributesAreRewrittenByTheRoutesAndTheServicesRules() throws Exception {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/").statusCode() == 200);

    HttpResponse<String> response = get("/cookies");

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().allValues("set-cookie"))
        .containsExactlyInAnyOrder(
            "session=abc; Path=/app; Domain=new.example.com; HttpOnly; SameSite=Strict",
            "other=1; Path=/",
            "svc=2; SameSite=None; Secure");
    // Other routes leave the backend's cookies alone.
    assertThat(get("/plain-cookies").headers().allValues("set-cookie"))
        .containsExactlyInAnyOrder(
            "session=abc; Path=/old; Domain=old.example.com; Secure; HttpOnly",
            "other=1; Path=/",
            "svc=2; SameSite=Lax");
  }

  @Test
  void settingHostRewritesTheAuthorityTheBackendSees() throws Exception {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/").statusCode() == 200);
    assertThat(get("/host").body()).isEqualTo("host=backend.internal");
  }

  @Test
  void treatMissingAsEmptyLetsAMissingHeaderMatchNotexact() throws Exception {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/").statusCode() == 200);
    assertThat(get("/tm").headers().firstValue("x-route")).hasValue("tm");
    assertThat(get("/tm", "X-Env", "prod").headers().firstValue("x-route")).isEmpty();
    // Without it, a missing header matches no header condition, negated or not.
    assertThat(get("/strict").headers().firstValue("x-route")).isEmpty();
    assertThat(get("/strict", "X-Env", "dev").headers().firstValue("x-route")).hasValue("strict");
  }

  /** Envoy's {@code upstream_cx_idle_timeout} of each cluster of the proxy, by stat name. */
  private Map<String, Long> idleTimeouts() throws Exception {
    Map<String, Long> counts = new java.util.TreeMap<>();
    for (String line : envoy.admin("/stats?filter=upstream_cx_idle_timeout$").split("\n")) {
      int colon = line.indexOf(": ");
      if (colon > 0 && line.startsWith("cluster.demo_echo_")) {
        counts.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 2).trim()));
      }
    }
    return counts;
  }

  @Test
  void anIdleConnectionTimeoutClosesIdleUpstreamConnectionsOfItsRouteOnly() throws Exception {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/").statusCode() == 200);

    assertThat(get("/idle").statusCode()).isEqualTo(200);
    assertThat(get("/other").statusCode()).isEqualTo(200);

    // The /idle route has a cluster of its own whose connection Envoy closes after 300 ms; the
    // plain cluster keeps Envoy's default of an hour.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> idleTimeouts().values().stream().filter(n -> n > 0).count() == 1);
    Map<String, Long> counts = idleTimeouts();
    assertThat(counts).hasSize(2);
    assertThat(counts.values()).containsExactlyInAnyOrder(0L, 1L);
  }

  @Test
  void aResponseTimeoutAnswers504AndRetriesHideAFailedTry() throws Exception {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/").statusCode() == 200);

    assertThat(get("/slow").statusCode()).as("timeoutPolicy.response 300ms").isEqualTo(504);
    // Every other call to /flaky fails: without a retry policy a client sees both.
    List<Integer> plain = new java.util.ArrayList<>();
    List<Integer> retried = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      plain.add(get("/flaky").statusCode());
    }
    for (int i = 0; i < 6; i++) {
      retried.add(get("/flaky-retried").statusCode());
    }
    assertThat(plain).contains(503, 200);
    assertThat(retried).containsOnly(200);
  }

  @Test
  void anIdleTimeoutEndsAStreamThatStopsSendingWith504OrAReset() throws Exception {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/").statusCode() == 200);

    // No answer at all: after timeoutPolicy.idle (2 s) Envoy gives up on the waiting upstream
    // request with 504 and its stream idle timeout's body (a response timeout says "upstream
    // request timeout"), as with Contour's route idle_timeout.
    HttpResponse<String> silent = get("/stall-silent");
    assertThat(silent.statusCode()).isEqualTo(504);
    assertThat(silent.body()).isEqualTo("stream timeout");

    // Headers and part of the body, then nothing: the stream is reset after 2 s, before the
    // backend would go on (5 s), so the client sees the first part and the end of the
    // connection, never the rest.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(4_000);
      socket
          .getOutputStream()
          .write(
              ("GET /stall-midway HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 200").contains("first;").doesNotContain("rest");
    }
  }

  @Test
  void contoursIngressAnnotationsSetTheResponseTimeoutAndRetries() throws Exception {
    publisher.routesChanged(
        List.of(proxy()),
        List.of(),
        List.of(
            IngressFixtures.ingress("demo/annotated")
                .annotation("projectcontour.io/response-timeout", "300ms")
                .annotation("projectcontour.io/retry-on", "5xx")
                .annotation("projectcontour.io/num-retries", "2")
                .rule(
                    "annotated.example.com",
                    IngressFixtures.path("/slow", "Prefix", "echo", 80),
                    IngressFixtures.path("/flaky", "Prefix", "echo", 80))
                .build(),
            IngressFixtures.ingress("demo/no-retries")
                .annotation("projectcontour.io/retry-on", "5xx")
                .annotation("projectcontour.io/num-retries", "-1")
                .rule("plain.example.com", IngressFixtures.path("/flaky", "Prefix", "echo", 80))
                .build()));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> getFrom("plain.example.com", "/flaky").statusCode() != 404);

    assertThat(getFrom("annotated.example.com", "/slow").statusCode())
        .as("projectcontour.io/response-timeout 300ms")
        .isEqualTo(504);
    List<Integer> retried = new java.util.ArrayList<>();
    List<Integer> notRetried = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      retried.add(getFrom("annotated.example.com", "/flaky").statusCode());
    }
    for (int i = 0; i < 6; i++) {
      notRetried.add(getFrom("plain.example.com", "/flaky").statusCode());
    }
    assertThat(retried).as("retry-on 5xx, num-retries 2").containsOnly(200);
    assertThat(notRetried).as("num-retries -1: retries disabled").contains(503, 200);
  }
}
