package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxyStatus;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.HubServices;
import dev.gantry.testbed.ManagedProcess;
import dev.gantry.testbed.NetworkNamespace;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import dev.gantry.xds.HostileProxies;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The hub beside HTTPProxy CRDs that are not ours, on real apiservers with a real Envoy: Contour's
 * full CRD with proxies that use every one of its fields, some of Contour's class; and a CRD that
 * lets through what our model cannot read. No proxy stops the watch: the hub stays ready, serves
 * the valid proxies of its class (also those written after the odd ones) and gives each of its own
 * its precise status; restarted, it lists them all and is ready again.
 */
@WithClusters({"contour", "loose", "own"})
class ForeignCrdIT {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everyFieldOfContoursHttpProxyIsReadAndWhatRestrictsAccessFailsClosed(Testbed testbed)
      throws Exception {
    KubernetesClient client = testbed.cluster("contour").client();
    Crds.installContour(client);
    Crds.install(client, RemoteCluster.CRD_NAME, ServiceImport.CRD_NAME);
    assertThat(
            fieldsOf(
                client
                    .apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName(HTTPProxy.CRD_NAME)
                    .get()))
        .as("leaves of Contour's HTTPProxy spec that every-field.yaml leaves out")
        .allSatisfy(leaf -> assertThat(usedPaths()).anyMatch(used -> covers(leaf, used)));

    Path dir = testbed.directory().resolve("contour-crd");
    Files.createDirectories(dir);
    int httpPort = Ports.freeLoopbackPort();
    try (NetworkNamespace ns = NetworkNamespace.create();
        ManagedProcess backend = ns.httpBackend("kuard", 8080, "kuard", dir.resolve("kuard.log"));
        Hub hub = HubFixtures.hub(client, httpPort, Ports.freeLoopbackPort());
        Envoy envoy =
            Envoy.start(
                "envoy-contour-crd",
                Envoy.adsBootstrap("envoy-contour-crd", "DELTA_GRPC", hub.xdsPort()),
                dir)) {
      kuard(client, ns.address());
      // Written while the hub runs, Contour's class and ours, then a plain proxy after them.
      everyField("contour", "theirs").forEach(p -> create(client, p));
      everyField("gantry", "ours").forEach(p -> create(client, p));
      create(client, plain("cookies", "cookieRewritePolicies: [{name: session, secure: true}]"));
      create(client, plain("after", ""));

      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .until(() -> "kuard".equals(get(httpPort, "after.contour.test").body()));
      assertThat(get(httpPort, "cookies.contour.test").body()).isEqualTo("kuard");
      Map<String, String> expected =
          Map.of(
              // Every field that restricts access is read now: invalid for its bad values, with no
              // NotImplemented error.
              "ours-http",
              "invalid",
              // Its service speaks tls with a validation whose CA Secret does not exist: the
              // stream is refused rather than sent unverified (TLSUpstreamValidation).
              "ours-tcp",
              "invalid",
              // Implemented: read and served, no warning.
              "cookies",
              "valid",
              "after",
              "valid");
      await()
          .atMost(CONVERGE)
          .untilAsserted(() -> assertThat(statuses(client, expected.keySet())).isEqualTo(expected));
      for (String name : List.of("theirs-http", "theirs-tcp")) {
        // As the CRD's default left it: the hub writes no status to Contour's proxies.
        assertThat(proxy(client, name).getStatus().getCurrentStatus())
            .as("Contour's proxy %s", name)
            .isEqualTo("NotReconciled");
      }
      for (String host : List.of("ours-http", "theirs-http")) {
        assertThat(get(httpPort, host + ".contour.test").statusCode()).as(host).isEqualTo(404);
      }
      assertThat(hub.ready()).isTrue();
      assertThat(hub.metrics().scrape())
          .doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
      backend.checkAlive();
    }
    // Restarted, the hub lists every proxy at once: the list must not fail either.
    try (Hub again = HubFixtures.hub(client, Ports.freeLoopbackPort(), Ports.freeLoopbackPort())) {
      await().atMost(CONVERGE).until(again::ready);
    }
  }

