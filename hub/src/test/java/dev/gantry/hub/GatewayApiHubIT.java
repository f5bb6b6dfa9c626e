package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.runtime.informer.RetryingInformers;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.HubServices;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.compile.gateway.GatewayApiObjects;
import dev.gantry.xds.compile.gateway.GatewayApiStatuses;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.LoadBalancerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hub's side of Gateway API on real apiservers with the standard CRDs the test bed installs:
 * the watches hand every kind to the build loop (and survive an object that does not read), the
 * status writer writes what changed and nothing else, keeps other controllers' route parents and
 * transition times that did not change, and a hub without the CRDs starts and serves HTTPProxies.
 * Two upstream conformance tests that need the status writer on an apiserver are followed here, on
 * an apiserver of their own.
 */
@WithClusters({"gwapi", "loose", "plain", "foreign"})
class GatewayApiHubIT {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final String OURS = GatewayApiStatusMerge.CONTROLLER;
  private static final String THEIRS = "example.com/other-controller";

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final RetryingInformers informers = new RetryingInformers();
  private GatewayApiSources sources;

  @AfterEach
  void stop() {
    if (sources != null) {
      sources.close();
    }
    scheduler.shutdownNow();
  }

  @Test
  void everyKindReachesTheBuildLoopAndStatusesAreWrittenOnlyWhenTheyChange(Testbed testbed)
      throws Exception {
    KubernetesClient client = testbed.cluster("gwapi").client();
    Crds.installGatewayApi(client);
    String ns = namespace(client, "gw");
    String className = "gantry-" + ns;
    client.resources(GatewayClass.class).resource(gatewayClass(className)).create();
    client.resources(Gateway.class).inNamespace(ns).resource(gateway(className)).create();
    client.resources(HTTPRoute.class).inNamespace(ns).resource(httpRoute("web")).create();
    client.resources(GRPCRoute.class).inNamespace(ns).resource(grpcRoute()).create();
    client.resources(ReferenceGrant.class).inNamespace(ns).resource(grant()).create();

    AtomicReference<GatewayApiObjects> built = new AtomicReference<>();
    sources = new GatewayApiSources(client, informers, scheduler).start(built::set, () -> {});
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              GatewayApiObjects o = built.get();
              assertThat(o).isNotNull();
              assertThat(names(o.gatewayClasses())).contains(className);
              assertThat(names(o.gateways())).containsExactly("gw");
              assertThat(names(o.httpRoutes())).containsExactly("web");
              assertThat(names(o.grpcRoutes())).containsExactly("grpc");
              assertThat(names(o.referenceGrants())).containsExactly("grant");
            });
    assertThat(sources.listed()).isTrue();

    // A spec change reaches the build loop.
    client
        .resources(HTTPRoute.class)
        .inNamespace(ns)
        .withName("web")
        .edit(
            r -> {
              r.getSpec().setHostnames(List.of("web.example.com", "www.example.com"));
              return r;
            });
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                built
                    .get()
                    .httpRoutes()
                    .get(0)
                    .getSpec()
                    .getHostnames()
                    .contains("www.example.com"));

    // Another controller's entry for its own parent, which must outlive our writes.
    HTTPRoute theirs = client.resources(HTTPRoute.class).inNamespace(ns).withName("web").get();
    theirs.setStatus(
        new HTTPRouteStatus(
            List.of(
                parent(
                    THEIRS,
                    "their-gateway",
                    new Condition(
                        "2026-11-30T00:00:00Z", "theirs", 1L, "Accepted", "True", "Accepted")))));
    client.resources(HTTPRoute.class).inNamespace(ns).resource(theirs).updateStatus();

    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    LoadBalancerStatus envoyAt =
        new LoadBalancerStatusBuilder()
            .withIngress(new LoadBalancerIngressBuilder().withIp("198.18.0.7").build())
            .build();
    try (GatewayApiStatusWriter writer =
        new GatewayApiStatusWriter(client, clock, sources, () -> true, () -> envoyAt)) {
      GatewayApiStatuses first = statuses(className, ns, "True");
      awaitCachesCaughtUp(client, ns, className);
      assertThat(writer.writeAll(first)).isEqualTo(new GatewayApiStatusWriter.Outcome(4, 0));

      HTTPRoute route = client.resources(HTTPRoute.class).inNamespace(ns).withName("web").get();
      assertThat(route.getStatus().getParents())
          .extracting(RouteParentStatus::getControllerName)
          .containsExactlyInAnyOrder(THEIRS, OURS);
      assertThat(ours(route).getConditions())
          .extracting(Condition::getType, Condition::getLastTransitionTime)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("Accepted", "2026-12-01T10:00:00Z"),
              org.assertj.core.groups.Tuple.tuple("ResolvedRefs", "2026-12-01T10:00:00Z"));
      Gateway gateway = client.resources(Gateway.class).inNamespace(ns).withName("gw").get();
      assertThat(gateway.getStatus().getAddresses())
          .extracting(a -> a.getType() + "=" + a.getValue())
          .containsExactly("IPAddress=198.18.0.7");
      assertThat(gateway.getStatus().getListeners().get(0).getAttachedRoutes()).isEqualTo(1);
      assertThat(
              client
                  .resources(GatewayClass.class)
                  .withName(className)
                  .get()
                  .getStatus()
                  .getConditions())
          .extracting(Condition::getType)
          .containsExactly("Accepted");
      assertThat(
              client
                  .resources(GRPCRoute.class)
                  .inNamespace(ns)
                  .withName("grpc")
                  .get()
                  .getStatus()
                  .getParents())
          .hasSize(1);

      // The same statuses again, later: nothing is written, no object changes.
      awaitCachesCaughtUp(client, ns, className);
      Map<String, String> versions = versions(client, ns, className);
      clock.set(Instant.parse("2026-12-01T11:00:00Z"));
      assertThat(writer.writeAll(first)).isEqualTo(new GatewayApiStatusWriter.Outcome(0, 0));
      assertThat(versions(client, ns, className)).isEqualTo(versions);

      // The route is no longer accepted: only it is written; its unchanged condition keeps its
      // time, the changed one takes the clock's; the other controller's entry stays.
      GatewayApiStatuses second = statuses(className, ns, "False");
      assertThat(writer.writeAll(second)).isEqualTo(new GatewayApiStatusWriter.Outcome(1, 0));
      route = client.resources(HTTPRoute.class).inNamespace(ns).withName("web").get();
      assertThat(ours(route).getConditions())
          .extracting(Condition::getType, Condition::getStatus, Condition::getLastTransitionTime)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("Accepted", "False", "2026-12-01T11:00:00Z"),
              org.assertj.core.groups.Tuple.tuple("ResolvedRefs", "True", "2026-12-01T10:00:00Z"));
      assertThat(route.getStatus().getParents())
          .extracting(RouteParentStatus::getControllerName)
          .containsExactlyInAnyOrder(THEIRS, OURS);
      Map<String, String> after = versions(client, ns, className);
      assertThat(after).containsEntry("gw", versions.get("gw"));
      assertThat(after.get("web")).isNotEqualTo(versions.get("web"));
    }

    // The hub process itself: with the CRDs served it lists them, and is ready.
    Crds.install(client, RemoteCluster.CRD_NAME, HTTPProxy.CRD_NAME, ServiceImport.CRD_NAME);
    try (Hub hub = HubFixtures.hub(client, Ports.freeLoopbackPort(), Ports.freeLoopbackPort())) {
      await().atMost(CONVERGE).until(hub::ready);
    }
  }

  /**
   * The statuses the compiler gives the objects the watches hold, once they hold {@code ready},
   * written: the hub's pipeline from watch to status write, without Envoy.
   */
  private void compileAndWrite(
      String ns,
      AtomicReference<GatewayApiObjects> built,
      GatewayApiStatusWriter writer,
      dev.gantry.api.federation.FederationSnapshot federation,
      java.util.function.Predicate<GatewayApiObjects> ready) {
    // The test's namespace alone: other tests' Gateways on this apiserver are not its.
    java.util.function.Supplier<GatewayApiObjects> own =
        () -> {
          GatewayApiObjects o = built.get();
          return new GatewayApiObjects(
              o.gatewayClasses(),
              o.gateways().stream().filter(g -> ns.equals(g.getMetadata().getNamespace())).toList(),
              o.httpRoutes().stream()
                  .filter(r -> ns.equals(r.getMetadata().getNamespace()))
                  .toList(),
              List.of(),
              List.of(),
              o.namespaceLabels());
        };
    await().atMost(CONVERGE).until(() -> built.get() != null && ready.test(own.get()));
    GatewayApiStatuses statuses =
        new dev.gantry.xds.compile.gateway.GatewayApiCompiler(
                dev.gantry.xds.compile.ExternalNames.DISABLED)
            .compile(own.get(), federation, Map.of(), Map.of())
            .statuses();
    assertThat(writer.writeAll(statuses).failed()).isZero();
  }

  private static final String STALE_CONDITION =
      "conformance.gateway.networking.k8s.io/StaleCondition";
  private static final String STALE_CONTROLLER = "gateway.networking.k8s.io/stale-controller";

  /**
   * Follows the upstream conformance test GatewayPreserveForeignConditions (its Gateway, in a
   * namespace of its own): a condition of a type we do not set, seeded on the Gateway and on its
   * listener, outlives a spec change and our writes for it, unchanged.
   */
  @Test
  void gatewayPreserveForeignConditions(Testbed testbed) {
    KubernetesClient client = testbed.cluster("foreign").client();
    Crds.installGatewayApi(client);
    String ns = namespace(client, "foreign");
    String className = "gantry-" + ns;
    client.resources(GatewayClass.class).resource(gatewayClass(className)).create();
    client
        .resources(Gateway.class)
        .inNamespace(ns)
        .resource(
            new GatewayBuilder()
                .withNewMetadata()
                .withName("gateway-preserve-foreign-conditions")
                .endMetadata()
                .withNewSpec()
                .withGatewayClassName(className)
                .addNewListener()
                .withName("http")
                .withPort(80)
                .withProtocol("HTTP")
                .withNewAllowedRoutes()
                .withNewNamespaces()
                .withFrom("Same")
                .endNamespaces()
                .endAllowedRoutes()
                .endListener()
                .endSpec()
                .build())
        .create();
    AtomicReference<GatewayApiObjects> built = new AtomicReference<>();
    sources = new GatewayApiSources(client, informers, scheduler).start(built::set, () -> {});
    var gateways =
        client
            .resources(Gateway.class)
            .inNamespace(ns)
            .withName("gateway-preserve-foreign-conditions");
    dev.gantry.api.federation.FederationSnapshot none =
        new dev.gantry.api.federation.FederationSnapshot(Map.of(), Map.of());
    try (GatewayApiStatusWriter writer =
        new GatewayApiStatusWriter(client, Clock.systemUTC(), sources, () -> true, () -> null)) {
      compileAndWrite(ns, built, writer, none, o -> !o.gateways().isEmpty());
      await()
          .atMost(CONVERGE)
          .until(
              () ->
                  gateways.get().getStatus() != null
                      && !gateways.get().getStatus().getListeners().isEmpty());

      Gateway seeded = gateways.get();
      long generation = seeded.getMetadata().getGeneration();
      Condition foreign =
          new Condition("2026-12-01T10:00:00Z", "", generation, "Seeded", "True", STALE_CONDITION);
      seeded
          .getStatus()
          .setConditions(new java.util.ArrayList<>(seeded.getStatus().getConditions()));
      seeded.getStatus().getConditions().add(foreign);
      ListenerStatus listener = seeded.getStatus().getListeners().get(0);
      listener.setConditions(new java.util.ArrayList<>(listener.getConditions()));
      listener.getConditions().add(foreign);
      client.resources(Gateway.class).inNamespace(ns).resource(seeded).updateStatus();

      gateways.edit(
          g -> {
            g.getSpec().getListeners().get(0).setHostname("second.example.com");
            return g;
          });
      long bumped = generation + 1;
      compileAndWrite(
          ns,
          built,
          writer,
          none,
          o ->
              o.gateways().get(0).getMetadata().getGeneration() == bumped
                  && o.gateways().get(0).getStatus().getConditions().stream()
                      .anyMatch(c -> STALE_CONDITION.equals(c.getType())));

      Gateway after = gateways.get();
      // Ours at the new generation, the seeded ones as they were.
      assertThat(after.getStatus().getConditions())
          .filteredOn(c -> !STALE_CONDITION.equals(c.getType()))
          .isNotEmpty()
          .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(bumped));
      assertThat(after.getStatus().getConditions())
          .filteredOn(c -> STALE_CONDITION.equals(c.getType()))
          .containsExactly(foreign);
      ListenerStatus http = after.getStatus().getListeners().get(0);
      assertThat(http.getName()).isEqualTo("http");
      assertThat(http.getConditions())
          .filteredOn(c -> !STALE_CONDITION.equals(c.getType()))
          .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(bumped));
      assertThat(http.getConditions())
          .filteredOn(c -> STALE_CONDITION.equals(c.getType()))
          .containsExactly(foreign);
    }
  }

  /**
   * Follows the upstream conformance test HTTPRoutePreserveForeignStatus (its route and the base
   * Gateway same-namespace, in a namespace of their own): another controller's parent entry, seeded
   * for a Gateway that is not ours, outlives a spec change and our writes for it, unchanged.
   */
  @Test
  void httpRoutePreserveForeignStatus(Testbed testbed) {
    KubernetesClient client = testbed.cluster("foreign").client();
    Crds.installGatewayApi(client);
    String ns = namespace(client, "foreign-status");
    String className = "gantry-" + ns;
    client.resources(GatewayClass.class).resource(gatewayClass(className)).create();
    client
        .resources(Gateway.class)
        .inNamespace(ns)
        .resource(
            new GatewayBuilder()
                .withNewMetadata()
                .withName("same-namespace")
                .endMetadata()
                .withNewSpec()
                .withGatewayClassName(className)
                .addNewListener()
                .withName("http")
                .withPort(80)
                .withProtocol("HTTP")
                .withNewAllowedRoutes()
                .withNewNamespaces()
                .withFrom("Same")
                .endNamespaces()
                .endAllowedRoutes()
                .endListener()
                .endSpec()
                .build())
        .create();
    client
        .resources(HTTPRoute.class)
        .inNamespace(ns)
        .resource(
            new HTTPRouteBuilder()
                .withNewMetadata()
                .withName("preserve-foreign-status")
                .endMetadata()
                .withNewSpec()
                .addNewParentRef()
                .withName("same-namespace")
                .endParentRef()
                .addNewParentRef()
                .withName("unmanaged-gateway")
                .endParentRef()
                .addNewRule()
                .addNewMatch()
                .withNewPath()
                .withType("PathPrefix")
                .withValue("/preserve-foreign-status")
                .endPath()
                .endMatch()
                .addNewBackendRef()
                .withName("infra-backend-v1")
                .withPort(8080)
                .endBackendRef()
                .endRule()
                .endSpec()
                .build())
        .create();
    var routes =
        client.resources(HTTPRoute.class).inNamespace(ns).withName("preserve-foreign-status");
    dev.gantry.api.federation.FederatedService backend =
        Fixtures.service(ns + "/infra-backend-v1")
            .port("http", 8080)
            .cluster("east", 0, 1, "http", "198.18.9.1:3000")
            .build();
    dev.gantry.api.federation.FederationSnapshot federation =
        new dev.gantry.api.federation.FederationSnapshot(Map.of(backend.name(), backend), Map.of());
    AtomicReference<GatewayApiObjects> built = new AtomicReference<>();
    sources = new GatewayApiSources(client, informers, scheduler).start(built::set, () -> {});
    try (GatewayApiStatusWriter writer =
        new GatewayApiStatusWriter(client, Clock.systemUTC(), sources, () -> true, () -> null)) {
      compileAndWrite(
          ns, built, writer, federation, o -> !o.httpRoutes().isEmpty() && !o.gateways().isEmpty());
      await()
          .atMost(CONVERGE)
          .until(
              () ->
                  routes.get().getStatus() != null
                      && !routes.get().getStatus().getParents().isEmpty());
      assertThat(condition(ours(routes.get()).getConditions(), "Accepted")).isEqualTo("True");

      HTTPRoute route = routes.get();
      RouteParentStatus foreign = new RouteParentStatus();
      foreign.setParentRef(
          new ParentReferenceBuilder()
              .withGroup("gateway.networking.k8s.io")
              .withKind("Gateway")
              .withName("unmanaged-gateway")
              .withNamespace(ns)
              .build());
      foreign.setControllerName(STALE_CONTROLLER);
      foreign.setConditions(
          List.of(
              new Condition(
                  "2026-12-01T10:00:00Z",
                  "",
                  route.getMetadata().getGeneration(),
                  "Accepted",
                  "True",
                  "Accepted")));
      route.getStatus().setParents(new java.util.ArrayList<>(route.getStatus().getParents()));
      route.getStatus().getParents().add(foreign);
      RouteParentStatus seeded =
          client
              .resources(HTTPRoute.class)
              .inNamespace(ns)
              .resource(route)
              .updateStatus()
              .getStatus()
              .getParents()
              .stream()
              .filter(p -> STALE_CONTROLLER.equals(p.getControllerName()))
              .findFirst()
              .orElseThrow();

      routes.edit(
          r -> {
            r.getSpec()
                .getRules()
                .get(0)
                .getMatches()
                .get(0)
                .getPath()
                .setValue("/preserve-foreign-status-updated");
            return r;
          });
      long bumped = route.getMetadata().getGeneration() + 1;
      compileAndWrite(
          ns,
          built,
          writer,
          federation,
          o ->
              o.httpRoutes().get(0).getMetadata().getGeneration() == bumped
                  && o.httpRoutes().get(0).getStatus().getParents().stream()
                      .anyMatch(p -> STALE_CONTROLLER.equals(p.getControllerName())));

      HTTPRoute after = routes.get();
      RouteParentStatus ours = ours(after);
      assertThat(ours.getParentRef().getName()).isEqualTo("same-namespace");
      assertThat(ours.getParentRef().getGroup()).isEqualTo("gateway.networking.k8s.io");
      assertThat(ours.getParentRef().getKind()).isEqualTo("Gateway");
      assertThat(condition(ours.getConditions(), "Accepted")).isEqualTo("True");
      assertThat(ours.getConditions())
          .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(bumped));
      assertThat(after.getStatus().getParents())
          .filteredOn(p -> STALE_CONTROLLER.equals(p.getControllerName()))
          .containsExactly(seeded);
    }
  }

  private static String condition(List<Condition> conditions, String type) {
    return conditions.stream()
        .filter(c -> c.getType().equals(type))
        .map(Condition::getStatus)
        .findFirst()
        .orElse("absent");
  }

  @Test
  void aTlsRouteIsWatchedAndTheCompilersStatusIsWrittenOnItAndOnItsListener(Testbed testbed) {
    KubernetesClient client = testbed.cluster("gwapi").client();
    Crds.installGatewayApi(client);
    String ns = namespace(client, "tls");
    String className = "gantry-" + ns;
    client.resources(GatewayClass.class).resource(gatewayClass(className)).create();
    client
        .resources(Gateway.class)
        .inNamespace(ns)
        .resource(
            new GatewayBuilder()
                .withNewMetadata()
                .withName("gw")
                .endMetadata()
                .withNewSpec()
                .withGatewayClassName(className)
                .addNewListener()
                .withName("tls")
                .withProtocol("TLS")
                .withPort(443)
                .withHostname("*.example.com")
                .withNewTls()
                .withMode("Passthrough")
                .endTls()
                .endListener()
                .endSpec()
                .build())
        .create();
    client
        .resources(TLSRoute.class)
        .inNamespace(ns)
        .resource(
            new TLSRouteBuilder()
                .withNewMetadata()
                .withName("pass")
                .endMetadata()
                .withNewSpec()
                .addNewParentRef()
                .withName("gw")
                .endParentRef()
                .withHostnames("pass.example.com")
                .addNewRule()
                .addNewBackendRef()
                .withName("kuard")
                .withPort(443)
                .endBackendRef()
                .addNewBackendRef()
                .withName("absent")
                .withPort(443)
                .endBackendRef()
                .endRule()
                .endSpec()
                .build())
        .create();

    AtomicReference<GatewayApiObjects> built = new AtomicReference<>();
    sources = new GatewayApiSources(client, informers, scheduler).start(built::set, () -> {});
    // Other tests' objects share the apiserver: this test's class and namespace only.
    Function<GatewayApiObjects, GatewayApiObjects> own =
        o ->
            new GatewayApiObjects(
                o.gatewayClasses().stream()
                    .filter(c -> c.getMetadata().getName().equals(className))
                    .toList(),
                o.gateways().stream()
                    .filter(g -> ns.equals(g.getMetadata().getNamespace()))
                    .toList(),
                List.of(),
                List.of(),
                List.of(),
                Map.of(),
                o.tlsRoutes().stream()
                    .filter(r -> ns.equals(r.getMetadata().getNamespace()))
                    .toList());
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              assertThat(built.get()).isNotNull();
              assertThat(names(own.apply(built.get()).tlsRoutes())).containsExactly("pass");
              assertThat(names(own.apply(built.get()).gateways())).containsExactly("gw");
              assertThat(names(own.apply(built.get()).gatewayClasses())).containsExactly(className);
            });
    dev.gantry.api.federation.FederatedService kuard =
        Fixtures.service(ns + "/kuard")
            .port("https", 443)
            .cluster("east", 0, 1, "https", "198.18.0.1:8443")
            .build();
    GatewayApiStatuses statuses =
        new dev.gantry.xds.compile.gateway.GatewayApiCompiler(
                dev.gantry.xds.compile.ExternalNames.DISABLED)
            .compile(
                own.apply(built.get()),
                new dev.gantry.api.federation.FederationSnapshot(
                    Map.of(kuard.name(), kuard), Map.of()),
                Map.of(),
                Map.of())
            .statuses();
    assertThat(statuses.tlsRoutes()).containsOnlyKeys(ns + "/pass");
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                sources.cachedTlsRoute(ns, "pass") != null
                    && sources.cachedGateway(ns, "gw") != null
                    && sources.cachedClass(className) != null);

    try (GatewayApiStatusWriter writer =
        new GatewayApiStatusWriter(
            client,
            Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC),
            sources,
            () -> true,
            () -> null)) {
      assertThat(writer.writeAll(statuses)).isEqualTo(new GatewayApiStatusWriter.Outcome(3, 0));
    }
    TLSRoute route = client.resources(TLSRoute.class).inNamespace(ns).withName("pass").get();
    assertThat(route.getStatus().getParents())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getControllerName()).isEqualTo(OURS);
              assertThat(p.getParentRef().getName()).isEqualTo("gw");
              assertThat(p.getConditions())
                  .extracting(
                      Condition::getType,
                      Condition::getStatus,
                      Condition::getReason,
                      Condition::getObservedGeneration,
                      Condition::getLastTransitionTime)
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple(
                          "Accepted", "True", "Accepted", 1L, "2026-12-01T10:00:00Z"),
                      org.assertj.core.groups.Tuple.tuple(
                          "ResolvedRefs", "False", "BackendNotFound", 1L, "2026-12-01T10:00:00Z"));
            });
    ListenerStatus listener =
        client
            .resources(Gateway.class)
            .inNamespace(ns)
            .withName("gw")
            .get()
            .getStatus()
            .getListeners()
            .get(0);
    assertThat(listener.getAttachedRoutes()).isEqualTo(1);
    assertThat(listener.getSupportedKinds())
        .extracting(RouteGroupKind::getKind)
        .containsExactly("TLSRoute");
    assertThat(listener.getConditions())
        .filteredOn(c -> c.getType().equals("Programmed"))
        .extracting(Condition::getStatus)
        .containsExactly("True");
  }

  @Test
  void aStandbyReplicaWritesNoStatusAndWritesTheLatestOnceItLeads(Testbed testbed) {
    KubernetesClient client = testbed.cluster("gwapi").client();
    Crds.installGatewayApi(client);
    String ns = namespace(client, "standby");
    String className = "gantry-" + ns;
    client.resources(GatewayClass.class).resource(gatewayClass(className)).create();
    client.resources(Gateway.class).inNamespace(ns).resource(gateway(className)).create();
    client.resources(HTTPRoute.class).inNamespace(ns).resource(httpRoute("web")).create();
    client.resources(GRPCRoute.class).inNamespace(ns).resource(grpcRoute()).create();
    sources = new GatewayApiSources(client, informers, scheduler).start(o -> {}, () -> {});
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                sources.listed()
                    && sources.cachedHttpRoute(ns, "web") != null
                    && sources.cachedGrpcRoute(ns, "grpc") != null
                    && sources.cachedGateway(ns, "gw") != null
                    && sources.cachedClass(className) != null);

    java.util.concurrent.atomic.AtomicBoolean leading =
        new java.util.concurrent.atomic.AtomicBoolean(false);
    try (GatewayApiStatusWriter writer =
        new GatewayApiStatusWriter(client, Clock.systemUTC(), sources, leading::get, () -> null)) {
      // Two builds while another replica holds the lease: neither is written.
      writer.accept(statuses(className, ns, "True"));
      writer.accept(statuses(className, ns, "False"));
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(() -> !written(client, ns, className));

      // The lease is ours: the latest build's statuses are written, not the earlier one's.
      leading.set(true);
      writer.resume();
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                HTTPRoute route =
                    client.resources(HTTPRoute.class).inNamespace(ns).withName("web").get();
                assertThat(ours(route).getConditions())
                    .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
                    .contains(
                        org.assertj.core.groups.Tuple.tuple(
                            "Accepted", "False", "NotAllowedByListeners"));
                assertThat(written(client, ns, className)).isTrue();
              });
    }
  }

  /** Whether any status of ours is on the objects (the apiserver's defaults are not ours). */
  private static boolean written(KubernetesClient client, String ns, String className) {
    HTTPRoute route = client.resources(HTTPRoute.class).inNamespace(ns).withName("web").get();
    GRPCRoute grpc = client.resources(GRPCRoute.class).inNamespace(ns).withName("grpc").get();
    GatewayClass cls = client.resources(GatewayClass.class).withName(className).get();
    Gateway gw = client.resources(Gateway.class).inNamespace(ns).withName("gw").get();
    boolean routes =
        Stream.of(
                route.getStatus() == null ? null : route.getStatus().getParents(),
                grpc.getStatus() == null ? null : grpc.getStatus().getParents())
            .filter(java.util.Objects::nonNull)
            .flatMap(List::stream)
            .anyMatch(p -> OURS.equals(p.getControllerName()));
    boolean classAccepted =
        cls.getStatus() != null
            && cls.getStatus().getConditions().stream()
                .anyMatch(c -> "Accepted".equals(c.getType()) && "True".equals(c.getStatus()));
    boolean gatewayProgrammed =
        gw.getStatus() != null
            && gw.getStatus().getConditions().stream()
                .anyMatch(c -> "Programmed".equals(c.getType()) && "True".equals(c.getStatus()));
    return routes || classAccepted || gatewayProgrammed;
  }

  @Test
  void aRouteThatDoesNotReadIsLeftOutAndTheWatchGoesOn(Testbed testbed) {
    KubernetesClient client = testbed.cluster("loose").client();
    Crds.installGatewayApi(client);
    loosenHttpRouteSpec(client);
    String ns = namespace(client, "odd");
    // Hostnames as a number: the loosened CRD lets it through, our model cannot read it.
    GenericKubernetesResource odd = new GenericKubernetesResource();
    odd.setApiVersion("gateway.networking.k8s.io/v1");
    odd.setKind("HTTPRoute");
    odd.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("odd").build());
    odd.setAdditionalProperty("spec", Map.of("hostnames", 42, "unknownField", Map.of("x", 1)));
    client
        .genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute")
        .inNamespace(ns)
        .resource(odd)
        .create();
    client.resources(HTTPRoute.class).inNamespace(ns).resource(httpRoute("before")).create();

    AtomicReference<GatewayApiObjects> built = new AtomicReference<>();
    sources = new GatewayApiSources(client, informers, scheduler).start(built::set, () -> {});
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(built.get())
                    .isNotNull()
                    .extracting(o -> names(o.httpRoutes()))
                    .isEqualTo(List.of("before")));

    client.resources(HTTPRoute.class).inNamespace(ns).resource(httpRoute("after")).create();
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> assertThat(names(built.get().httpRoutes())).containsExactly("after", "before"));
  }

  @Test
  void aHubWithoutGatewayApiStartsAndServesHttpProxies(Testbed testbed) {
    KubernetesClient client = testbed.cluster("plain").client();
    Crds.install(client, RemoteCluster.CRD_NAME, HTTPProxy.CRD_NAME, ServiceImport.CRD_NAME);
    assertThat(client.supports(HTTPRoute.class)).isFalse();
    String ns = namespace(client, "plain");
    HubServices.withEndpoint(client, ns, "kuard", "http", 80, 8080, "198.18.0.10");
    client
        .resources(HTTPProxy.class)
        .inNamespace(ns)
        .resource(
            Fixtures.proxy(ns + "/kuard")
                .fqdn("kuard.plain.test")
                .route("/", "kuard", 80, null)
                .build())
        .create();

    try (Hub hub = HubFixtures.hub(client, Ports.freeLoopbackPort(), Ports.freeLoopbackPort())) {
      await().atMost(CONVERGE).until(hub::ready);
      await()
          .atMost(CONVERGE)
          .until(
              () -> {
                HTTPProxy p =
                    client.resources(HTTPProxy.class).inNamespace(ns).withName("kuard").get();
                return p.getStatus() != null && "valid".equals(p.getStatus().getCurrentStatus());
              });
    }
  }

  // ---- objects

  private static String namespace(KubernetesClient client, String prefix) {
    String ns = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    return ns;
  }

  private static GatewayClass gatewayClass(String name) {
    return new GatewayClassBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withControllerName(OURS)
        .endSpec()
        .build();
  }

  private static Gateway gateway(String className) {
    return new GatewayBuilder()
        .withNewMetadata()
        .withName("gw")
        .endMetadata()
        .withNewSpec()
        .withGatewayClassName(className)
        .addNewListener()
        .withName("http")
        .withProtocol("HTTP")
        .withPort(80)
        .endListener()
        .endSpec()
        .build();
  }

  private static HTTPRoute httpRoute(String name) {
    return new HTTPRouteBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewParentRef()
        .withName("gw")
        .endParentRef()
        .withHostnames(name + ".example.com")
        .addNewRule()
        .addNewBackendRef()
        .withName("kuard")
        .withPort(80)
        .endBackendRef()
        .endRule()
        .endSpec()
        .build();
  }

  private static GRPCRoute grpcRoute() {
    return new GRPCRouteBuilder()
        .withNewMetadata()
        .withName("grpc")
        .endMetadata()
        .withNewSpec()
        .addNewParentRef()
        .withName("gw")
        .endParentRef()
        .addNewRule()
        .addNewBackendRef()
        .withName("grpc-who")
        .withPort(50051)
        .endBackendRef()
        .endRule()
        .endSpec()
        .build();
  }

  private static ReferenceGrant grant() {
    return new ReferenceGrantBuilder()
        .withNewMetadata()
        .withName("grant")
        .endMetadata()
        .withNewSpec()
        .addNewFrom()
        .withGroup("gateway.networking.k8s.io")
        .withKind("HTTPRoute")
        .withNamespace("elsewhere")
        .endFrom()
        .addNewTo()
        .withGroup("")
        .withKind("Service")
        .endTo()
        .endSpec()
        .build();
  }

  /** What a build could say of the objects: the route accepted or not ({@code accepted}). */
  private static GatewayApiStatuses statuses(String className, String ns, String accepted) {
    GatewayClassStatus classStatus = new GatewayClassStatus();
    classStatus.setConditions(List.of(condition("Accepted", "True", "Accepted", 1L)));
    GatewayStatus gatewayStatus = new GatewayStatus();
    gatewayStatus.setConditions(
        List.of(
            condition("Accepted", "True", "Accepted", 1L),
            condition("Programmed", "True", "Programmed", 1L)));
    ListenerStatus listener = new ListenerStatus();
    listener.setName("http");
    listener.setAttachedRoutes(1);
    listener.setSupportedKinds(
        List.of(new RouteGroupKind("gateway.networking.k8s.io", "HTTPRoute")));
    listener.setConditions(
        List.of(
            condition("Accepted", "True", "Accepted", 1L),
            condition("Conflicted", "False", "NoConflicts", 1L),
            condition("Programmed", "True", "Programmed", 1L),
            condition("ResolvedRefs", "True", "ResolvedRefs", 1L)));
    gatewayStatus.setListeners(List.of(listener));
    HTTPRouteStatus routeStatus =
        new HTTPRouteStatus(
            List.of(
                parent(
                    OURS,
                    "gw",
                    condition(
                        "Accepted",
                        accepted,
                        "True".equals(accepted) ? "Accepted" : "NotAllowedByListeners",
                        2L),
                    condition("ResolvedRefs", "True", "ResolvedRefs", 2L))));
    GRPCRouteStatus grpcStatus =
        new GRPCRouteStatus(
            List.of(
                parent(
                    OURS,
                    "gw",
                    condition("Accepted", "True", "Accepted", 1L),
                    condition("ResolvedRefs", "False", "BackendNotFound", 1L))));
    return new GatewayApiStatuses(
        Map.of(className, classStatus),
        Map.of(ns + "/gw", gatewayStatus),
        Map.of(ns + "/web", routeStatus),
        Map.of(ns + "/grpc", grpcStatus));
  }

  private static RouteParentStatus parent(
      String controller, String gateway, Condition... conditions) {
    ParentReference ref =
        new ParentReferenceBuilder()
            .withGroup("gateway.networking.k8s.io")
            .withKind("Gateway")
            .withName(gateway)
            .build();
    RouteParentStatus p = new RouteParentStatus();
    p.setControllerName(controller);
    p.setParentRef(ref);
    p.setConditions(List.of(conditions));
    return p;
  }

  /** A condition as the compiler gives it: no transition time (the writer stamps it). */
  private static Condition condition(String type, String status, String reason, Long generation) {
    return new Condition(null, "", generation, reason, status, type);
  }

  private static RouteParentStatus ours(HTTPRoute route) {
    return route.getStatus().getParents().stream()
        .filter(p -> OURS.equals(p.getControllerName()))
        .findFirst()
        .orElseThrow();
  }

  private static List<String> names(List<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getMetadata().getName()).sorted().toList();
  }

  private static Map<String, String> versions(KubernetesClient client, String ns, String cls) {
    Function<HasMetadata, String> rv = o -> o.getMetadata().getResourceVersion();
    return Map.of(
        cls,
        rv.apply(client.resources(GatewayClass.class).withName(cls).get()),
        "gw",
        rv.apply(client.resources(Gateway.class).inNamespace(ns).withName("gw").get()),
        "web",
        rv.apply(client.resources(HTTPRoute.class).inNamespace(ns).withName("web").get()),
        "grpc",
        rv.apply(client.resources(GRPCRoute.class).inNamespace(ns).withName("grpc").get()));
  }

  /** Until the writer's caches hold what the apiserver holds (our own writes included). */
  private void awaitCachesCaughtUp(KubernetesClient client, String ns, String cls) {
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(
                        Map.of(
                            cls,
                            sources.cachedClass(cls).getMetadata().getResourceVersion(),
                            "gw",
                            sources.cachedGateway(ns, "gw").getMetadata().getResourceVersion(),
                            "web",
                            sources.cachedHttpRoute(ns, "web").getMetadata().getResourceVersion(),
                            "grpc",
                            sources.cachedGrpcRoute(ns, "grpc").getMetadata().getResourceVersion()))
                    .isEqualTo(versions(client, ns, cls)));
  }

  /** The HTTPRoute CRD with a v1 spec that keeps anything, as a looser definition would. */
  private static void loosenHttpRouteSpec(KubernetesClient client) {
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("httproutes.gateway.networking.k8s.io")
        .edit(
            crd -> {
              crd.getSpec().getVersions().stream()
                  .filter(v -> "v1".equals(v.getName()))
                  .findFirst()
                  .orElseThrow()
                  .getSchema()
                  .getOpenAPIV3Schema()
                  .getProperties()
                  .put(
                      "spec",
                      new JSONSchemaPropsBuilder()
                          .withType("object")
                          .withXKubernetesPreserveUnknownFields(true)
                          .build());
              return crd;
            });
    // Served with the new schema once the apiserver has taken it: a write that only it allows.
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .until(
            () -> {
              GenericKubernetesResource probe = new GenericKubernetesResource();
              probe.setApiVersion("gateway.networking.k8s.io/v1");
              probe.setKind("HTTPRoute");
              probe.setMetadata(
                  new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                      .withName("probe")
                      .withNamespace("default")
                      .build());
              probe.setAdditionalProperty("spec", Map.of("hostnames", 1));
              client
                  .genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute")
                  .inNamespace("default")
                  .resource(probe)
                  .createOr(existing -> existing.update());
              return true;
            });
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
