package dev.gantry.discoverer;

import static dev.gantry.discoverer.Fixtures.create;
import static dev.gantry.discoverer.Fixtures.service;
import static dev.gantry.discoverer.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Kubeconfig;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Least-privilege identities on both sides, and credential rotation without a restart. */
@WithClusters({"east", "hub"})
class CredentialsIT {

  /** get/list/watch on Services and EndpointSlices, cluster-wide: all a remote must grant. */
  static void grantRemoteRead(KubernetesClient remote, String role, SubjectBuilder subject) {
    if (remote.rbac().clusterRoles().withName(role).get() == null) {
      remote
          .rbac()
          .clusterRoles()
          .resource(
              new ClusterRoleBuilder()
                  .withNewMetadata()
                  .withName(role)
                  .endMetadata()
                  .addToRules(
                      new PolicyRuleBuilder()
                          .withApiGroups("")
                          .withResources("services")
                          .withVerbs("get", "list", "watch")
                          .build())
                  .addToRules(
                      new PolicyRuleBuilder()
                          .withApiGroups("discovery.k8s.io")
                          .withResources("endpointslices")
                          .withVerbs("get", "list", "watch")
                          .build())
                  .build())
          .create();
    }
    String binding = role + "-" + Fixtures.uniqueNamespace("b");
    remote
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(binding)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", role)
                .withSubjects(subject.build())
                .build())
        .create();
  }

  @Test
  void leastPrivilegeIdentitiesOnBothSidesMirrorWithoutForbidden(Testbed testbed) {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    DiscovererHarness.installCrd(hub.client());
    String ns = Fixtures.uniqueNamespace("rbac");
    Fixtures.namespace(east.client(), ns);
    Fixtures.namespace(hub.client(), ns);
    create(east.client(), service(ns, "kuard").build());
    create(east.client(), slice(ns, "kuard", "kuard-1", 11, 3).build());

    String remoteUser = "gantry-remote-reader";
    grantRemoteRead(
        east.client(),
        remoteUser,
        new SubjectBuilder()
            .withKind("User")
            .withName(remoteUser)
            .withApiGroup("rbac.authorization.k8s.io"));
    // Hub: write mirrors in the mirrored namespace only, plus its own RemoteCluster.
    String hubUser = "gantry-discoverer-east";
    hub.client()
        .rbac()
        .roles()
        .inNamespace(ns)
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("mirrors")
                .withNamespace(ns)
                .endMetadata()
                .addToRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("")
                        .withResources("services")
                        .withVerbs("get", "list", "watch", "create", "update", "delete")
                        .build())
                .addToRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("discovery.k8s.io")
                        .withResources("endpointslices")
                        .withVerbs("get", "list", "watch", "create", "update", "delete")
                        .build())
                .build())
        .create();
    hub.client()
        .rbac()
        .roleBindings()
        .inNamespace(ns)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("mirrors")
                .withNamespace(ns)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "mirrors")
                .addNewSubject()
                .withKind("User")
                .withName(hubUser)
                .withApiGroup("rbac.authorization.k8s.io")
                .endSubject()
                .build())
        .create();
    hub.client()
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName(hubUser)
                .endMetadata()
                .addToRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("gantry.dev")
                        .withResources("remoteclusters")
                        .withVerbs("get", "create")
                        .build())
                .addToRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("gantry.dev")
                        .withResources("remoteclusters/status")
                        .withResourceNames("east")
                        .withVerbs("get", "update")
                        .build())
                .build())
        .create();
    hub.client()
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(hubUser)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", hubUser)
                .addNewSubject()
                .withKind("User")
                .withName(hubUser)
                .withApiGroup("rbac.authorization.k8s.io")
                .endSubject()
                .build())
        .create();

    Path dir = testbed.directory().resolve(ns);
    Path remoteConfig =
        DiscovererHarness.kubeconfigFile(
            dir, "remote", east.kubeconfigForUser(remoteUser, List.of()));
    Path hubConfig =
        DiscovererHarness.kubeconfigFile(dir, "hub", hub.kubeconfigForUser(hubUser, List.of()));
    // The identities really are limited.
    try (KubernetesClient reader =
        Kubeconfig.client(east.kubeconfigForUser(remoteUser, List.of()))) {
      assertThatThrownBy(() -> reader.secrets().inNamespace(ns).list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }

    try (Discoverer discoverer =
        new Discoverer(
                DiscovererHarness.config("east", remoteConfig, hub, ns)
                    .hubKubeconfig(hubConfig)
                    .build())
            .start()) {
      await().ignoreExceptions().atMost(Duration.ofSeconds(30)).until(discoverer::initialSyncDone);
      assertThat(
              hub.client()
                  .discovery()
                  .v1()
                  .endpointSlices()
                  .inNamespace(ns)
                  .withName("east-kuard-1")
                  .get()
                  .getEndpoints())
          .hasSize(3);
      remote(east).services().inNamespace(ns).withName("kuard").delete();
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> hub.client().services().inNamespace(ns).withName("east-kuard").get() == null);
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                RemoteCluster rc =
                    hub.client().resources(RemoteCluster.class).withName("east").get();
                assertThat(rc.getStatus().condition("Synced").getStatus()).isEqualTo("True");
              });
      String metrics = discoverer.metrics().scrape();
      assertThat(metrics).doesNotContain("result=\"error\"");
      assertThat(metrics)
          .containsPattern(
              "gantry_discoverer_reconcile_duration_seconds_count\\{cluster=\"east\",result=\"ok\"}");
      assertThat(metrics).doesNotContain("result=\"error\"}");
    }
  }

  private static KubernetesClient remote(KubeCluster cluster) {
    return cluster.client();
  }

  @Test
  void rotatedKubeconfigIsUsedWithoutRestartAndTheOldCredentialsMayThenBeRevoked(Testbed testbed)
      throws IOException {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    DiscovererHarness.installCrd(hub.client());
    String ns = Fixtures.uniqueNamespace("rotate");
    Fixtures.namespace(east.client(), ns);
    grantRemoteRead(
        east.client(),
        "gantry-remote-read",
        new SubjectBuilder()
            .withKind("Group")
            .withName("system:serviceaccounts:" + ns)
            .withApiGroup("rbac.authorization.k8s.io"));
    Path dir = testbed.directory().resolve(ns);
    String oldConfig = east.kubeconfigForServiceAccount(ns, "old");
    Path kubeconfig = DiscovererHarness.kubeconfigFile(dir, "remote", oldConfig);
    create(east.client(), service(ns, "before").build());

    try (Discoverer discoverer =
        new Discoverer(DiscovererHarness.config("east", kubeconfig, hub, ns).build()).start()) {
      await().ignoreExceptions().atMost(Duration.ofSeconds(30)).until(discoverer::initialSyncDone);
      assertThat(hub.client().services().inNamespace(ns).withName("east-before").get()).isNotNull();
      // The test bed asks for one-hour tokens: the gauge says when this one ends.
      long firstExpiry = tokenExpiry(discoverer);
      assertThat(firstExpiry)
          .isBetween(
              Instant.now().plus(Duration.ofMinutes(55)).getEpochSecond(),
              Instant.now().plus(Duration.ofMinutes(61)).getEpochSecond());

      // A Secret volume update: the new file appears atomically in place of the old.
      Path next =
          DiscovererHarness.kubeconfigFile(
              dir, "remote.next", east.kubeconfigForServiceAccount(ns, "new"));
      Files.move(
          next, kubeconfig, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  discoverer
                      .metrics()
                      .scrape()
                      .contains(
                          "gantry_discoverer_credential_rotations_total{cluster=\"east\"} 1.0"));
      assertThat(tokenExpiry(discoverer)).isGreaterThanOrEqualTo(firstExpiry);
      create(east.client(), service(ns, "during").build());
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> hub.client().services().inNamespace(ns).withName("east-during").get() != null);

      // Revoke the old identity and force every watch to reconnect: only the new one works now.
      east.client().serviceAccounts().inNamespace(ns).withName("old").delete();
      try (KubernetesClient old = Kubeconfig.client(oldConfig)) {
        await()
            .ignoreExceptions()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () ->
                    assertThatThrownBy(() -> old.services().inNamespace(ns).list())
                        .isInstanceOfSatisfying(
                            KubernetesClientException.class,
                            e -> assertThat(e.getCode()).isEqualTo(401)));
      }
      east.stopApiServer();
      east.startApiServer();
      create(east.client(), service(ns, "after").build());
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(40))
          .until(
              () -> hub.client().services().inNamespace(ns).withName("east-after").get() != null);
      assertThat(discoverer.metrics().scrape()).doesNotContain("result=\"error\"}");
    }
  }

  /** The remote token expiry gauge, as scraped. */
  private static long tokenExpiry(Discoverer discoverer) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "gantry_discoverer_remote_token_expiry_timestamp_seconds\\{cluster=\"east\"\\} (\\S+)")
            .matcher(discoverer.metrics().scrape());
    assertThat(m.find()).as("the token expiry gauge").isTrue();
    return (long) Double.parseDouble(m.group(1));
  }

  @Test
  void aRevokedTokenMissingRbacAndADownApiserverAreToldApartInTheReadyCondition(Testbed testbed)
      throws IOException {
    KubeCluster east = testbed.cluster("east");
    KubeCluster hub = testbed.cluster("hub");
    DiscovererHarness.installCrd(hub.client());
    String ns = Fixtures.uniqueNamespace("problems");
    Fixtures.namespace(east.client(), ns);
    String group = "system:serviceaccounts:" + ns;
    grantRemoteRead(
        east.client(),
        "gantry-remote-read",
        new SubjectBuilder()
            .withKind("Group")
            .withName(group)
            .withApiGroup("rbac.authorization.k8s.io"));
    Path kubeconfig =
        DiscovererHarness.kubeconfigFile(
            testbed.directory().resolve(ns), "remote", east.kubeconfigForServiceAccount(ns, "sa"));

    try (Discoverer discoverer =
        new Discoverer(DiscovererHarness.config("probed", kubeconfig, hub, ns).build()).start()) {
      awaitReady(hub, "True", "Mirroring");

      // The RBAC the link grants taken away: 403.
      east.client().rbac().clusterRoleBindings().list().getItems().stream()
          .filter(
              b ->
                  b.getSubjects() != null
                      && b.getSubjects().stream().anyMatch(x -> group.equals(x.getName())))
          .forEach(b -> east.client().rbac().clusterRoleBindings().resource(b).delete());
      awaitReady(hub, "False", "RemoteForbidden");

      // The identity deleted, so its token is revoked: 401.
      east.client().serviceAccounts().inNamespace(ns).withName("sa").delete();
      awaitReady(hub, "False", "RemoteUnauthorized");

      // No apiserver at all.
      east.stopApiServer();
      try {
        awaitReady(hub, "False", "RemoteUnreachable");
      } finally {
        east.startApiServer();
      }
    }
  }

  private static void awaitReady(KubeCluster hub, String status, String reason) {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        hub
                            .client()
                            .resources(RemoteCluster.class)
                            .withName("probed")
                            .get()
                            .getStatus()
                            .getConditions()
                            .stream()
                            .filter(c -> "Ready".equals(c.getType()))
                            .findFirst()
                            .orElseThrow())
                    .satisfies(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo(status);
                          assertThat(c.getReason()).isEqualTo(reason);
                        }));
  }
}
