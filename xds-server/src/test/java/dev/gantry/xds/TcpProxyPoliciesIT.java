package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.LoadBalancerPolicy;
import dev.gantry.api.crd.contour.TCPHealthCheckPolicy;
import dev.gantry.api.crd.contour.TCPProxy;
import dev.gantry.api.crd.contour.TCPProxyInclude;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.server.XdsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
 * A TCP proxy's {@code healthCheckPolicy} through a real Envoy: Envoy terminates TLS and forwards
 * the stream to a service of two endpoints, one of which accepts no connection. Envoy's TCP checks
 * find it, and every stream then reaches the live one. A second root's TCP proxy is another proxy's
 * ({@code tcpproxy.include}). With {@code tcpproxy.loadBalancerPolicy} RoundRobin the streams reach
 * both endpoints of a service; Cookie, which cannot hash a stream, is ignored with a warning as in
 * Contour.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TcpProxyPoliciesIT {
  private static final String HOST = "tcp.example.com";
  private static final String INCLUDING = "including.example.com";
  private static final String BALANCED = "balanced.example.com";
  private static final String HASHED = "hashed.example.com";

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<List<ProxyVerdict>> verdicts = new AtomicReference<>(List.of());
  private final Backends backends = new Backends();
  private final int httpsPort = Ports.freeLoopbackPort();
  private XdsServer server;
  private Envoy envoy;
  private int deadPort;

  @BeforeAll
  void start() throws IOException {
    int live = backends.start("live");
    int solo = backends.start("solo");
    int left = backends.start("left");
    int right = backends.start("right");
    FederatedService two =
        Fixtures.service("demo/two")
            .port("http", 80)
            .cluster("east", 0, 1, "http", "127.0.0.1:" + left, "127.0.0.1:" + right)
            .build();
    // tcpproxy.loadBalancerPolicy: RoundRobin, and Cookie, which cannot hash a stream (ignored
    // with a warning as Contour does: round robin).
    HTTPProxy balanced =
        Fixtures.proxy("demo/balanced")
            .fqdn(BALANCED)
            .tls("balanced", null, null)
            .tcpProxy("two", 80, null)
            .build();
    balanced.getSpec().getTcpproxy().setLoadBalancerPolicy(strategy("RoundRobin"));
    HTTPProxy hashed =
        Fixtures.proxy("demo/hashed")
            .fqdn(HASHED)
            .tls("balanced", null, null)
            .tcpProxy("two", 80, null)
            .build();
    hashed.getSpec().getTcpproxy().setLoadBalancerPolicy(strategy("Cookie"));
    try (ServerSocket closed = new ServerSocket()) {
      closed.bind(new InetSocketAddress("127.0.0.1", 0));
      deadPort = closed.getLocalPort();
    }
    FederatedService pair =
        Fixtures.service("demo/pair")
            .port("http", 80)
            .cluster("east", 0, 1, "http", "127.0.0.1:" + live, "127.0.0.1:" + deadPort)
            .build();
    TCPHealthCheckPolicy check = new TCPHealthCheckPolicy();
    check.setIntervalSeconds(1L);
    check.setUnhealthyThresholdCount(1L);
    check.setHealthyThresholdCount(1L);
    HTTPProxy proxy =
        Fixtures.proxy("demo/tcp")
            .fqdn(HOST)
            .tls("serving", null, null)
            .tcpProxy("pair", 80, null)
            .build();
    proxy.getSpec().getTcpproxy().setHealthCheckPolicy(check);
    // A root whose TCP proxy is another proxy's (tcpproxy.include), which lists the service.
    HTTPProxy including =
        Fixtures.proxy("demo/including").fqdn(INCLUDING).tls("including", null, null).build();
    TCPProxy include = new TCPProxy();
    include.setInclude(new TCPProxyInclude("target", null));
    including.getSpec().setTcpproxy(include);
    HTTPProxy target = Fixtures.proxy("demo/target").tcpProxy("solo", 80, null).build();
    FederatedService soloService =
        Fixtures.service("demo/solo")
            .port("http", 80)
            .cluster("east", 0, 1, "http", "127.0.0.1:" + solo)
            .build();
    server = new XdsServer(new InetSocketAddress("127.0.0.1", 0), metrics, null).start();
    Fixtures.publishing(
        executor,
        server,
        metrics,
        Ports.freeLoopbackPort(),
        httpsPort,
        verdicts::set,
        List.of(proxy, including, target, balanced, hashed),
        new FederationSnapshot(
            Map.of(pair.name(), pair, soloService.name(), soloService, two.name(), two), Map.of()),
        Map.of(
            "demo/serving",
            TestCertificates.tlsSecret("demo/serving", TestCertificates.rsa("tcp", HOST)),
            "demo/including",
            TestCertificates.tlsSecret(
                "demo/including", TestCertificates.rsa("including", INCLUDING)),
            "demo/balanced",
            TestCertificates.tlsSecret(
                "demo/balanced", TestCertificates.rsa("balanced", BALANCED, HASHED))));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(verdicts.get())
                    .hasSize(5)
                    .allSatisfy(v -> assertThat(v.valid()).as(v.name()).isTrue()));
    envoy =
        Envoy.start(
            "envoy-tcp-policies",
            Envoy.adsBootstrap("envoy-tcp-policies", "DELTA_GRPC", server.port()),
            Testbed.workDirectory().resolve("tcp-policies-" + System.nanoTime()));
  }

  private static LoadBalancerPolicy strategy(String name) {
    LoadBalancerPolicy policy = new LoadBalancerPolicy();
    policy.setStrategy(name);
    return policy;
  }

  @AfterAll
  void stop() {
    if (envoy != null) {
      envoy.close();
    }
    if (server != null) {
      server.close();
    }
    executor.shutdownNow();
    backends.close();
  }

  @Test
  void aTcpProxyIncludedFromAnotherProxyServesTheRootsStream() throws Exception {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(TlsClient.to(httpsPort, INCLUDING).get(INCLUDING, "/"))
                    .startsWith("HTTP/1.1 200")
                    .endsWith("solo"));
  }

  @Test
  void roundRobinSpreadsStreamsOverBothEndpointsAndAHashingStrategyIsIgnoredAsContour()
      throws Exception {
    for (String host : List.of(BALANCED, HASHED)) {
      java.util.Set<String> reached = new java.util.TreeSet<>();
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                String answer = TlsClient.to(httpsPort, host).get(host, "/");
                assertThat(answer).startsWith("HTTP/1.1 200");
                reached.add(answer.substring(answer.lastIndexOf('\n') + 1));
                return reached.size() == 2;
              });
      assertThat(reached).as(host).containsExactly("left", "right");
    }
    // Cookie cannot hash a stream: a warning, the proxy valid, its cluster round robin.
    ProxyVerdict hashedVerdict =
        verdicts.get().stream().filter(v -> v.name().equals("hashed")).findFirst().orElseThrow();
    assertThat(hashedVerdict.warnings())
        .extracting(e -> e.type() + "/" + e.reason())
        .containsExactly("TCPProxyError/IgnoredField");
    assertThat(envoy.admin("/config_dump?resource=dynamic_active_clusters"))
        .doesNotContain("RING_HASH");
  }

  @Test
  void theTcpCheckTakesOutTheEndpointThatAcceptsNoConnection() throws Exception {
    // Both endpoints checked: the dead one failed, the live one healthy.
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              List<String> flags =
                  envoy
                      .admin("/clusters")
                      .lines()
                      .filter(l -> l.startsWith("demo/pair/") && l.contains("::health_flags::"))
                      .toList();
              return flags.size() == 2
                  && flags.stream()
                      .anyMatch(
                          l -> l.contains(":" + deadPort + "::") && l.contains("failed_active_hc"))
                  && flags.stream()
                      .anyMatch(l -> !l.contains(":" + deadPort + "::") && l.endsWith("::healthy"));
            });

    for (int i = 0; i < 20; i++) {
      assertThat(TlsClient.to(httpsPort, HOST).get(HOST, "/"))
          .startsWith("HTTP/1.1 200")
          .endsWith("live");
    }
  }
}
