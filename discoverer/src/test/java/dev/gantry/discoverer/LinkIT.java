package dev.gantry.discoverer;

import static dev.gantry.discoverer.Fixtures.create;
import static dev.gantry.discoverer.Fixtures.service;
import static java.nio.file.Files.readString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.discoverer.link.Linker;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@code gantry-discoverer link} against real apiservers: the Secret it writes runs a discoverer
 * that mirrors and can do nothing else in the remote; linking again rotates the token, the running
 * discoverer takes the new one without a restart, and tokens older than the previous are revoked.
 */
@WithClusters({"east", "hub"})
class LinkIT {

  private record Run(int exitCode, String out, String err) {}

  private static Run link(String... args) {
    return command("link", args);
  }

  private static Run unlink(String... args) {
    return command("unlink", args);
  }

  private static Run command(String name, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = name;
    System.arraycopy(args, 0, all, 1, args.length);
    int code = DiscovererCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
    return new Run(code, out.toString(), err.toString());
  }

  private static String kubeconfigOf(Secret secret) {
    return new String(
        Base64.getDecoder().decode(secret.getData().get("kubeconfig")), StandardCharsets.UTF_8);
  }

  private static KubernetesClient clientOf(String kubeconfig) {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
  }

  private static Secret hubSecret(KubeCluster hub) {
    return hub.client().secrets().inNamespace("gantry-system").withName("gantry-remote-east").get();
  }

