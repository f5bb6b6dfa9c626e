package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.RemoteClusterSpec;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.GrpcWho;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Remote clusters east and west, a hub, a discoverer per remote, the hub process and a real Envoy
 * over ADS, with HTTP backends in network namespaces: traffic flows from Envoy to backends in both
 * clusters as HTTPProxies, a Gateway API HTTPRoute and EndpointSlices say. The tests share one
 * system and run in order, each leaving it as the next expects.
 */
@WithClusters({"east", "west", "hub"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FederationEndToEndIT {
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final String DASHBOARD = "deploy/helm/gantry/files/dashboards/gantry.json";
  private static final String ALERTS = "deploy/helm/gantry/files/alerts/gantry.rules.yaml";

  /**
   * Series the hub exports only when the feature they watch is configured, which this federation
   * does not: the rate limit service's validity exists with --rate-limit-service only
   * (RateLimitServiceLogTest and XdsPublisherTest scrape it).
   */
  private static final Set<String> ONLY_WHEN_CONFIGURED = Set.of("gantry_rate_limit_service_valid");

  private static final String FEDERATED_HOST = "kuard.gantry.test";
  private static final String SPLIT_HOST = "split.gantry.test";
  private static final String GATEWAY_HOST = "kuard.gateway.gantry.test";

  private LocalGantry gantry;
  private Envoy envoy;
  private Testbed testbed;
  private LogCapture logs;

  @BeforeAll
  void start(Testbed testbed) {
    this.testbed = testbed;
    logs = LogCapture.attach();
    gantry = LocalGantry.start(testbed, "hub", List.of("east", "west"));
    gantry.startBackend("east-1");
    gantry.startBackend("west-1");
    gantry.objects().publishService("east", "kuard", List.of("east-1"));
    gantry.objects().publishService("west", "kuard", List.of("west-1"));
    gantry.objects().applyProxy("kuard", "kuard.gantry.test", "kuard");
    gantry
        .objects()
        .applyProxy(
            """
        apiVersion: projectcontour.io/v1
        kind: HTTPProxy
        metadata: {name: split, namespace: demo}
        spec:
          ingressClassName: gantry
          virtualhost: {fqdn: split.gantry.test}
          routes:
          - conditions: [{prefix: /}]
            services:
            - {name: east-kuard, port: 80, weight: 80}
            - {name: west-kuard, port: 80, weight: 20}
        """);
    envoy = gantry.startEnvoy("envoy-sotw", "GRPC");
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
    if (logs != null) {
      logs.detach();
    }
  }

  private void awaitAnswers(String host, String... backends) {
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> assertThat(gantry.tally(host, "/", 20).keySet()).containsOnly(backends));
  }

  @Test
  @Order(1)
  void federatedServiceAnswersFromBothClusters() {
    awaitAnswers(FEDERATED_HOST, "east-1", "west-1");

    HTTPProxy proxy = gantry.objects().proxy("demo", "kuard");
    assertThat(proxy.getStatus().getCurrentStatus()).isEqualTo("valid");
    ServiceImport view =
        gantry
            .hubClient()
            .resources(ServiceImport.class)
            .inNamespace("demo")
            .withName("kuard")
            .get();
    assertThat(view.getStatus().getClusters())
        .extracting(c -> c.getCluster())
        .containsExactly("east", "west");
    assertThat(gantry.hub().metrics().scrape())
        .contains("gantry_xds_streams{mode=\"sotw\"} 1")
        .doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
  }

  @Test
  @Order(2)
  void theFederatedServiceAnswersFromBothClustersThroughAGatewayAndAnHttpRoute() {
    gantry.objects().applyGateway("kuard", GATEWAY_HOST, "kuard");

    awaitAnswers(GATEWAY_HOST, "east-1", "west-1");
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(gantry.objects().gatewayConditions("kuard"))
                    .containsEntry("GatewayClass.Accepted", "True")
                    .containsEntry("Gateway.Accepted", "True")
                    .containsEntry("Gateway.Programmed", "True")
                    .containsEntry("HTTPRoute.Accepted", "True")
                    .containsEntry("HTTPRoute.ResolvedRefs", "True"));
    // Beside the HTTPProxy of the same service, which serves as before.
    awaitAnswers(FEDERATED_HOST, "east-1", "west-1");
  }

  @Test
  @Order(3)
  void invalidProxyIsReportedWhileTheOthersKeepServing() {
    gantry.objects().applyProxy("broken", "broken.gantry.test", "nowhere");

    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              HTTPProxy broken = gantry.objects().proxy("demo", "broken");
              assertThat(broken.getStatus()).isNotNull();
              assertThat(broken.getStatus().getCurrentStatus()).isEqualTo("invalid");
              assertThat(broken.getStatus().getDescription()).contains("nowhere");
            });
    assertThat(gantry.tally("broken.gantry.test", "/", 5)).containsOnlyKeys("status-404");
    awaitAnswers(FEDERATED_HOST, "east-1", "west-1");
  }

  @Test
  @Order(4)
  void weightsSplitTrafficBetweenClusterMirrors() {
    awaitAnswers(SPLIT_HOST, "east-1", "west-1");

    Map<String, Integer> counts = gantry.tally(SPLIT_HOST, "/", 1000);

    // 80 % of 1,000 within ±10 %: 720-880 (six standard deviations of a fair 80/20 draw).
    assertThat(counts).containsOnlyKeys("east-1", "west-1");
    assertThat(counts.get("east-1")).isBetween(720, 880);
  }

  @Test
  @Order(5)
  void anEndpointAddedInARemoteClusterStartsReceivingTraffic() throws Exception {
    gantry.startBackend("east-2");
    gantry.objects().publishService("east", "kuard", List.of("east-1", "east-2"));

    awaitAnswers(FEDERATED_HOST, "east-1", "east-2", "west-1");
    // The hub measured the change from east's discoverer seeing it to Envoy's ACK.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(gantry.hub().metrics().scrape())
                    .containsPattern(
                        "gantry_propagation_seconds_count\\{cluster=\"east\",mode=\"sotw\",?\\} [1-9]"));
    // Every series the chart's dashboard queries is one the hub or a discoverer exports.
    String exported =
        gantry.hub().metrics().scrape()
            + gantry.discoverer("east").metrics().scrape()
            + gantry.discoverer("west").metrics().scrape();
    // And so is every series the chart's alerts query.
    java.util.regex.Matcher queried =
        java.util.regex.Pattern.compile("gantry_[a-z_]+")
            .matcher(
                Files.readString(RepoFiles.find(Path.of(DASHBOARD)))
                    + Files.readString(RepoFiles.find(Path.of(ALERTS))));
    int names = 0;
    while (queried.find()) {
      names++;
      if (ONLY_WHEN_CONFIGURED.contains(queried.group())) {
        continue;
      }
      // With labels "name{...} v", without "name v".
      assertThat(exported)
          .as("dashboard or alert series")
          .containsPattern("(?m)^" + queried.group() + "[{ ]");
    }
    assertThat(names).isGreaterThan(10);
  }

  @Test
  @Order(6)
  void aDeadEndpointIsEjectedByOutlierDetection() throws Exception {
    String dead = gantry.backendAddress("east-2");
    gantry.stopBackend("east-2"); // its endpoint stays in the EndpointSlice

    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              assertThat(gantry.tally(FEDERATED_HOST, "/", 20))
                  .containsOnlyKeys("east-1", "west-1");
              assertThat(envoy.admin("/clusters"))
                  .contains(dead + ":8080::health_flags::/failed_outlier_check");
            });
    // Ejected for 10 s and more after each return: at most one re-ejection's 3 failures here.
    Map<String, Integer> counts = gantry.tally(FEDERATED_HOST, "/", 200);
    assertThat(counts.getOrDefault("status-503", 0) + counts.getOrDefault("error", 0))
        .isLessThanOrEqualTo(3);
    gantry.objects().publishService("east", "kuard", List.of("east-1"));
  }

  @Test
  @Order(7)
  void whenOneClusterLosesAllEndpointsTheOtherTakesAllTrafficWithoutFailures() {
    awaitAnswers(FEDERATED_HOST, "east-1", "west-1");

    gantry.objects().publishService("east", "kuard", List.of());

    awaitAnswers(FEDERATED_HOST, "west-1");
    assertThat(gantry.tally(FEDERATED_HOST, "/", 300)).containsOnly(Map.entry("west-1", 300));
    gantry.objects().publishService("east", "kuard", List.of("east-1"));
    awaitAnswers(FEDERATED_HOST, "east-1", "west-1");
  }

  @Test
  @Order(8)
  void clusterPriorityFromRemoteClusterMakesTheOtherClusterAFailover() {
    setPriority("west", 1);

    awaitAnswers(FEDERATED_HOST, "east-1");

    gantry.objects().publishService("east", "kuard", List.of());
    awaitAnswers(FEDERATED_HOST, "west-1");
    assertThat(gantry.tally(FEDERATED_HOST, "/", 100)).containsOnly(Map.entry("west-1", 100));

    gantry.objects().publishService("east", "kuard", List.of("east-1"));
    setPriority("west", 0);
    awaitAnswers(FEDERATED_HOST, "east-1", "west-1");
  }

  private void setPriority(String cluster, int priority) {
    gantry
        .hubClient()
        .resources(RemoteCluster.class)
        .withName(cluster)
        .edit(
            rc -> {
              RemoteClusterSpec spec =
                  rc.getSpec() == null ? new RemoteClusterSpec() : rc.getSpec();
              spec.setPriority(priority);
              rc.setSpec(spec);
              return rc;
            });
  }

  @Test
  @Order(9)
  void deltaAndStateOfTheWorldEnvoysConvergeToTheSameRouting() throws Exception {
    String sotwRoutes = routes(envoy);
    Map<String, Integer> sotwSplit = gantry.tally(SPLIT_HOST, "/", 200);
    gantry.stopEnvoy(envoy);

    envoy = gantry.startEnvoy("envoy-delta", "DELTA_GRPC");

    awaitAnswers(FEDERATED_HOST, "east-1", "west-1");
    assertThat(routes(envoy)).isEqualTo(sotwRoutes);
    assertThat(gantry.tally(SPLIT_HOST, "/", 200).keySet()).isEqualTo(sotwSplit.keySet());
    assertThat(gantry.tally("broken.gantry.test", "/", 5)).containsOnlyKeys("status-404");
    assertThat(gantry.hub().metrics().scrape())
        .contains("gantry_xds_streams{mode=\"delta\"} 1")
        .doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
  }

  @Test
  @Order(10)
  void grpcJavaXdsClientCallsGrpcBackendsInBothClustersThroughTheHub() throws Exception {
    gantry.startGrpcBackend("east-grpc");
    gantry.startGrpcBackend("west-grpc");
    gantry
        .objects()
        .publishService("east", "who", "grpc", LocalGantry.GRPC_PORT, List.of("east-grpc"));
    gantry
        .objects()
        .publishService("west", "who", "grpc", LocalGantry.GRPC_PORT, List.of("west-grpc"));
    gantry.objects().applyProxy("who", "who.gantry.test", "who");
    System.setProperty(
        "io.grpc.xds.bootstrapConfig", GrpcWho.xdsBootstrap("e2e-grpc", gantry.hub().xdsPort()));
    ManagedChannel channel =
        Grpc.newChannelBuilder("xds:///who.gantry.test", InsecureChannelCredentials.create())
            .build();
    try {
      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .untilAsserted(
              () ->
                  assertThat(GrpcWho.answers(channel, 20))
                      .containsOnlyKeys("east-grpc", "west-grpc"));

      gantry.objects().publishService("east", "who", "grpc", LocalGantry.GRPC_PORT, List.of());
      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> assertThat(GrpcWho.answers(channel, 20)).containsOnlyKeys("west-grpc"));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      System.clearProperty("io.grpc.xds.bootstrapConfig");
    }
    assertThat(gantry.hub().metrics().scrape())
        .doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
  }

  /** The route configuration Envoy received, without its version and timestamps. */
  private static String routes(Envoy envoy) throws Exception {
    String dump = envoy.admin("/config_dump?resource=dynamic_route_configs");
    return dump.replaceAll("\"version_info\": \"[^\"]*\"", "")
        .replaceAll("\"last_updated\": \"[^\"]*\"", "");
  }

  @Test
  @Order(11)
  void delegationAcrossNamespacesServesEachTeamsRoutesAndReportsBrokenIncludes() {
    gantry.startBackend("portal-1");
    gantry.startBackend("blog-1");
    gantry.objects().publishService("west", "portal", List.of("portal-1"));
    gantry.objects().publishService("east", LocalGantry.TEAM_NAMESPACE, "blog", List.of("blog-1"));
    gantry
        .objects()
        .applyProxy(
            """
        apiVersion: projectcontour.io/v1
        kind: HTTPProxy
        metadata: {name: portal, namespace: demo}
        spec:
          ingressClassName: gantry
          virtualhost: {fqdn: portal.gantry.test}
          includes:
          - {name: blog, namespace: team, conditions: [{prefix: /blog}]}
          - {name: missing, conditions: [{prefix: /missing}]}
          - name: blog
            namespace: team
            conditions: [{prefix: /beta}, {header: {name: x-beta, present: true}}]
          - {name: loop-a, namespace: team, conditions: [{prefix: /loop}]}
          routes:
          - services: [{name: portal, port: 80}]
        """);
    gantry
        .objects()
        .applyProxy(
            """
        apiVersion: projectcontour.io/v1
        kind: HTTPProxy
        metadata: {name: blog, namespace: team}
        spec:
          ingressClassName: gantry
          routes:
          - conditions: [{prefix: /}]
            services: [{name: blog, port: 80}]
        """);
    for (String[] loop : new String[][] {{"loop-a", "loop-b"}, {"loop-b", "loop-a"}}) {
      gantry
          .objects()
          .applyProxy(
              """
          apiVersion: projectcontour.io/v1
          kind: HTTPProxy
          metadata: {name: %s, namespace: team}
          spec:
            ingressClassName: gantry
            includes: [{name: %s, conditions: [{prefix: /next}]}]
            routes:
            - services: [{name: blog, port: 80}]
          """
                  .formatted(loop[0], loop[1]));
    }
    gantry
        .objects()
        .applyProxy(
            """
        apiVersion: projectcontour.io/v1
        kind: HTTPProxy
        metadata: {name: lonely, namespace: team}
        spec:
          ingressClassName: gantry
          routes:
          - services: [{name: blog, port: 80}]
        """);

    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              assertThat(gantry.tally("portal.gantry.test", "/blog/post", 5))
                  .containsOnlyKeys("blog-1");
              assertThat(gantry.tally("portal.gantry.test", "/", 5)).containsOnlyKeys("portal-1");
              assertThat(gantry.tally("portal.gantry.test", "/missing/x", 5))
                  .containsOnlyKeys("status-502");
              assertThat(getWith("portal.gantry.test", "/beta/x", "x-beta", "1").body())
                  .isEqualTo("blog-1");
              assertThat(gantry.tally("portal.gantry.test", "/beta/x", 3))
                  .containsOnlyKeys("portal-1");
              // The cycle is cut where it closes: /loop and /loop/next serve, nothing deeper.
              assertThat(gantry.tally("portal.gantry.test", "/loop/next/x", 3))
                  .containsOnlyKeys("blog-1");
            });
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              HTTPProxy portal = gantry.objects().proxy("demo", "portal");
              assertThat(portal.getStatus().getCurrentStatus()).isEqualTo("invalid");
              assertThat(portal.getStatus().getDescription())
                  .isEqualTo("spec.includes[1]: include demo/missing not found");
              assertThat(portal.getStatus().getConditions().get(0).getErrors())
                  .extracting(e -> e.getType() + "/" + e.getReason())
                  .containsExactly("IncludeError/IncludeNotFound");
              assertThat(gantry.objects().proxy("team", "blog").getStatus().getCurrentStatus())
                  .isEqualTo("valid");
              assertThat(gantry.objects().proxy("team", "lonely").getStatus().getCurrentStatus())
                  .isEqualTo("orphaned");
              assertThat(gantry.objects().proxy("team", "loop-a").getStatus().getDescription())
                  .isEqualTo(
                      "include creates an include cycle: demo/portal -> team/loop-a -> team/loop-b"
                          + " -> team/loop-a");
              assertThat(gantry.objects().proxy("team", "loop-b").getStatus().getCurrentStatus())
                  .isEqualTo("valid");
            });
  }

  private java.net.http.HttpResponse<String> getWith(
      String host, String path, String header, String value) throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + gantry.httpPort() + path))
                .header("Host", host)
                .header(header, value)
                .timeout(Duration.ofSeconds(5))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  /** The sum of {@code upstream_rq_total} over Envoy's clusters of service {@code demo/<name>}. */
  private long requestsTo(String service) throws Exception {
    long total = 0;
    for (String line : envoy.admin("/stats?filter=upstream_rq_total$").split("\n")) {
      int colon = line.indexOf(": ");
      if (colon > 0 && line.startsWith("cluster.demo_" + service + "_80_")) {
        total += Long.parseLong(line.substring(colon + 2).trim());
      }
    }
    return total;
  }

  @Test
  @Order(12)
  void mirrorsRedirectsDirectResponsesHeadersAndCorsWorkAcrossClusters() throws Exception {
    gantry
        .objects()
        .applyProxy(
            """
        apiVersion: projectcontour.io/v1
        kind: HTTPProxy
        metadata: {name: features, namespace: demo}
        spec:
          ingressClassName: gantry
          virtualhost:
            fqdn: features.gantry.test
            corsPolicy: {allowOrigin: ["https://app.gantry.test"], allowMethods: [GET, PUT]}
          routes:
          - conditions: [{prefix: /mirrored}]
            services:
            - {name: portal, port: 80}
            - {name: east-kuard, port: 80, mirror: true}
          - conditions: [{prefix: /old}]
            requestRedirectPolicy: {scheme: https, hostname: new.gantry.test, statusCode: 302}
          - conditions: [{prefix: /gone}]
            directResponsePolicy: {statusCode: 410, body: gone}
          - services: [{name: portal, port: 80}]
            responseHeadersPolicy: {set: [{name: X-Served-By, value: gantry}]}
        """);
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(gantry.tally("features.gantry.test", "/", 5))
                    .containsOnlyKeys("portal-1"));

    long mirroredBefore = requestsTo("east-kuard");
    assertThat(gantry.tally("features.gantry.test", "/mirrored/x", 10))
        .containsOnlyKeys("portal-1");
    await().atMost(CONVERGE).until(() -> requestsTo("east-kuard") >= mirroredBefore + 10);

    var redirect = gantry.get("features.gantry.test", "/old/page");
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.headers().firstValue("location"))
        .hasValue("https://new.gantry.test/old/page");
    var gone = gantry.get("features.gantry.test", "/gone");
    assertThat(gone.statusCode()).isEqualTo(410);
    assertThat(gone.body()).isEqualTo("gone");
    assertThat(gantry.get("features.gantry.test", "/").headers().firstValue("x-served-by"))
        .hasValue("gantry");

    java.net.http.HttpResponse<String> preflight =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + gantry.httpPort() + "/"))
                    .header("Host", "features.gantry.test")
                    .header("Origin", "https://app.gantry.test")
                    .header("Access-Control-Request-Method", "PUT")
                    .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(preflight.headers().firstValue("access-control-allow-origin"))
        .hasValue("https://app.gantry.test");
    assertThat(gantry.objects().proxy("demo", "features").getStatus().getCurrentStatus())
        .isEqualTo("valid");
    assertThat(gantry.hub().metrics().scrape())
        .doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
  }

  @Test
  @Order(13)
  void noLogLineCarriesACredential() {
    // Every credential of this run: the clusters' admin identities (client keys and certificates,
    // or tokens), which the discoverers and the hub hold.
    List<String> secrets = new java.util.ArrayList<>();
    for (var cluster : testbed.clusters()) {
      io.fabric8.kubernetes.client.Config c =
          io.fabric8.kubernetes.client.Config.fromKubeconfig(cluster.adminKubeconfig());
      secrets.add(c.getClientKeyData());
      secrets.add(c.getClientCertData());
      secrets.add(c.getOauthToken());
      secrets.add(c.getAutoOAuthToken());
    }
    assertThat(logs.size()).as("log lines captured").isGreaterThan(20);
    assertThat(logs.leaks(secrets)).isEmpty();
  }
}
