package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.LoadBalancerPolicy;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code loadBalancerPolicy} through a real Envoy: three backends that answer with their name, two
 * in east and one in west (so the hashing clusters span localities), one route per strategy. No
 * apiserver is involved, so the backends are on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadBalancingIT {
  private static final String HOST = "lb.example.com";
  private static final Set<String> ALL = Set.of("a", "b", "c");
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<List<ProxyVerdict>> verdicts = new AtomicReference<>(List.of());
  private final HttpClient http = HttpClient.newHttpClient();
  private final Backends backends = new Backends();
  private XdsServer server;
  private Envoy envoy;
  private int port;

  @BeforeAll
  void start() {
    int a = backends.start("a");
    int b = backends.start("b");
    int c = backends.start("c");
    server = new XdsServer(new InetSocketAddress("127.0.0.1", 0), metrics, null).start();
    port = Ports.freeLoopbackPort();
    Fixtures.publishing(
        executor,
        server,
        metrics,
        port,
        verdicts::set,
        List.of(proxy()),
        new FederationSnapshot(
            Map.of(
                ServiceName.of("demo", "who"),
                Fixtures.service("demo/who")
                    .port("http", 80)
                    .cluster("east", 0, 1, "http", "127.0.0.1:" + a, "127.0.0.1:" + b)
                    .cluster("west", 0, 1, "http", "127.0.0.1:" + c)
                    .build()),
            Map.of()));
    envoy =
        Envoy.start(
            "envoy-lb",
            Envoy.adsBootstrap("envoy-lb", "GRPC", server.port()),
            Testbed.workDirectory().resolve("lb-" + System.nanoTime()));
  }

  private static HTTPProxy proxy() {
    Fixtures.ProxyBuilder proxy = Fixtures.proxy("demo/lb").fqdn(HOST);
    proxy.rawRoute(route("/cookie", policy("Cookie")));
    proxy.rawRoute(route("/header", policy("RequestHash", header("X-User"))));
    proxy.rawRoute(route("/query", policy("RequestHash", query("user"))));
    proxy.rawRoute(route("/source", policy("RequestHash", sourceIp())));
    proxy.rawRoute(route("/random", policy("Random")));
    proxy.rawRoute(route("/least", policy("WeightedLeastRequest")));
    return proxy.route("/", "who", 80, null).build();
  }

  private static HTTPProxySpec.Route route(String prefix, LoadBalancerPolicy policy) {
    HTTPProxySpec.Route r = new HTTPProxySpec.Route();
    r.getConditions().add(Fixtures.prefix(prefix));
    r.getServices().add(Fixtures.routeService("who", 80, null));
    r.setLoadBalancerPolicy(policy);
    return r;
  }

  private static LoadBalancerPolicy policy(
      String strategy, LoadBalancerPolicy.RequestHashPolicy... hashPolicies) {
    LoadBalancerPolicy p = new LoadBalancerPolicy();
    p.setStrategy(strategy);
    p.setRequestHashPolicies(new ArrayList<>(List.of(hashPolicies)));
    return p;
  }

  private static LoadBalancerPolicy.RequestHashPolicy header(String name) {
    LoadBalancerPolicy.RequestHashPolicy h = new LoadBalancerPolicy.RequestHashPolicy();
    h.setHeaderHashOptions(new LoadBalancerPolicy.HeaderHashOptions(name));
    return h;
  }

  private static LoadBalancerPolicy.RequestHashPolicy query(String name) {
    LoadBalancerPolicy.RequestHashPolicy h = new LoadBalancerPolicy.RequestHashPolicy();
    h.setQueryParameterHashOptions(new LoadBalancerPolicy.QueryParameterHashOptions(name));
    return h;
  }

  private static LoadBalancerPolicy.RequestHashPolicy sourceIp() {
    LoadBalancerPolicy.RequestHashPolicy h = new LoadBalancerPolicy.RequestHashPolicy();
    h.setHashSourceIP(true);
    return h;
  }

  @AfterAll
  void stop() {
    envoy.close();
    server.close();
    executor.shutdownNow();
    backends.close();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Host", HOST)
            .timeout(Duration.ofSeconds(5));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The backends that answered {@code count} requests. */
  private Set<String> answers(int count, String path, String... headers) throws Exception {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < count; i++) {
      HttpResponse<String> response = get(path, headers);
      assertThat(response.statusCode()).isEqualTo(200);
      names.add(response.body());
    }
    return names;
  }

  private void awaitServing() {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/").statusCode() == 200 && get("/least").statusCode() == 200);
    assertThat(verdicts.get()).singleElement().satisfies(v -> assertThat(v.valid()).isTrue());
  }

  @Test
  void cookieStrategyGivesASessionCookieThatSticksToOneBackend() throws Exception {
    awaitServing();

    for (int session = 0; session < 3; session++) {
      HttpResponse<String> first = get("/cookie");
      String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
      assertThat(setCookie).startsWith("X-Contour-Session-Affinity=").contains("Path=/");
      // A session cookie: no lifetime.
      assertThat(setCookie).doesNotContainIgnoringCase("max-age");
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));

      assertThat(answers(15, "/cookie", "Cookie", cookie)).containsExactly(first.body());
    }
  }

  @Test
  void requestHashOnAHeaderOrAQueryParameterSticksPerValueAndSpreadsValues() throws Exception {
    awaitServing();

    Set<String> byHeader = new HashSet<>();
    Set<String> byQuery = new HashSet<>();
    for (int user = 0; user < 20; user++) {
      Set<String> header = answers(5, "/header", "X-User", "user-" + user);
      Set<String> query = answers(5, "/query?user=user-" + user);
      assertThat(header).as("X-User: user-%d", user).hasSize(1);
      assertThat(query).as("?user=user-%d", user).hasSize(1);
      byHeader.addAll(header);
      byQuery.addAll(query);
    }
    assertThat(byHeader).as("20 users over 3 backends").hasSizeGreaterThan(1);
    assertThat(byQuery).as("20 users over 3 backends").hasSizeGreaterThan(1);
    // One client address: one backend.
    assertThat(answers(15, "/source")).hasSize(1);
  }

  @Test
  void randomAndLeastRequestClustersReachEveryBackendAndEnvoyAcceptedThem() throws Exception {
    awaitServing();

    assertThat(answers(60, "/random")).isEqualTo(ALL);
    assertThat(answers(60, "/least")).isEqualTo(ALL);
    assertThat(answers(30, "/")).isEqualTo(ALL);
    String clusters = envoy.admin("/config_dump?resource=dynamic_active_clusters");
    assertThat(clusters)
        .contains("\"lb_policy\": \"RANDOM\"")
        .contains("\"lb_policy\": \"LEAST_REQUEST\"")
        .contains("\"lb_policy\": \"RING_HASH\"");
    assertThat(metrics.scrape()).doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
  }
}
