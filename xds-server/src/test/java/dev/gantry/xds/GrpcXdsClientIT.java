package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.HealthCheckPolicy;
import dev.gantry.api.crd.contour.LoadBalancerPolicy;
import dev.gantry.api.federation.FederatedEndpoint;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.testbed.GrpcWho;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.publish.XdsPublisher;
import dev.gantry.xds.server.XdsServer;
import dev.gantry.xds.translate.XdsAssembler;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The xDS server driving grpc-java's own xDS client ({@code xds:///<fqdn>}) to two gRPC backends
 * standing for clusters east and west, from federation snapshots built in the test (endpoints on
 * loopback: no apiserver is involved here). grpc-xds 1.62 shades its Envoy protos, so the client
 * runs in this JVM next to java-control-plane.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcXdsClientIT {
  private static final String FQDN = "greeter.example.com";

  /** The same service over h2c with active health checks, as an Envoy in front would need. */
  private static final String H2C_FQDN = "greeter-h2c.example.com";

  /**
   * The same service with {@code protocol: tls}: grpc-java refuses Envoy's upstream TLS context, so
   * its clusters reach proxyless clients without it, and the client's credentials decide.
   */
  private static final String TLS_FQDN = "greeter-tls.example.com";

  private static final String BOOTSTRAP_PROPERTY = "io.grpc.xds.bootstrapConfig";

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<List<ProxyVerdict>> verdicts = new AtomicReference<>(List.of());
  private final List<Server> backends = new ArrayList<>();
  private XdsServer server;
  private XdsPublisher publisher;
  private ManagedChannel channel;
  private String east;
  private String west;

  @BeforeAll
  void start() {
    east = "127.0.0.1:" + backend("east");
    west = "127.0.0.1:" + backend("west");
    server = new XdsServer(new InetSocketAddress("127.0.0.1", 0), metrics, null).start();
    publisher =
        new XdsPublisher(
            executor,
            Duration.ofMillis(10),
            new ProxyCompiler("gantry"),
            // The Envoy listener is never bound: no Envoy connects here.
            new XdsAssembler("127.0.0.1", 8080, 8443),
            server,
            metrics,
            verdicts::set);
    Feeds.proxies(publisher, proxies());
    Feeds.federation(publisher, snapshot(true));
    await().atMost(Duration.ofSeconds(10)).until(() -> publisher.builds() > 0);
    // grpc-xds reads the bootstrap once, when its first xDS channel starts resolving.
    System.setProperty(BOOTSTRAP_PROPERTY, GrpcWho.xdsBootstrap("grpc-it", server.port()));
    channel = Grpc.newChannelBuilder("xds:///" + FQDN, InsecureChannelCredentials.create()).build();
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    System.clearProperty(BOOTSTRAP_PROPERTY);
    server.close();
    executor.shutdownNow();
    for (Server backend : backends) {
      backend.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private int backend(String name) {
    Server backend = GrpcWho.serve("127.0.0.1", 0, name);
    backends.add(backend);
    return backend.getPort();
  }

  private FederationSnapshot snapshot(boolean eastUp) {
    FederatedService greeter =
        Fixtures.service("demo/greeter")
            .port("grpc", 50051)
            .cluster("east", 0, 1, "grpc", eastUp ? new String[] {east} : new String[0])
            .cluster("west", 0, 1, "grpc", west)
            .build();
    return new FederationSnapshot(Map.of(ServiceName.of("demo", "greeter"), greeter), Map.of());
  }

  private static List<HTTPProxy> proxies() {
    HTTPProxySpec.Route h2c = new HTTPProxySpec.Route();
    h2c.getConditions().add(Fixtures.prefix("/"));
    HTTPProxySpec.RouteService service = Fixtures.routeService("greeter", 50051, null);
    service.setProtocol("h2c");
    h2c.getServices().add(service);
    HealthCheckPolicy healthCheck = new HealthCheckPolicy();
    healthCheck.setPath("/healthz");
    h2c.setHealthCheckPolicy(healthCheck);
    List<HTTPProxy> proxies = new ArrayList<>();
    proxies.add(
        Fixtures.proxy("demo/greeter").fqdn(FQDN).route("/", "greeter", 50051, null).build());
    proxies.add(Fixtures.proxy("demo/greeter-h2c").fqdn(H2C_FQDN).rawRoute(h2c).build());
    HTTPProxySpec.RouteService tls = Fixtures.routeService("greeter", 50051, null);
    tls.setProtocol("tls");
    proxies.add(
        Fixtures.proxy("demo/greeter-tls")
            .fqdn(TLS_FQDN)
            .route("/")
            .lastRoute(r -> r.getServices().add(tls))
            .build());
    for (String strategy : STRATEGIES) {
      LoadBalancerPolicy policy = new LoadBalancerPolicy();
      policy.setStrategy(strategy);
      if (strategy.equals("RequestHash")) {
        LoadBalancerPolicy.RequestHashPolicy hash = new LoadBalancerPolicy.RequestHashPolicy();
        LoadBalancerPolicy.HeaderHashOptions header = new LoadBalancerPolicy.HeaderHashOptions();
        header.setHeaderName("x-user");
        hash.setHeaderHashOptions(header);
        policy.getRequestHashPolicies().add(hash);
      }
      proxies.add(
          Fixtures.proxy("demo/greeter-" + strategy.toLowerCase(java.util.Locale.ROOT))
              .fqdn(strategyHost(strategy))
              .route("/", "greeter", 50051, null)
              .lastRoute(r -> r.setLoadBalancerPolicy(policy))
              .build());
    }
    return proxies;
  }

  /**
   * A proxyless client gets the endpoints Envoy gets: not-ready ones never, serving terminating
   * ones only while no endpoint is ready (before, both came as UNHEALTHY, and the client had none
   * left).
   */
  @Test
  void grpcClientUsesServingTerminatingEndpointsOnlyWhileNoneIsReady() {
    Feeds.federation(publisher, terminatingEast(FederatedEndpoint.State.NOT_READY));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(answers(20)).containsOnlyKeys("east"));

    Feeds.federation(publisher, terminatingEast(FederatedEndpoint.State.READY));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(answers(20)).containsOnlyKeys("west"));
  }

  /** Load balancer strategies whose clusters a proxyless client gets like Envoy. */
  private static final List<String> STRATEGIES =
      List.of("Random", "WeightedLeastRequest", "Cookie", "RequestHash");

  private static String strategyHost(String strategy) {
    return "greeter-" + strategy.toLowerCase(java.util.Locale.ROOT) + ".example.com";
  }

  private Map<String, Integer> answers(int calls) {
    return GrpcWho.answers(channel, calls);
  }

  /** East serving terminating and west in {@code westState}. */
  private FederationSnapshot terminatingEast(FederatedEndpoint.State westState) {
    FederatedService greeter =
        Fixtures.service("demo/greeter")
            .port("grpc", 50051)
            .clusterEndpoints(
                "east",
                0,
                1,
                Fixtures.endpoint(
                    host(east), FederatedEndpoint.State.SERVING_TERMINATING, grpcPort(east)))
            .clusterEndpoints(
                "west", 0, 1, Fixtures.endpoint(host(west), westState, grpcPort(west)))
            .build();
    return new FederationSnapshot(Map.of(ServiceName.of("demo", "greeter"), greeter), Map.of());
  }

  private static String host(String hostPort) {
    return hostPort.substring(0, hostPort.lastIndexOf(':'));
  }

  private static Map<String, Integer> grpcPort(String hostPort) {
    return Map.of("grpc", Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1)));
  }

  @Test
  void grpcClientReachesBothClustersThenOnlyTheOneLeftWhenTheOtherLosesItsEndpoints() {
    Feeds.federation(publisher, snapshot(true));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(answers(20)).containsOnlyKeys("east", "west"));
    assertThat(verdicts.get())
        .hasSize(3 + STRATEGIES.size())
        .allSatisfy(
            v -> {
              assertThat(v.valid()).isTrue();
              assertThat(v.warnings()).isEmpty();
            });

    Feeds.federation(publisher, snapshot(false));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(answers(20)).containsOnlyKeys("west"));

    // An h2c cluster with health checks (which grpc-java ignores) serves it like any other.
    ManagedChannel h2c =
        Grpc.newChannelBuilder("xds:///" + H2C_FQDN, InsecureChannelCredentials.create()).build();
    try {
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(GrpcWho.answers(h2c, 10)).containsOnlyKeys("west"));
    } finally {
      h2c.shutdownNow();
    }

    ManagedChannel viaTls =
        Grpc.newChannelBuilder("xds:///" + TLS_FQDN, InsecureChannelCredentials.create()).build();
    try {
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(GrpcWho.answers(viaTls, 10)).containsOnlyKeys("west"));
    } finally {
      viaTls.shutdownNow();
    }

    // Clusters of every load balancer strategy serve proxyless clients too.
    for (String strategy : STRATEGIES) {
      ManagedChannel balanced =
          Grpc.newChannelBuilder(
                  "xds:///" + strategyHost(strategy), InsecureChannelCredentials.create())
              .build();
      try {
        await()
            .ignoreExceptions()
            .atMost(Duration.ofSeconds(20))
            .alias(strategy)
            .untilAsserted(
                () -> assertThat(GrpcWho.answers(balanced, 10)).containsOnlyKeys("west"));
      } finally {
        balanced.shutdownNow();
      }
    }

    // grpc-java speaks state of the world only; it acknowledged every type it was sent. It keeps
    // one xDS client, so one stream, per channel target (gRFC A71, xDS fallback; 1.62 shared one):
    // the closed channels' streams end a moment after them, leaving the first channel's.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(metrics.scrape()).contains("gantry_xds_streams{mode=\"sotw\"} 1.0"));
    assertThat(metrics.scrape())
        .contains("type=\"Listener\"")
        .contains("type=\"RouteConfiguration\"")
        .contains("type=\"Cluster\"")
        .contains("type=\"ClusterLoadAssignment\"")
        .doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
  }
}