  @Test
  void ourOwnCrdKeepsWhatRestrictsAccessSoTheHubRefusesIt(Testbed testbed) throws Exception {
    KubernetesClient client = testbed.cluster("own").client();
    // The CRD the chart installs when Contour's is absent: it must not prune these fields, or the
    // proxy would be served open to everyone.
    Crds.install(client, HTTPProxy.CRD_NAME, RemoteCluster.CRD_NAME, ServiceImport.CRD_NAME);
    kuard(client, "198.18.0.10"); // data only: nothing here sends traffic
    GenericKubernetesResource restricted =
        Serialization.unmarshal(
            """
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: restricted, namespace: demo}
            spec:
              ingressClassName: gantry
              virtualhost:
                fqdn: restricted.contour.test
                ipAllowPolicy: [{cidr: 10.0.0.0/8, source: Peer}]
                jwtProviders: [{name: p, issuer: i, remoteJWKS: {uri: "https://jwks.test/"}}]
                tls: {secretName: s, clientValidation: {caSecret: ca}}
              routes:
              - services: [{name: kuard, port: 80, validation: {caSecret: ca, subjectName: k}}]
                authPolicy: {disabled: true}
                rateLimitPolicy:
                  local: {requests: 1, unit: second}
                  global: {descriptors: [{entries: [{remoteAddress: {}}]}]}
            """,
            GenericKubernetesResource.class);
    create(client, restricted);
    create(client, plain("open", ""));
    @SuppressWarnings("unchecked")
    Map<String, Object> stored =
        (Map<String, Object>)
            client
                .genericKubernetesResources("projectcontour.io/v1", "HTTPProxy")
                .inNamespace("demo")
                .withName("restricted")
                .get()
                .getAdditionalProperties()
                .get("spec");
    @SuppressWarnings("unchecked")
    Map<String, Object> virtualhost = (Map<String, Object>) stored.get("virtualhost");
    assertThat(virtualhost)
        .as("kept by the apiserver")
        .containsKeys("ipAllowPolicy", "jwtProviders");
    @SuppressWarnings("unchecked")
    Map<String, Object> tls = (Map<String, Object>) virtualhost.get("tls");
    assertThat(tls).as("kept by the apiserver").containsKey("clientValidation");
    @SuppressWarnings("unchecked")
    Map<String, Object> route = ((List<Map<String, Object>>) stored.get("routes")).get(0);
    assertThat((Map<String, Object>) route.get("rateLimitPolicy"))
        .as("kept by the apiserver")
        .containsKey("global");
    // IP filters, local and global rate limits, client certificates, upstream validation,
    // authorization policies and JWT providers are implemented: kept, read and served (here the
    // missing Secrets and rate limit service make the proxy invalid, with no field left
    // NotImplemented).
    try (Hub hub = HubFixtures.hub(client, Ports.freeLoopbackPort(), Ports.freeLoopbackPort())) {
      Map<String, String> expected = Map.of("restricted", "invalid", "open", "valid");
      await()
          .atMost(CONVERGE)
          .untilAsserted(() -> assertThat(statuses(client, expected.keySet())).isEqualTo(expected));
    }
  }

