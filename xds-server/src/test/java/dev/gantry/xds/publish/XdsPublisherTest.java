package dev.gantry.xds.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.Feeds;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.server.XdsServer;
import dev.gantry.xds.translate.XdsAssembler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When snapshots are built: never from half the inputs, at once when idle, then held off. */
class XdsPublisherTest {
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final List<List<ProxyVerdict>> verdicts = new CopyOnWriteArrayList<>();
  // Not started: publish() only fills the snapshot cache.
  private final XdsServer server =
      new XdsServer(new InetSocketAddress("127.0.0.1", 0), new XdsMetrics(), null);

  private XdsPublisher publisher(Duration holdoff) {
    return new XdsPublisher(
        executor,
        holdoff,
        new ProxyCompiler("gantry"),
        new XdsAssembler("127.0.0.1", 8080, 8443),
        server,
        new XdsMetrics(),
        verdicts::add);
  }

  @AfterEach
  void stop() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }

  /** Runs after everything the executor holds now (which is not yet scheduled later). */
  private void drain() throws Exception {
    executor.submit(() -> {}).get(5, TimeUnit.SECONDS);
    executor.submit(() -> {}).get(5, TimeUnit.SECONDS);
  }

  @Test
  void nothingIsBuiltUntilProxiesAndFederationHaveBothArrived() throws Exception {
    XdsPublisher publisher = publisher(Duration.ZERO);

    Feeds.proxies(
        publisher,
        List.of(
            Fixtures.proxy("demo/a").fqdn("a.example.com").route("/", "kuard", 80, null).build()));
    drain();

    assertThat(publisher.builds()).isZero();
    assertThat(verdicts).as("no proxy is judged against an empty federation").isEmpty();
    assertThat(publisher.servesCompleteState()).isFalse();

    Feeds.federation(publisher, FederationSnapshot.empty());
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.builds() == 1);
    assertThat(publisher.servesCompleteState()).isTrue();
  }

  @Test
  void anIsolatedChangeIsBuiltAtOnceAndLaterOnesWaitForTheHoldoff() throws Exception {
    // A holdoff of an hour: a build within seconds can only be the leading edge.
    XdsPublisher publisher = publisher(Duration.ofHours(1));
    Feeds.proxies(publisher, List.of());
    Feeds.federation(publisher, FederationSnapshot.empty());
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.builds() == 1);

    Feeds.federation(publisher, FederationSnapshot.empty());
    Feeds.proxies(publisher, List.of());
    drain();

    assertThat(publisher.builds()).as("held off until an hour after the first build").isEqualTo(1);
  }

  @Test
  void anEndpointChangeIsSentAtOnceAndARouteChangeWaitsForTheHoldoff() throws Exception {
    // A holdoff of an hour: a build within seconds was not held off. The aggregator holds off its
    // merges; the endpoints a merge changed are not held off a second time.
    XdsPublisher publisher = publisher(Duration.ofHours(1));
    Feeds.proxies(
        publisher,
        List.of(
            Fixtures.proxy("demo/a").fqdn("a.example.com").route("/", "kuard", 80, null).build()));
    Feeds.federation(publisher, kuardAt("198.18.0.7:8080"));
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.builds() == 1);

    Feeds.federation(publisher, kuardAt("198.18.0.8:8080"));
    drain();
    assertThat(publisher.builds()).as("the new endpoint, at once").isEqualTo(2);

    Feeds.proxies(
        publisher,
        List.of(
            Fixtures.proxy("demo/a").fqdn("a.example.com").route("/b", "kuard", 80, null).build()));
    drain();
    assertThat(publisher.builds()).as("a route change waits for the holdoff").isEqualTo(2);

    // An endpoint change while a build waits joins that build: never sent ahead of the routes.
    Feeds.federation(publisher, kuardAt("198.18.0.9:8080"));
    drain();
    assertThat(publisher.builds()).isEqualTo(2);
  }

  private static FederationSnapshot kuardAt(String address) {
    return new FederationSnapshot(
        java.util.Map.of(
            service("demo/kuard"),
            Fixtures.service("demo/kuard")
                .port("http", 80)
                .cluster("east", 0, 1, "http", address)
                .build()),
        java.util.Map.of());
  }

  @Test
  void aChangeThatSentNothingDoesNotHoldOffTheNextBuild() throws Exception {
    // A user makes a Service, then the HTTPProxy that routes to it: the Service alone changes
    // nothing Envoy has, and the proxy must not wait a holdoff for it.
    Duration holdoff = Duration.ofSeconds(2);
    XdsPublisher publisher = publisher(holdoff);
    java.util.Map<dev.gantry.api.federation.ServiceName, dev.gantry.api.federation.FederatedService>
        services = new java.util.HashMap<>();
    services.put(service("demo/other"), federated("demo/other"));
    Feeds.proxies(publisher, List.of());
    Feeds.federation(publisher, new FederationSnapshot(services, java.util.Map.of()));
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.builds() == 1);

    // The Service is built at the end of the first build's holdoff, and sends nothing.
    services.put(service("demo/kuard"), federated("demo/kuard"));
    Feeds.federation(publisher, new FederationSnapshot(services, java.util.Map.of()));
    await().atMost(Duration.ofSeconds(10)).until(() -> publisher.builds() == 2);

    Feeds.proxies(
        publisher,
        List.of(
            Fixtures.proxy("demo/a").fqdn("a.example.com").route("/", "kuard", 80, null).build()));
    drain();
    assertThat(publisher.builds()).as("the proxy, at once, not a holdoff later").isEqualTo(3);
    assertThat(verdicts).last().satisfies(v -> assertThat(v.get(0).valid()).isTrue());

    // A build that sent something still holds off the next.
    Feeds.proxies(
        publisher,
        List.of(
            Fixtures.proxy("demo/a").fqdn("a.example.com").route("/b", "kuard", 80, null).build()));
    drain();
    assertThat(publisher.builds()).isEqualTo(3);
    await().atMost(Duration.ofSeconds(10)).until(() -> publisher.builds() == 4);
  }

  @Test
  void aWarmUpBuildPublishesNothingAndLeavesNothingBehind() throws Exception {
    List<String> published = new CopyOnWriteArrayList<>();
    List<String> assignments = new CopyOnWriteArrayList<>();
    XdsSink sink =
        new XdsSink() {
          @Override
          public void endpoints(
              java.util.Collection<io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment>
                  changed,
              java.util.Collection<String> removed,
              java.util.Map<String, java.util.Map<String, java.time.Instant>> seen) {
            changed.forEach(c -> assignments.add(c.getClusterName()));
          }

          @Override
          public void publish(
              io.envoyproxy.controlplane.cache.v3.Snapshot envoy,
              io.envoyproxy.controlplane.cache.v3.Snapshot proxyless) {
            published.add(envoy.routes().resources().toString());
          }
        };
    XdsPublisher publisher =
        new XdsPublisher(
            executor,
            Duration.ZERO,
            new ProxyCompiler("gantry"),
            new XdsAssembler("127.0.0.1", 8080, 8443),
            sink,
            new XdsMetrics(),
            verdicts::add);

    publisher.warmUp();
    drain();
    assertThat(published).isEmpty();
    assertThat(assignments).isEmpty();
    assertThat(verdicts).isEmpty();
    assertThat(publisher.builds()).isZero();
    assertThat(publisher.servesCompleteState()).isFalse();

    Feeds.proxies(
        publisher,
        List.of(
            Fixtures.proxy("demo/a").fqdn("a.example.com").route("/", "kuard", 80, null).build()));
    Feeds.federation(
        publisher,
        new FederationSnapshot(
            java.util.Map.of(
                dev.gantry.api.federation.ServiceName.of("demo", "kuard"),
                Fixtures.service("demo/kuard")
                    .port("http", 80)
                    .cluster("east", 0, 1, "http", "198.18.0.7:8080")
                    .build()),
            java.util.Map.of()));
    // Verdicts are handed on after the build is counted.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> publisher.builds() == 1 && verdicts.size() == 1);

    assertThat(published).singleElement().asString().contains("a.example.com");
    assertThat(published.get(0)).doesNotContain("warm-up");
    assertThat(assignments).isNotEmpty().noneMatch(name -> name.contains("warm-up"));
    assertThat(verdicts).singleElement().satisfies(v -> assertThat(v).hasSize(1));

    publisher.warmUp(); // after a real build: nothing
    drain();
    assertThat(publisher.builds()).isEqualTo(1);
    assertThat(published).hasSize(1);
  }

  @Test
  void aServiceNoRouteNamesIsNotCompiledInAndOneARouteNamesIs() throws Exception {
    XdsPublisher publisher = publisher(Duration.ZERO);
    Feeds.proxies(
        publisher,
        List.of(
            Fixtures.proxy("demo/a").fqdn("a.example.com").route("/", "kuard", 80, null).build()));
    java.util.Map<dev.gantry.api.federation.ServiceName, dev.gantry.api.federation.FederatedService>
        services = new java.util.HashMap<>();
    services.put(service("demo/other"), federated("demo/other"));
    Feeds.federation(publisher, new FederationSnapshot(services, java.util.Map.of()));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> publisher.builds() == 1 && verdicts.size() == 1);
    assertThat(verdicts.get(0).get(0).valid()).isFalse();

    // A Service that no route names appears: nothing compiled depends on it.
    services.put(service("demo/unrelated"), federated("demo/unrelated"));
    Feeds.federation(publisher, new FederationSnapshot(services, java.util.Map.of()));
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.builds() == 2);
    drain(); // the build's task, verdicts included, is over
    assertThat(verdicts).as("no compilation, so no new verdicts").hasSize(1);

    // The one the route names (not found so far) appears: compiled, the proxy is valid.
    services.put(service("demo/kuard"), federated("demo/kuard"));
    Feeds.federation(publisher, new FederationSnapshot(services, java.util.Map.of()));
    await().atMost(Duration.ofSeconds(5)).until(() -> verdicts.size() == 2);
    assertThat(verdicts.get(1).get(0).valid()).isTrue();

    // Its ports change: compiled again (the route's port is gone).
    services.put(
        service("demo/kuard"),
        Fixtures.service("demo/kuard")
            .port("http", 81)
            .cluster("east", 0, 1, "http", "198.18.0.7:8080")
            .build());
    Feeds.federation(publisher, new FederationSnapshot(services, java.util.Map.of()));
    await().atMost(Duration.ofSeconds(5)).until(() -> verdicts.size() == 3);
    assertThat(verdicts.get(2).get(0).valid()).isFalse();
  }

  @Test
  void anHttpRoutesServiceIsLookedUpSoOnlyItsShapeChangesCompileAgain() throws Exception {
    XdsPublisher publisher = publisher(Duration.ZERO);
    List<dev.gantry.xds.compile.gateway.GatewayApiStatuses> statuses = new CopyOnWriteArrayList<>();
    publisher.onGatewayApiStatuses(statuses::add);
    publisher.gatewayApiChanged(
        new dev.gantry.xds.compile.gateway.GatewayApiObjects(
            List.of(dev.gantry.xds.GatewayApiFixtures.gantryClass()),
            List.of(
                dev.gantry.xds.GatewayApiFixtures.gateway(
                    "demo/gw", dev.gantry.xds.GatewayApiFixtures.http("web", 80, null))),
            List.of(
                dev.gantry.xds.GatewayApiFixtures.route(
                    "demo/r",
                    List.of("a.example.com"),
                    List.of(dev.gantry.xds.GatewayApiFixtures.parent("demo/gw", null)),
                    dev.gantry.xds.GatewayApiFixtures.rule(
                        dev.gantry.xds.GatewayApiFixtures.serviceImport("kuard", 80)))),
            List.of(),
            List.of()));
    Feeds.proxies(publisher, List.of());
    java.util.Map<dev.gantry.api.federation.ServiceName, dev.gantry.api.federation.FederatedService>
        services = new java.util.HashMap<>();
    services.put(service("demo/other"), federated("demo/other"));
    Feeds.federation(publisher, new FederationSnapshot(services, java.util.Map.of()));
    await().atMost(Duration.ofSeconds(5)).until(() -> statuses.size() == 1);
    assertThat(resolvedRefs(statuses.get(0))).isEqualTo("BackendNotFound");

    services.put(service("demo/unrelated"), federated("demo/unrelated"));
    Feeds.federation(publisher, new FederationSnapshot(services, java.util.Map.of()));
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.builds() == 2);
    drain();
    assertThat(statuses).as("no compilation, so no new statuses").hasSize(1);

    services.put(service("demo/kuard"), federated("demo/kuard"));
    Feeds.federation(publisher, new FederationSnapshot(services, java.util.Map.of()));
    await().atMost(Duration.ofSeconds(5)).until(() -> statuses.size() == 2);
    assertThat(resolvedRefs(statuses.get(1))).isEqualTo("ResolvedRefs");
  }

  private static String resolvedRefs(dev.gantry.xds.compile.gateway.GatewayApiStatuses s) {
    return s.httpRoutes().get("demo/r").getParents().get(0).getConditions().stream()
        .filter(c -> c.getType().equals("ResolvedRefs"))
        .findFirst()
        .orElseThrow()
        .getReason();
  }

  @Test
  void anExtensionOfSeveralServicesGetsEachAsNowMergedWhenOnlyEndpointsChange() throws Exception {
    java.util.Map<String, io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment> last =
        new java.util.concurrent.ConcurrentHashMap<>();
    XdsSink sink =
        new XdsSink() {
          @Override
          public void endpoints(
              java.util.Collection<io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment>
                  changed,
              java.util.Collection<String> removed,
              java.util.Map<String, java.util.Map<String, java.time.Instant>> seen) {
            changed.forEach(c -> last.put(c.getClusterName(), c));
          }

          @Override
          public void publish(
              io.envoyproxy.controlplane.cache.v3.Snapshot envoy,
              io.envoyproxy.controlplane.cache.v3.Snapshot proxyless) {}
        };
    XdsPublisher publisher =
        new XdsPublisher(
            executor,
            Duration.ZERO,
            new ProxyCompiler("gantry"),
            new XdsAssembler("127.0.0.1", 8080, 8443),
            sink,
            new XdsMetrics(),
            verdicts::add);
    dev.gantry.api.crd.contour.ExtensionService ext =
        Fixtures.extension("demo/authz", "authz-a", 9000, "h2c");
    ext.getSpec()
        .getServices()
        .add(new dev.gantry.api.crd.contour.ExtensionServiceSpec.Target("authz-b", 9000));
    publisher.extensionServicesChanged(List.of(ext));
    dev.gantry.xds.TestCertificates.Issued cert =
        dev.gantry.xds.TestCertificates.rsa("web", "web.example");
    publisher.secretsChanged(
        java.util.Map.of(
            "demo/cert", dev.gantry.xds.TestCertificates.tlsSecret("demo/cert", cert)));
    Feeds.proxies(
        publisher,
        List.of(
            Fixtures.proxy("demo/web")
                .fqdn("web.example")
                .tls("cert", null, null)
                .route("/", "kuard", 80, null)
                .authorization("demo/authz", java.util.Map.of(), a -> {})
                .build()));
    java.util.Map<dev.gantry.api.federation.ServiceName, dev.gantry.api.federation.FederatedService>
        services = new java.util.HashMap<>();
    services.put(service("demo/kuard"), federated("demo/kuard"));
    services.put(service("demo/authz-a"), grpc("demo/authz-a", "198.18.1.1"));
    services.put(service("demo/authz-b"), grpc("demo/authz-b", "198.18.2.1"));
    Feeds.federation(publisher, new FederationSnapshot(services, java.util.Map.of()));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> verdicts.size() == 1 && last.containsKey("extension/demo/authz"));
    assertThat(verdicts.get(0).get(0).valid()).isTrue();
    assertThat(addresses(last.get("extension/demo/authz")))
        .containsExactly("198.18.1.1", "198.18.2.1");

    // Endpoints alone change, of one service and then of the other: each assignment holds both
    // services as they are now, not as the last full build saw the one that did not change.
    services.put(service("demo/authz-b"), grpc("demo/authz-b", "198.18.2.2"));
    Feeds.federation(publisher, new FederationSnapshot(services, java.util.Map.of()));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> addresses(last.get("extension/demo/authz")).contains("198.18.2.2"));
    services.put(service("demo/authz-a"), grpc("demo/authz-a", "198.18.1.2"));
    Feeds.federation(publisher, new FederationSnapshot(services, java.util.Map.of()));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> addresses(last.get("extension/demo/authz")).contains("198.18.1.2"));
    assertThat(addresses(last.get("extension/demo/authz")))
        .containsExactly("198.18.1.2", "198.18.2.2");
    drain();
    assertThat(verdicts).as("endpoints only: nothing compiled again").hasSize(1);
  }

  @Test
  void aRateLimitServiceThatIsMissingShowsInTheGaugeUntilItsExtensionServiceIsValid()
      throws Exception {
    XdsMetrics hubMetrics = new XdsMetrics();
    XdsPublisher publisher =
        new XdsPublisher(
            executor,
            Duration.ZERO,
            new ProxyCompiler(
                "gantry", dev.gantry.xds.compile.httpproxy.RateLimitService.of("demo/limits")),
            new XdsAssembler("127.0.0.1", 8080, 8443),
            server,
            hubMetrics,
            verdicts::add);
    java.util.Map<dev.gantry.api.federation.ServiceName, dev.gantry.api.federation.FederatedService>
        services = new java.util.HashMap<>();
    services.put(service("demo/kuard"), federated("demo/kuard"));
    services.put(service("demo/ratelimit"), grpc("demo/ratelimit", "198.18.3.1"));
    Feeds.proxies(
        publisher,
        List.of(
            Fixtures.proxy("demo/a").fqdn("a.example.com").route("/", "kuard", 80, null).build()));
    Feeds.federation(publisher, new FederationSnapshot(services, java.util.Map.of()));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> hubMetrics.scrape().contains("gantry_rate_limit_service_valid 0.0"));

    publisher.extensionServicesChanged(
        List.of(Fixtures.extension("demo/limits", "ratelimit", 9000, "h2c")));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> hubMetrics.scrape().contains("gantry_rate_limit_service_valid 1.0"));
  }

  private static List<String> addresses(
      io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment cla) {
    return cla.getEndpointsList().stream()
        .flatMap(l -> l.getLbEndpointsList().stream())
        .map(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress())
        .toList();
  }

  private static dev.gantry.api.federation.FederatedService grpc(String name, String address) {
    return Fixtures.service(name)
        .port("grpc", 9000)
        .cluster("east", 0, 1, "grpc", address + ":9000")
        .build();
  }

  private static dev.gantry.api.federation.ServiceName service(String name) {
    String[] parts = name.split("/");
    return dev.gantry.api.federation.ServiceName.of(parts[0], parts[1]);
  }

  private static dev.gantry.api.federation.FederatedService federated(String name) {
    return Fixtures.service(name)
        .port("http", 80)
        .cluster("east", 0, 1, "http", "198.18.0.7:8080")
        .build();
  }
}
