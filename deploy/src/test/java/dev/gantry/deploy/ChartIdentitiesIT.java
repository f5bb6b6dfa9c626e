package dev.gantry.deploy;

import static dev.gantry.deploy.Charts.apply;
import static dev.gantry.deploy.Charts.objects;
import static dev.gantry.deploy.Charts.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.discoverer.DiscovererCommand;
import dev.gantry.hub.HubCommand;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.ManagedProcess;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.Tools;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chart's components run as the chart configures them: the hub and a discoverer as processes
 * with the args of their rendered Deployments and the tokens of their rendered ServiceAccounts (so
 * the chart's RBAC is proven sufficient by the real code, not only by access reviews), and Envoy
 * from the rendered bootstrap. Addresses are moved to free loopback ports; nothing else is changed.
 */
@WithClusters({"hub", "remote"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartIdentitiesIT {
  private static final String NS = "gantry-system";
  private static final String VALUES =
      """
      remoteClusters:
      - {name: west, kubeconfigSecret: gantry-remote-west, namespaces: [shop], replicas: 2}
      """;

  private final HttpClient http = HttpClient.newHttpClient();
  private Testbed testbed;
  private KubernetesClient hub;
  private List<HasMetadata> rendered;
  private Path dir;

  @BeforeAll
  void install(Testbed testbed) throws Exception {
    this.testbed = testbed;
    hub = testbed.cluster("hub").client();
    dir = Files.createDirectories(testbed.directory().resolve("chart-identities"));
    for (String ns : List.of(NS, "shop")) {
      hub.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .serverSideApply();
    }
    String manifests = render("g", NS, Files.writeString(dir.resolve("values.yaml"), VALUES));
    apply(hub, manifests);
    rendered = objects(hub, manifests);
    runCertgenHook();
  }

  /**
   * What the pre-install hook does in a cluster with a controller manager: the certgen Job's
   * command, with the Job's own identity (its ServiceAccount's token, its Role), writes the xDS
   * Secrets; run twice, as an install and an upgrade would, it keeps them.
   */
  private void runCertgenHook() throws Exception {
    Job job =
        rendered.stream()
            .filter(o -> o instanceof Job && o.getMetadata().getName().equals("g-certgen"))
            .map(Job.class::cast)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no certgen Job rendered"));
    var pod = job.getSpec().getTemplate().getSpec();
    List<String> args = new ArrayList<>(pod.getContainers().get(0).getArgs());
    args.add("--hub-kubeconfig=" + tokenKubeconfig(pod.getServiceAccountName()));
    for (String expected : List.of("wrote Secrets", "kept Secrets")) {
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      int code =
          new picocli.CommandLine(new HubCommand())
              .setOut(new java.io.PrintWriter(out))
              .setErr(new java.io.PrintWriter(err))
              .execute(args.toArray(String[]::new));
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString()).contains(expected);
    }
  }

  @Test
  void discovererWithTheChartsArgsAndTokenMirrorsAndRenewsItsLease() throws Exception {
    KubeCluster remote = testbed.cluster("remote");
    service(remote.client(), "web", "198.18.0.10", Map.of());
    int metricsPort = Ports.freeLoopbackPort();
    List<String> args =
        replace(
            containerArgs("g-discoverer-west"),
            Map.of(
                "--remote-kubeconfig",
                remote.adminKubeconfigFile().toString(),
                "--metrics-address",
                "127.0.0.1:" + metricsPort));
    assertThat(args).contains("--leader-elect", "--leader-elect-namespace=" + NS);
    args.add("--hub-kubeconfig=" + tokenKubeconfig("g-discoverer-west"));

    try (ManagedProcess discoverer = java("discoverer", DiscovererCommand.class, args)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                discoverer.checkAlive();
                assertThat(hub.services().inNamespace("shop").withName("west-web").get())
                    .isNotNull();
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                // Written by the discoverer once it leads: absent at first.
                RemoteCluster west = hub.resources(RemoteCluster.class).withName("west").get();
                assertThat(west).isNotNull();
                assertThat(west.getStatus()).isNotNull();
              });
      // fabric8's LeaseLock renews with a PATCH: the chart must allow it, or the leader loses
      // the lease after the renew deadline and stops mirroring.
      var lease = hub.leases().inNamespace(NS).withName("gantry-discoverer-west");
      var acquired = lease.get().getSpec().getRenewTime();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> assertThat(lease.get().getSpec().getRenewTime()).isNotEqualTo(acquired));
      assertThat(get(metricsPort, "/readyz").statusCode()).isEqualTo(200);
      assertThat(Files.readString(discoverer.logFile())).doesNotContainIgnoringCase("forbidden");
    }
  }

  @Test
  void hubWithTheChartsArgsAndTokenServesEnvoyFromTheChartsBootstrap() throws Exception {
    // What east's discoverer would have written: a mirror of east's shop/kuard.
    service(
        hub,
        "east-kuard",
        "198.18.0.20",
        Map.of(
            Labels.CLUSTER,
            "east",
            Labels.SERVICE,
            "kuard",
            Labels.MANAGED_BY,
            Labels.MANAGED_BY_VALUE));
    hub.load(
            new ByteArrayInputStream(
                """
                apiVersion: projectcontour.io/v1
                kind: HTTPProxy
                metadata: {name: kuard, namespace: shop}
                spec:
                  ingressClassName: gantry
                  virtualhost: {fqdn: kuard.example.com}
                  routes:
                  - conditions: [{prefix: /}]
                    services: [{name: kuard, port: 80}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: kuard, namespace: shop}
                spec:
                  ingressClassName: gantry
                  rules:
                  - host: kuard-ingress.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: kuard, port: {number: 80}}}}
                """
                    .getBytes(StandardCharsets.UTF_8)))
        .create();
    int xdsPort = Ports.freeLoopbackPort();
    int adminPort = Ports.freeLoopbackPort();
    List<String> args =
        replace(
            containerArgs("g-hub"),
            Map.of(
                "--xds-address", "127.0.0.1:" + xdsPort,
                "--admin-address", "127.0.0.1:" + adminPort,
                "--envoy-http-port", String.valueOf(Ports.freeLoopbackPort()),
                // The chart's xDS TLS pair and CA, from the Secret it rendered, as mounted.
                "--xds-tls-cert", secretFile("g-xds-hub", "tls.crt").toString(),
                "--xds-tls-key", secretFile("g-xds-hub", "tls.key").toString(),
                "--xds-tls-ca", secretFile("g-xds-hub", "ca.crt").toString()));
    args.add("--envoy-http-address=127.0.0.1");
    args.add("--hub-kubeconfig=" + tokenKubeconfig("g-hub"));

    try (ManagedProcess hubProcess = java("hub", HubCommand.class, args)) {
      hubProcess.awaitReady(
          "hub", Duration.ofSeconds(60), () -> get(adminPort, "/readyz").statusCode() == 200);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                // Two replicas by default: the hub writes once it holds the Lease, which its
                // identity may take.
                assertThat(args).contains("--leader-elect");
                assertThat(hub.leases().inNamespace(NS).withName("gantry-hub").get())
                    .isNotNull()
                    .satisfies(l -> assertThat(l.getSpec().getHolderIdentity()).isNotBlank());
                HTTPProxy proxy =
                    hub.resources(HTTPProxy.class).inNamespace("shop").withName("kuard").get();
                assertThat(proxy.getStatus()).isNotNull();
                assertThat(proxy.getStatus().getCurrentStatus()).isEqualTo("valid");
                assertThat(
                        hub.resources(ServiceImport.class)
                            .inNamespace("shop")
                            .withName("kuard")
                            .get())
                    .isNotNull();
              });

      for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
        secretFile("g-xds-envoy", key);
      }
      int envoyAdmin = Ports.freeLoopbackPort();
      int envoyHealth = Ports.freeLoopbackPort();
      String bootstrap =
          substitute(
              bootstrap(),
              Map.of(
                  "address: g-hub.gantry-system.svc.cluster.local", "address: 127.0.0.1",
                  "port_value: 8001", "port_value: " + xdsPort,
                  "port_value: 9001", "port_value: " + envoyAdmin,
                  "address: 0.0.0.0, port_value: 8002",
                      "address: 127.0.0.1, port_value: " + envoyHealth,
                  "/etc/envoy-xds/", secretFile("g-xds-envoy", "tls.crt").getParent() + "/"));
      Path bootstrapFile = Files.writeString(dir.resolve("envoy.yaml"), bootstrap);
      List<String> envoyCommand = new ArrayList<>();
      envoyCommand.add(Tools.require(Tools.resolve().envoy()).toString());
      for (String arg : containerArgs("g-envoy")) {
        envoyCommand.add(
            arg.replace("/etc/envoy/envoy.yaml", bootstrapFile.toString())
                .replace("$(POD_NAME)", "g-envoy-0"));
      }
      assertThat(envoyCommand).contains(bootstrapFile.toString(), "g-envoy-0");
      // Other Envoys may run on this machine: no shared memory for hot restart.
      envoyCommand.addAll(List.of("--disable-hot-restart", "--concurrency", "1"));
      try (ManagedProcess envoy =
          new ManagedProcess("envoy", envoyCommand, dir.resolve("envoy.log")).start()) {
        // Ready through the chart's health listener, as the readiness probe asks.
        envoy.awaitReady(
            "envoy",
            Duration.ofSeconds(30),
            () -> "LIVE".equals(get(envoyHealth, "/ready").body().strip()));
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  assertThat(get(envoyAdmin, "/listeners").body()).contains("ingress_http");
                  assertThat(get(envoyAdmin, "/clusters").body()).contains("198.18.0.20:8080");
                  // The hub's identity may watch Ingresses: the Ingress's host is served.
                  assertThat(get(envoyAdmin, "/config_dump?resource=dynamic_route_configs").body())
                      .contains("kuard-ingress.example.com");
                });
        assertThat(get(envoyHealth, "/stats?filter=control_plane.connected_state").body())
            .contains("control_plane.connected_state: 1");
      }
      assertThat(Files.readString(hubProcess.logFile())).doesNotContainIgnoringCase("forbidden");
    }
  }

  private List<String> containerArgs(String deployment) {
    Deployment d =
        rendered.stream()
            .filter(o -> o instanceof Deployment && o.getMetadata().getName().equals(deployment))
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Deployment " + deployment + " rendered"));
    return new ArrayList<>(d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs());
  }

  private String bootstrap() {
    return rendered.stream()
        .filter(
            o -> o instanceof ConfigMap && o.getMetadata().getName().equals("g-envoy-bootstrap"))
        .map(o -> ((ConfigMap) o).getData().get("envoy.yaml"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Envoy bootstrap rendered"));
  }

  /** Replaces the value of each {@code --flag=value} the chart passes; each must be there. */
  private static List<String> replace(List<String> args, Map<String, String> values) {
    List<String> out = new ArrayList<>();
    for (String arg : args) {
      String flag = arg.split("=", 2)[0];
      out.add(values.containsKey(flag) ? flag + "=" + values.get(flag) : arg);
    }
    for (String flag : values.keySet()) {
      assertThat(args).as("the chart passes " + flag).anyMatch(a -> a.startsWith(flag + "="));
    }
    return out;
  }

  private static String substitute(String text, Map<String, String> replacements) {
    String out = text;
    for (var e : replacements.entrySet()) {
      assertThat(out).as("the rendered bootstrap has " + e.getKey()).contains(e.getKey());
      out = out.replace(e.getKey(), e.getValue());
    }
    return out;
  }

  /** A key of a rendered Secret, written where its volume would put it. */
  /** A key of one of the Secrets certgen wrote, as a file, as the pod would mount it. */
  private Path secretFile(String secret, String key) throws Exception {
    Secret s = hub.secrets().inNamespace(NS).withName(secret).get();
    assertThat(s).as("Secret %s from the certgen hook", secret).isNotNull();
    Path file = dir.resolve(secret).resolve(key);
    Files.createDirectories(file.getParent());
    return Files.write(file, java.util.Base64.getDecoder().decode(s.getData().get(key)));
  }

  private Path tokenKubeconfig(String serviceAccount) throws Exception {
    return Files.writeString(
        dir.resolve(serviceAccount + ".kubeconfig"),
        testbed.cluster("hub").kubeconfigForServiceAccount(NS, serviceAccount));
  }

  private ManagedProcess java(String name, Class<?> main, List<String> args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
    command.addAll(args);
    return new ManagedProcess(name, command, dir.resolve(name + ".log")).start();
  }

  /**
   * Service {@code shop/<name>} and its EndpointSlice, both with {@code labels}, with one data-only
   * endpoint (198.18.0.0/15, never contacted).
   */
  private static void service(
      KubernetesClient client, String name, String address, Map<String, String> labels) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build())
        .serverSideApply();
    client
        .services()
        .inNamespace("shop")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("http")
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("shop")
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(name + "-1")
                .withLabels(labels)
                .addToLabels(Labels.SERVICE_NAME, name)
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint()
                .withAddresses(address)
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .addNewPort()
                .withName("http")
                .withPort(8080)
                .endPort()
                .build())
        .create();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
