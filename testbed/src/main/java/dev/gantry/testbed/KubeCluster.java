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

  /** Stops the apiserver; its data stays in etcd. Clients get connection errors until restart. */
  void stopApiServer();

  /** Starts the apiserver again on the same address and waits until it is ready. */
  void startApiServer();

  /** Whether the apiserver is running. */
  boolean isApiServerRunning();

  /** Log files of the cluster's processes, for failure reports. */
  List<ManagedProcess> processes();

  @Override
  void close();
}
