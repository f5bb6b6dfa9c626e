package dev.gantry.testbed;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;

/**
 * One Kubernetes cluster of the test bed: a real kube-apiserver with RBAC on, reached with an admin
 * kubeconfig. Clusters are independent: each has its own etcd.
 */
public interface KubeCluster extends AutoCloseable {
  /** The name the test gave this cluster (e.g. {@code east}). */
  String name();

  /** Which provider made this cluster ({@code local} or {@code kind}). */
  String provider();

  /** The apiserver's URL, e.g. {@code https://127.0.0.1:40123}. */
  String apiServerUrl();

  /** An admin kubeconfig (identity in {@code system:masters}) as YAML. */
  String adminKubeconfig();

  /** The admin kubeconfig written to a file, for processes and kubectl. */
  Path adminKubeconfigFile();

  /** A shared admin client, closed with the cluster. */
  KubernetesClient client();

  /**
   * A kubeconfig for user {@code user} in {@code groups}, with no permissions until RBAC grants
   * them.
   */
  String kubeconfigForUser(String user, List<String> groups);

  /**
   * Creates ServiceAccount {@code namespace/name} if needed and returns a kubeconfig holding a
   * token for it from the TokenRequest API. Deleting the ServiceAccount invalidates the token.
   */
  default String kubeconfigForServiceAccount(String namespace, String name) {
    io.fabric8.kubernetes.client.KubernetesClient admin = client();
    if (admin.serviceAccounts().inNamespace(namespace).withName(name).get() == null) {
      admin
          .serviceAccounts()
          .inNamespace(namespace)
          .resource(
              new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(namespace)
                  .endMetadata()
                  .build())
          .create();
    }
    String token =
        admin
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(name)
            .tokenRequest(
                new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    String caPem =
        new String(
            java.util.Base64.getDecoder()
                .decode(
                    io.fabric8.kubernetes.client.Config.fromKubeconfig(adminKubeconfig())
                        .getCaCertData()),
            java.nio.charset.StandardCharsets.UTF_8);
    return Kubeconfig.withToken(
        name(), apiServerUrl(), caPem, token, "system:serviceaccount:" + namespace + ":" + name);
  }

  /** Stops the apiserver; its data stays in etcd. Clients get connection errors until restart. */
  void stopApiServer();

  /** Starts the apiserver again on the same address and waits until it is ready. */
  void startApiServer();

  /**
   * Starts the apiserver again with {@code extraFlags} added to its command line (e.g. {@code
   * --max-mutating-requests-inflight=1}) until the next {@link #startApiServer()}.
   */
  default void startApiServer(List<String> extraFlags) {
    throw new UnsupportedOperationException(provider() + " clusters take no extra apiserver flags");
  }

  /**
   * Compacts etcd's history up to its current revision, so a watch resumed from an older
   * resourceVersion gets 410 Gone; returns the revision compacted to.
   */
  default long compactEtcd() {
    throw new UnsupportedOperationException(provider() + " clusters do not expose etcd");
  }

  /** Whether the apiserver is running. */
  boolean isApiServerRunning();

  /** Log files of the cluster's processes, for failure reports. */
  List<ManagedProcess> processes();

  @Override
  void close();
}