  @Test
  void aProxyOurModelCannotReadIsReportedAndStopsNothing(Testbed testbed) throws Exception {
    KubernetesClient client = testbed.cluster("loose").client();
    installLooseHttpProxyCrd(client);
    Crds.install(client, RemoteCluster.CRD_NAME, ServiceImport.CRD_NAME);
    Path dir = testbed.directory().resolve("loose-crd");
    Files.createDirectories(dir);
    int httpPort = Ports.freeLoopbackPort();
    try (NetworkNamespace ns = NetworkNamespace.create();
        ManagedProcess backend = ns.httpBackend("kuard", 8080, "kuard", dir.resolve("kuard.log"));
        Hub hub = HubFixtures.hub(client, httpPort, Ports.freeLoopbackPort());
        Envoy envoy =
            Envoy.start(
                "envoy-loose-crd",
                Envoy.adsBootstrap("envoy-loose-crd", "GRPC", hub.xdsPort()),
                dir)) {
      kuard(client, ns.address());
      create(client, plain("before", ""));
      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .until(() -> "kuard".equals(get(httpPort, "before.contour.test").body()));
      // What our own CRD's schema refuses, this one lets through to the hub.
      Map<String, String> expected = new TreeMap<>();
      for (HostileProxies.Refused refused : HostileProxies.refused()) {
        GenericKubernetesResource p =
            Serialization.unmarshal(refused.yaml(), GenericKubernetesResource.class);
        create(client, p);
        expected.put(p.getMetadata().getName(), "invalid: FieldInvalid");
      }
      // A field of a newer CRD than ours: not served without it.
      create(client, plain("newer", "newerPolicy: {enabled: true}"));
      expected.put("newer", "invalid: NotImplemented");
      create(client, plain("after", ""));
      expected.put("before", "valid");
      expected.put("after", "valid");

      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .until(() -> "kuard".equals(get(httpPort, "after.contour.test").body()));
      await()
          .atMost(CONVERGE)
          .untilAsserted(() -> assertThat(reasons(client, expected.keySet())).isEqualTo(expected));
      assertThat(messages(client, "r0"))
          .singleElement()
          .asString()
          .startsWith("spec.routes[0].services[0].port: ")
          .contains("eighty");
      assertThat(messages(client, "newer"))
          .singleElement()
          .asString()
          .startsWith("spec.routes[0].newerPolicy is not implemented by Gantry");
      assertThat(get(httpPort, "newer.contour.test").statusCode()).isEqualTo(404);
      assertThat(get(httpPort, "before.contour.test").body()).isEqualTo("kuard");
      assertThat(hub.ready()).isTrue();
      backend.checkAlive();
    }
    try (Hub again = HubFixtures.hub(client, Ports.freeLoopbackPort(), Ports.freeLoopbackPort())) {
      await().atMost(CONVERGE).until(again::ready);
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () ->
                  assertThat(reasons(client, Set.of("r1"))).containsValue("invalid: FieldInvalid"));
    }
  }

  /** The two every-field proxies of {@code ingressClass}, named {@code prefix-http/-tcp}. */
  private static List<GenericKubernetesResource> everyField(String ingressClass, String prefix)
      throws IOException {
    String yaml = everyFieldYaml().replace("CLASS", ingressClass).replace("NAME", prefix);
    List<GenericKubernetesResource> out = new ArrayList<>();
    for (String doc : yaml.split("\n---\n")) {
      out.add(Serialization.unmarshal(doc, GenericKubernetesResource.class));
    }
    return out;
  }

  private static String everyFieldYaml() throws IOException {
    try (InputStream in = ForeignCrdIT.class.getResourceAsStream("/contour/every-field.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A proxy of our class at {@code name.contour.test} routing to kuard, with more route YAML. */
  private static GenericKubernetesResource plain(String name, String routeExtra) {
    return Serialization.unmarshal(
        """
        apiVersion: projectcontour.io/v1
        kind: HTTPProxy
        metadata: {name: %s, namespace: demo}
        spec:
          ingressClassName: gantry
          virtualhost: {fqdn: %s.contour.test}
          routes: [{services: [{name: kuard, port: 80}]%s}]
        """
            .formatted(name, name, routeExtra.isEmpty() ? "" : ", " + routeExtra),
        GenericKubernetesResource.class);
  }

  /** Every leaf of the spec schema, e.g. {@code spec.routes[].services[].port}. */
  private static Set<String> fieldsOf(CustomResourceDefinition crd) {
    Set<String> leaves = new TreeSet<>();
    schemaLeaves(
        crd.getSpec()
            .getVersions()
            .get(0)
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("spec"),
        "spec",
        leaves);
    return leaves;
  }

  private static void schemaLeaves(JSONSchemaProps schema, String path, Set<String> out) {
    if (schema.getProperties() != null && !schema.getProperties().isEmpty()) {
      schema.getProperties().forEach((name, child) -> schemaLeaves(child, path + "." + name, out));
    } else if ("array".equals(schema.getType()) && schema.getItems() != null) {
      schemaLeaves(schema.getItems().getSchema(), path + "[]", out);
    } else {
      out.add(path);
    }
  }

  /** The paths every-field.yaml sets, in the schema's notation. */
  private static Set<String> usedPaths() throws IOException {
    Set<String> used = new TreeSet<>();
    for (GenericKubernetesResource p : everyField("contour", "x")) {
      valuePaths(p.getAdditionalProperties().get("spec"), "spec", used);
    }
    return used;
  }

  private static void valuePaths(Object value, String path, Set<String> out) {
    if (value instanceof Map<?, ?> map && !map.isEmpty()) {
      map.forEach((k, v) -> valuePaths(v, path + "." + k, out));
    } else if (value instanceof List<?> list && !list.isEmpty()) {
      list.forEach(v -> valuePaths(v, path + "[]", out));
    } else {
      out.add(path);
    }
  }

  /** Whether setting {@code used} sets the schema leaf {@code leaf} (or a key under a map leaf). */
  private static boolean covers(String leaf, String used) {
    return used.equals(leaf) || used.startsWith(leaf + ".");
  }

  /**
   * Contour's HTTPProxy CRD name and kinds with a spec schema that keeps anything: what another
   * definition of the CRD could let through to the hub.
   */
  private static void installLooseHttpProxyCrd(KubernetesClient client) {
    Crds.install(client, HTTPProxy.CRD_NAME);
    var crds = client.apiextensions().v1().customResourceDefinitions();
    crds.withName(HTTPProxy.CRD_NAME)
        .edit(
            crd -> {
              crd.getSpec()
                  .getVersions()
                  .get(0)
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
    // The schema change is served once the CRD's generation is observed.
    crds.withName(HTTPProxy.CRD_NAME)
        .waitUntilCondition(
            c ->
                c.getStatus() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(x -> "Established".equals(x.getType()))
                    && c.getSpec()
                            .getVersions()
                            .get(0)
                            .getSchema()
                            .getOpenAPIV3Schema()
                            .getProperties()
                            .get("spec")
                            .getXKubernetesPreserveUnknownFields()
                        != null,
            30,
            TimeUnit.SECONDS);
  }

  private static void create(KubernetesClient client, GenericKubernetesResource proxy) {
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .until(
            () ->
                client
                        .genericKubernetesResources("projectcontour.io/v1", "HTTPProxy")
                        .inNamespace("demo")
                        .resource(proxy)
                        .create()
                    != null);
  }

  private static HTTPProxy proxy(KubernetesClient client, String name) {
    GenericKubernetesResource raw =
        client
            .genericKubernetesResources("projectcontour.io/v1", "HTTPProxy")
            .inNamespace("demo")
            .withName(name)
            .get();
    HTTPProxy proxy = new HTTPProxy();
    proxy.setMetadata(raw.getMetadata());
    Object status = raw.getAdditionalProperties().get("status");
    proxy.setStatus(
        status == null
            ? null
            : client.getKubernetesSerialization().convertValue(status, HTTPProxyStatus.class));
    return proxy;
  }

  /**
   * Each proxy's status as "status: path, path" (the paths the NotImplemented errors name) or
   * "valid, warned: path" (the warnings).
   */
  private static Map<String, String> statuses(KubernetesClient client, Set<String> names) {
    Map<String, String> got = new TreeMap<>();
    for (String name : names) {
      HTTPProxyStatus status = proxy(client, name).getStatus();
      if (status == null || status.getConditions() == null || status.getConditions().isEmpty()) {
        got.put(name, "no status from the hub yet");
        continue;
      }
      HTTPProxyStatus.DetailedCondition valid = status.getConditions().get(0);
      String errors =
          valid.getErrors().stream()
              .filter(e -> "NotImplemented".equals(e.getReason()))
              .map(e -> e.getMessage().substring(0, e.getMessage().indexOf(' ')))
              .sorted()
              .collect(Collectors.joining(", "));
      String warnings =
          valid.getWarnings() == null || !"valid".equals(status.getCurrentStatus())
              ? ""
              : valid.getWarnings().stream()
                  .map(e -> e.getMessage().substring(0, e.getMessage().indexOf(' ')))
                  .sorted()
                  .collect(Collectors.joining(", "));
      got.put(
          name,
          status.getCurrentStatus()
              + (errors.isEmpty() ? "" : ": " + errors)
              + (warnings.isEmpty() ? "" : ", warned: " + warnings));
    }
    return got;
  }

  /** Each proxy's status as "status: Reason, ...". */
  private static Map<String, String> reasons(KubernetesClient client, Set<String> names) {
    Map<String, String> got = new TreeMap<>();
    for (String name : names) {
      HTTPProxyStatus status = proxy(client, name).getStatus();
      got.put(
          name,
          status == null
              ? "no status yet"
              : status.getCurrentStatus()
                  + status.getConditions().get(0).getErrors().stream()
                      .map(HTTPProxyStatus.SubCondition::getReason)
                      .map(r -> ": " + r)
                      .collect(Collectors.joining(",")));
    }
    return got;
  }

  private static List<String> messages(KubernetesClient client, String name) {
    return proxy(client, name).getStatus().getConditions().get(0).getErrors().stream()
        .map(HTTPProxyStatus.SubCondition::getMessage)
        .toList();
  }

  /** The hub's own Service demo/kuard, port 80, served by the backend at {@code address}:8080. */
  private static void kuard(KubernetesClient client, String address) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("demo").endMetadata().build())
        .create();
    HubServices.withEndpoint(client, "demo", "kuard", "http", 80, 8080, address);
  }

  private HttpResponse<String> get(int port, String host) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .header("Host", host)
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
