package dev.gantry.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RBAC is enforced: a client-certificate identity has only what a binding grants it. */
@WithClusters({"solo"})
class RbacIdentityIT {

  @Test
  void userIdentityIsForbiddenUntilGrantedAndThenOnlyWhatWasGranted(Testbed testbed) {
    KubeCluster cluster = testbed.cluster("solo");
    String user = "reader-" + ThreeClustersIT.shortId();
    try (KubernetesClient reader = Kubeconfig.client(cluster.kubeconfigForUser(user, List.of()))) {
      assertThatThrownBy(() -> reader.services().inAnyNamespace().list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));

      cluster
          .client()
          .rbac()
          .clusterRoles()
          .resource(
              new ClusterRoleBuilder()
                  .withNewMetadata()
                  .withName(user)
                  .endMetadata()
                  .addNewRule()
                  .withApiGroups("")
                  .withResources("services")
                  .withVerbs("get", "list", "watch")
                  .endRule()
                  .build())
          .create();
      cluster
          .client()
          .rbac()
          .clusterRoleBindings()
          .resource(
              new ClusterRoleBindingBuilder()
                  .withNewMetadata()
                  .withName(user)
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", user)
                  .addNewSubject()
                  .withKind("User")
                  .withName(user)
                  .withApiGroup("rbac.authorization.k8s.io")
                  .endSubject()
                  .build())
          .create();

      // RBAC changes reach the authorizer through its informer: wait, do not sleep.
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(20))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(reader.services().inAnyNamespace().list()).isNotNull());
      assertThatThrownBy(() -> reader.secrets().inAnyNamespace().list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }
}
