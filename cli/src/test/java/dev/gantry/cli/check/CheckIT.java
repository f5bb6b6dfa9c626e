package dev.gantry.cli.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.cli.Gantry;
import dev.gantry.e2e.GantryProcesses;
import dev.gantry.e2e.LocalGantry;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code gantry check} against a real estate built with the {@code gantry} command as a user does
 * (the built launcher, on its own Java runtime): two remote apiservers linked with {@code gantry
 * link}, {@code gantry discoverer} per remote and {@code gantry hub} reading the linked identities,
 * and an Envoy. Healthy, every check passes; then each failure it names is made for real and seen
 * as one ✗ line and exit code 1.
 */
@WithClusters({"east", "west", "hub"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CheckIT {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final Path LAUNCHER =
      Path.of(System.getProperty("gantry.cli.directory"), "bin", "gantry");

  private Testbed testbed;
  private GantryProcesses gantry;
  private KubeCluster hub;
  private Envoy envoy;
  private List<String> flags;

  private record Run(int exitCode, String out, String err) {
    List<String> failed() {
      return out.lines().filter(l -> l.startsWith("  ✗ ")).map(l -> l.substring(4)).toList();
    }
  }

  @BeforeAll
  void start(Testbed testbed) throws IOException, InterruptedException {
    this.testbed = testbed;
    hub = testbed.cluster("hub");
    gantry =
        GantryProcesses.prepare(
            testbed,
            "hub",
            new GantryProcesses.Options(
                List.of("-Xmx256m", "-XX:+UseSerialGC"),
                List.of("-Xmx160m", "-XX:+UseSerialGC"),
                Duration.ofMillis(10),
                List.of(LocalGantry.NAMESPACE),
                List.of("--cluster-heartbeat-timeout=3s"),
                List.of("--heartbeat-interval=500ms")));
    // As a user does: gantry link, then gantry hub and gantry discoverer, all through the built
    // launcher on its own Java runtime.
    gantry.launcher(LAUNCHER);
    for (String remote : List.of("east", "west")) {
      Run link =
          launcher(
              List.of(
                  "link",
                  "--cluster-name=" + remote,
                  "--remote-kubeconfig=" + testbed.cluster(remote).adminKubeconfigFile(),
                  "--hub-kubeconfig=" + hub.adminKubeconfigFile(),
                  "--apply"));
      assertThat(link.exitCode()).as(link.out() + link.err()).isZero();
      assertThat(link.err()).contains("linked cluster " + remote);
      Path kubeconfig = testbed.directory().resolve(remote + "-linked.kubeconfig");
      Files.writeString(kubeconfig, kubeconfigOf(remote));
      gantry.remoteKubeconfig(remote, kubeconfig);
    }
    gantry.startAll(List.of("east", "west"));
    envoy = gantry.startEnvoy("envoy-check", "DELTA_GRPC");
    flags =
        List.of(
            "--hub-kubeconfig=" + hub.adminKubeconfigFile(),
            "--hub-admin=127.0.0.1:" + gantry.hub().adminPort(),
            "--xds-address=127.0.0.1:" + gantry.xdsPort(0));
  }

  @AfterAll
  void stop() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  @Order(1)
  void aHealthyEstatePassesEveryCheckThroughTheBuiltLauncher() throws Exception {
    // Envoy's stream opens shortly after it starts.
    await().atMost(CONVERGE).until(() -> check().exitCode() == 0);

    List<String> check = new ArrayList<>(List.of("check"));
    check.addAll(flags);
    Run run = launcher(check);

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    for (String cluster : List.of("east", "west")) {
      assertThat(run.out())
          .contains("cluster " + cluster)
          .contains(
              "  ✓ Secret gantry-system/gantry-remote-"
                  + cluster
                  + " holds a kubeconfig for "
                  + testbed.cluster(cluster).apiServerUrl())
          .contains("  ✓ the remote answers at " + testbed.cluster(cluster).apiServerUrl())
          .contains("  ✓ the identity may list and watch Services and EndpointSlices")
          .contains("  ✓ the identity may not read Secrets")
          .contains("  ✓ RemoteCluster " + cluster + " is Ready")
          .contains("  ✓ RemoteCluster " + cluster + " is not Stale");
    }
    assertThat(run.out())
        .contains("  ✓ token valid for 364 days")
        .contains("  ✓ the hub is ready")
        .contains("  ✓ Envoy is connected: 1 xDS stream(s) open on this hub")
        .contains("  ✓ the hub's xDS port accepts connections at 127.0.0.1:" + gantry.xdsPort(0))
        .doesNotContain("✗")
        .endsWith("all checks passed\n");
  }

  @Test
  @Order(2)
  void aTokenCloseToItsExpiryFails() {
    Run run = check("--cluster-name=east", "--token-warning=9000h");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.failed()).singleElement().asString().startsWith("token expires in 364 days");
    assertThat(run.out())
        .contains("hint: link again to rotate it: gantry link --cluster-name east");
  }

  @Test
  @Order(3)
  void aSecretThatHoldsNoKubeconfigAndAClusterWithoutStatusFail() {
    KubernetesClient client = hub.client();
    Secret ghost =
        new SecretBuilder()
            .withNewMetadata()
            .withName("gantry-remote-ghost")
            .withNamespace("gantry-system")
            .addToLabels("gantry.dev/cluster", "ghost")
            .endMetadata()
            .addToData(
                "kubeconfig",
                Base64.getEncoder()
                    .encodeToString("{not: [a kubeconfig".getBytes(StandardCharsets.UTF_8)))
            .build();
    client.secrets().resource(ghost).create();
    try {
      Run run = check("--cluster-name=ghost");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.failed())
          .hasSize(2)
          .anySatisfy(
              l ->
                  assertThat(l)
                      .startsWith("Secret gantry-system/gantry-remote-ghost: the kubeconfig"))
          .anySatisfy(l -> assertThat(l).isEqualTo("no RemoteCluster ghost in the hub"));
      Run everyone = check();
      assertThat(everyone.out()).contains("cluster east").contains("cluster ghost");
    } finally {
      client.secrets().resource(ghost).delete();
    }
  }

  @Test
  @Order(4)
  void anIdentityThatMayReadSecretsFails() {
    KubernetesClient east = testbed.cluster("east").client();
    east.rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName("check-secret-reader")
                .endMetadata()
                .addToRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("")
                        .withResources("secrets")
                        .withVerbs("get")
                        .build())
                .build())
        .create();
    east.rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("check-secret-reader")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "check-secret-reader")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("gantry-discoverer")
                .withNamespace("gantry-system")
                .endSubject()
                .build())
        .create();
    try {
      Run run = check("--cluster-name=east");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.failed()).containsExactly("the identity may read Secrets");
    } finally {
      east.rbac().clusterRoleBindings().withName("check-secret-reader").delete();
      east.rbac().clusterRoles().withName("check-secret-reader").delete();
    }
  }

  @Test
  @Order(5)
  void anIdentityThatMayNoLongerWatchEndpointSlicesFails() {
    KubernetesClient east = testbed.cluster("east").client();
    ClusterRole role = east.rbac().clusterRoles().withName("gantry-discoverer").get();
    List<PolicyRule> rules = role.getRules();
    List<PolicyRule> fewer = new ArrayList<>();
    for (PolicyRule rule : rules) {
      PolicyRule copy = new PolicyRuleBuilder(rule).build();
      if (copy.getResources().contains("endpointslices")) {
        copy.setVerbs(copy.getVerbs().stream().filter(v -> !v.equals("watch")).toList());
      }
      fewer.add(copy);
    }
    east.rbac().clusterRoles().withName("gantry-discoverer").edit(r -> withRules(r, fewer));
    try {
      Run run = check("--cluster-name=east");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.failed()).containsExactly("the identity may not watch endpointslices");
      assertThat(run.out())
          .contains("hint: link again to restore the ClusterRole gantry-discoverer");
    } finally {
      east.rbac().clusterRoles().withName("gantry-discoverer").edit(r -> withRules(r, rules));
    }
  }

  @Test
  @Order(6)
  void aHubAdminOrXdsPortThatDoesNotAnswerFails() {
    int closed = Ports.freeLoopbackPort();

    Run run =
        gantry(
            "check",
            "--hub-kubeconfig=" + hub.adminKubeconfigFile(),
            "--cluster-name=east",
            "--hub-admin=127.0.0.1:" + closed,
            "--xds-address=127.0.0.1:" + closed);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.failed())
        .hasSize(2)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith(
                        "the hub's admin port does not answer at http://127.0.0.1:" + closed))
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("the hub's xDS port refuses connections at 127.0.0.1:" + closed));
  }

  @Test
  @Order(7)
  void noEnvoyConnectedFails() {
    gantry.stopEnvoy(envoy);

    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(check("--cluster-name=east").failed())
                    .containsExactly(
                        "no Envoy is connected to this hub (gantry_xds_streams is 0)"));
  }

  @Test
  @Order(8)
  void aClusterWhoseDiscovererStoppedIsStale() {
    gantry.killDiscoverer("west");

    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(check("--cluster-name=west").failed())
                    .anySatisfy(
                        l -> assertThat(l).startsWith("RemoteCluster west is Stale since ")));
    assertThat(check("--cluster-name=west").out()).contains("HeartbeatExpired");
  }

  @Test
  @Order(9)
  void aRemoteThatDoesNotAnswerFails() {
    KubeCluster west = testbed.cluster("west");
    west.stopApiServer();
    try {
      Run run = check("--cluster-name=west");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.failed())
          .anySatisfy(
              l ->
                  assertThat(l).startsWith("the remote does not answer at " + west.apiServerUrl()));
      assertThat(run.out()).contains("  - permissions not checked (the remote did not answer)");
    } finally {
      west.startApiServer();
    }
  }

  @Test
  @Order(10)
  void aRevokedTokenFails() {
    // The token is bound to its anchor Secret: deleting the anchor revokes it.
    KubernetesClient east = testbed.cluster("east").client();
    east.secrets().inNamespace("gantry-system").withLabel("gantry.dev/token-anchor").delete();

    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(check("--cluster-name=east").failed())
                    .anySatisfy(
                        l ->
                            assertThat(l)
                                .isEqualTo(
                                    "the remote at "
                                        + testbed.cluster("east").apiServerUrl()
                                        + " refuses the token (401 Unauthorized)")));
  }

  private Run check(String... more) {
    List<String> args = new ArrayList<>(List.of("check"));
    args.addAll(flags);
    args.addAll(List.of(more));
    return gantry(args.toArray(String[]::new));
  }

  private static Run gantry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Gantry.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Runs {@code gantry <args>} through the built launcher, as a user would. */
  private static Run launcher(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("JAVA_HOME");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    Process process = builder.start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), out, err);
  }

  private String kubeconfigOf(String cluster) {
    Secret secret =
        hub.client()
            .secrets()
            .inNamespace("gantry-system")
            .withName("gantry-remote-" + cluster)
            .get();
    return new String(
        Base64.getDecoder().decode(secret.getData().get("kubeconfig")), StandardCharsets.UTF_8);
  }

  private static ClusterRole withRules(ClusterRole role, List<PolicyRule> rules) {
    role.setRules(rules);
    return role;
  }
}