  @Test
  void linkedIdentityMirrorsCannotDoMoreAndRotatesWithoutARestart(Testbed testbed)
      throws Exception {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    DiscovererHarness.installCrd(hub.client());
    String ns = Fixtures.uniqueNamespace("link");
    Fixtures.namespace(east.client(), ns);
    String[] flags = {
      "--remote-kubeconfig=" + east.adminKubeconfigFile(),
      "--cluster-name=east",
      "--apply",
      "--hub-kubeconfig=" + hub.adminKubeconfigFile()
    };

    Run first = link(flags);

    assertThat(first.exitCode()).as(first.err()).isZero();
    Secret secret = hubSecret(hub);
    assertThat(secret.getMetadata().getLabels()).containsEntry("gantry.dev/cluster", "east");
    String firstKubeconfig = kubeconfigOf(secret);
    String token = Config.fromKubeconfig(firstKubeconfig).getAutoOAuthToken();
    assertThat(first.err()).contains("linked cluster east").doesNotContain(token);
    // The test bed's apiservers listen on loopback: link says a hub elsewhere cannot reach that.
    assertThat(first.err())
        .contains("warning: the remote's API server is " + east.apiServerUrl())
        .contains("a loopback address")
        .contains("--server");
    assertThat(first.out()).isEmpty();

    assertThat(east.client().rbac().clusterRoles().withName("gantry-discoverer").get().getRules())
        .containsExactly(
            new PolicyRuleBuilder()
                .withApiGroups("")
                .withResources("services")
                .withVerbs("get", "list", "watch")
                .build(),
            new PolicyRuleBuilder()
                .withApiGroups("discovery.k8s.io")
                .withResources("endpointslices")
                .withVerbs("get", "list", "watch")
                .build());

    try (KubernetesClient linked = clientOf(firstKubeconfig)) {
      assertThat(linked.services().inNamespace(ns).list().getItems()).isEmpty();
      assertThat(linked.discovery().v1().endpointSlices().inAnyNamespace().list()).isNotNull();
      assertThatThrownBy(() -> linked.secrets().inNamespace("kube-system").list())
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
      assertThatThrownBy(() -> linked.secrets().inNamespace(ns).list())
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
      assertThatThrownBy(() -> create(linked, service(ns, "sneaky").build()))
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }

    // The file a Secret volume would hold.
    Path file =
        DiscovererHarness.kubeconfigFile(
            testbed.directory().resolve(ns), "kubeconfig", firstKubeconfig);

    // Linking with an identity that may not create RBAC is refused in one line, token unsaid.
    Run refused = link("--remote-kubeconfig=" + file, "--cluster-name=east");
    assertThat(refused.exitCode()).as(refused.err()).isEqualTo(1);
    assertThat(refused.err().lines())
        .singleElement()
        .asString()
        .startsWith("error: the remote cluster at " + east.apiServerUrl())
        .contains("403")
        .doesNotContain(token);
    assertThat(refused.out()).isEmpty();
    try (Discoverer discoverer =
        new Discoverer(DiscovererHarness.config("east", file, hub, ns).build()).start()) {
      create(east.client(), service(ns, "web").build());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> hub.client().services().inNamespace(ns).withName("east-web").get() != null);

      Run second = link(flags);
      assertThat(second.exitCode()).as(second.err()).isZero();
      String secondKubeconfig = kubeconfigOf(hubSecret(hub));
      assertThat(secondKubeconfig).isNotEqualTo(firstKubeconfig);
      Files.writeString(file, secondKubeconfig); // the kubelet updates the volume
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(discoverer.metrics().scrape())
                      .contains(
                          "gantry_discoverer_credential_rotations_total{cluster=\"east\"} 1.0"));
      create(east.client(), service(ns, "api").build());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> hub.client().services().inNamespace(ns).withName("east-api").get() != null);

      // A third link revokes the first token (two are kept: the current and the previous).
      Run third = link(flags);
      assertThat(third.exitCode()).as(third.err()).isZero();
      assertThat(third.err()).contains("revoked");
      try (KubernetesClient revoked = clientOf(firstKubeconfig);
          KubernetesClient previous = clientOf(secondKubeconfig)) {
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThatThrownBy(() -> revoked.services().inNamespace(ns).list())
                        .satisfies(
                            e ->
                                assertThat(((KubernetesClientException) e).getCode())
                                    .isEqualTo(401)));
        assertThat(previous.services().inNamespace(ns).list().getItems()).hasSize(2);
      }
    }
  }

  /**
   * Regression: a link whose TokenRequest failed left its anchor behind, counted as one of the two
   * newest tokens, so the next link revoked the previous token while the hub could still hold it.
   */
  @Test
  void failedTokenRequestLeavesNoAnchorAndThePreviousTokenStaysValid(Testbed testbed) {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    String ns = Fixtures.uniqueNamespace("link-failed");
    String secretName = "gantry-remote-" + ns;
    String[] flags = {
      "--remote-kubeconfig=" + east.adminKubeconfigFile(),
      "--cluster-name=east",
      "--namespace=" + ns,
      "--secret-name=" + secretName,
      "--apply",
      "--hub-kubeconfig=" + hub.adminKubeconfigFile()
    };
    Supplier<String> hubKubeconfig =
        () ->
            kubeconfigOf(
                hub.client().secrets().inNamespace("gantry-system").withName(secretName).get());

    Run first = link(flags);
    assertThat(first.exitCode()).as(first.err()).isZero();
    String firstKubeconfig = hubKubeconfig.get();
    List<String> firstAnchors = anchors(east, ns);
    assertThat(firstAnchors).hasSize(1);

    // The apiserver refuses expirations under 10 minutes (the command checks that before asking).
    Linker.LinkOptions refused =
        new Linker.LinkOptions("east", ns, Duration.ofMinutes(1), "gantry-system", secretName);
    assertThatThrownBy(
            () ->
                Linker.link(
                    east.client(),
                    refused,
                    east.apiServerUrl(),
                    Config.fromKubeconfig(east.adminKubeconfig()).getCaCertData()))
        .isInstanceOf(KubernetesClientException.class);
    assertThat(anchors(east, ns))
        .as("no anchor left by the failed request")
        .isEqualTo(firstAnchors);

    Run second = link(flags);
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.err()).doesNotContain("revoked");
    String secondKubeconfig = hubKubeconfig.get();
    assertThat(anchors(east, ns)).hasSize(2).containsAll(firstAnchors);
    try (KubernetesClient previous = clientOf(firstKubeconfig)) {
      assertThat(previous.services().inNamespace(ns).list().getItems()).isEmpty();
    }

    Run third = link(flags);
    assertThat(third.exitCode()).as(third.err()).isZero();
    assertThat(third.err()).contains("revoked " + firstAnchors.get(0));
    assertThat(anchors(east, ns)).hasSize(2).doesNotContainAnyElementsOf(firstAnchors);
    try (KubernetesClient revoked = clientOf(firstKubeconfig);
        KubernetesClient previous = clientOf(secondKubeconfig)) {
      assertThat(previous.services().inNamespace(ns).list().getItems()).isEmpty();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThatThrownBy(() -> revoked.services().inNamespace(ns).list())
                      .satisfies(
                          e ->
                              assertThat(((KubernetesClientException) e).getCode())
                                  .isEqualTo(401)));
    }
  }

  /** Names of every token anchor in {@code ns}, issued or not. */
  private static List<String> anchors(KubeCluster east, String ns) {
    return east
        .client()
        .secrets()
        .inNamespace(ns)
        .withLabel("gantry.dev/token-anchor")
        .list()
        .getItems()
        .stream()
        .map(s -> s.getMetadata().getName())
        .sorted()
        .toList();
  }

  @Test
  void withoutApplyItPrintsASecretThatApplies(Testbed testbed) throws Exception {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");

    String context =
        Config.fromKubeconfig(readString(east.adminKubeconfigFile())).getCurrentContext().getName();

    Run run =
        link(
            "--remote-kubeconfig=" + east.adminKubeconfigFile(),
            "--context=" + context,
            "--cluster-name=east",
            "--secret-name=printed-east",
            "--hub-namespace=printed");

    assertThat(run.exitCode()).as(run.err()).isZero();
    Secret printed = Serialization.unmarshal(run.out(), Secret.class);
    assertThat(printed.getMetadata().getName()).isEqualTo("printed-east");
    assertThat(Config.fromKubeconfig(kubeconfigOf(printed)).getMasterUrl())
        .startsWith(east.apiServerUrl());
    hub.client()
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName("printed")
                .endMetadata()
                .build())
        .create();
    assertThat(hub.client().secrets().inNamespace("printed").resource(printed).create())
        .isNotNull();
  }

  @Test
  void badInputExitsWithTwoAndOneLine(Testbed testbed) {
    KubeCluster east = testbed.cluster("east");

    Run badName =
        link("--remote-kubeconfig=" + east.adminKubeconfigFile(), "--cluster-name=East_1");
    Run missingFile = link("--remote-kubeconfig=/nonexistent/kubeconfig", "--cluster-name=east");
    Run badTtl =
        link(
            "--remote-kubeconfig=" + east.adminKubeconfigFile(),
            "--cluster-name=east",
            "--token-ttl=forever");

    for (Run r : new Run[] {badName, missingFile, badTtl}) {
      assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
      assertThat(r.err()).startsWith("error: ").doesNotContain("\tat ");
    }
    assertThat(badName.err()).contains("--cluster-name");
    assertThat(missingFile.err()).contains("/nonexistent/kubeconfig");
    assertThat(badTtl.err()).contains("--token-ttl: 'forever' is not a duration");
  }

  @Test
  void unlinkTakesTheClusterOutOfTheHubAndRevokesItsIdentity(Testbed testbed) {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    DiscovererHarness.installCrd(hub.client());
    String[] flags = {
      "--remote-kubeconfig=" + east.adminKubeconfigFile(),
      "--cluster-name=north",
      "--namespace=north-id",
      "--hub-namespace=north-hub",
      "--hub-kubeconfig=" + hub.adminKubeconfigFile()
    };
    String[] linkFlags = java.util.Arrays.copyOf(flags, flags.length + 1);
    linkFlags[flags.length] = "--apply";
    Run linked = link(linkFlags);
    assertThat(linked.exitCode()).as(linked.err()).isZero();
    String kubeconfig =
        kubeconfigOf(
            hub.client().secrets().inNamespace("north-hub").withName("gantry-remote-north").get());
    RemoteCluster north = new RemoteCluster();
    north.getMetadata().setName("north");
    hub.client().resources(RemoteCluster.class).resource(north).create();

    Run unlinked = unlink(flags);

    assertThat(unlinked.exitCode()).as(unlinked.err()).isZero();
    assertThat(unlinked.err())
        .contains(
            "unlinked cluster north",
            "RemoteCluster north",
            "Secret north-hub/gantry-remote-north",
            "every token revoked",
            "ServiceAccount north-id/gantry-discoverer",
            "ClusterRoleBinding gantry-discoverer-north-id");
    assertThat(hub.client().resources(RemoteCluster.class).withName("north").get()).isNull();
    assertThat(
            hub.client().secrets().inNamespace("north-hub").withName("gantry-remote-north").get())
        .isNull();
    assertThat(
            east.client()
                .serviceAccounts()
                .inNamespace("north-id")
                .withName("gantry-discoverer")
                .get())
        .isNull();
    assertThat(
            east.client().rbac().clusterRoleBindings().withName("gantry-discoverer-north-id").get())
        .isNull();
    boolean otherBindings =
        east.client().rbac().clusterRoleBindings().list().getItems().stream()
            .anyMatch(b -> "gantry-discoverer".equals(b.getRoleRef().getName()));
    assertThat(east.client().rbac().clusterRoles().withName("gantry-discoverer").get() != null)
        .as("the ClusterRole stays exactly while another link's binding uses it")
        .isEqualTo(otherBindings);
    try (KubernetesClient old = clientOf(kubeconfig)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThatThrownBy(() -> old.services().inAnyNamespace().list())
                      .isInstanceOfSatisfying(
                          KubernetesClientException.class,
                          e -> assertThat(e.getCode()).isEqualTo(401)));
    }

    Run again = unlink(flags);
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.err()).contains("unlinked cluster north: nothing was left to remove");
  }
}
