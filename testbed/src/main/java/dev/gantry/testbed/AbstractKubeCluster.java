package dev.gantry.testbed;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What every provider's cluster has alike: a name, a CA that signs user identities, the admin
 * kubeconfig (also written to {@code admin.kubeconfig} in the cluster's directory) and the shared
 * admin client made from it.
 */
abstract class AbstractKubeCluster implements KubeCluster {
  private final String name;
  private final Pki pki;
  private final String adminKubeconfig;
  private final Path adminKubeconfigFile;
  private KubernetesClient client;

  AbstractKubeCluster(String name, Pki pki, String adminKubeconfig, Path dir) {
    this.name = name;
    this.pki = pki;
    this.adminKubeconfig = adminKubeconfig;
    try {
      Files.createDirectories(dir);
      this.adminKubeconfigFile =
          Files.writeString(dir.resolve("admin.kubeconfig"), adminKubeconfig);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the admin kubeconfig of " + name, e);
    }
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String adminKubeconfig() {
    return adminKubeconfig;
  }

  @Override
  public final Path adminKubeconfigFile() {
    return adminKubeconfigFile;
  }

  @Override
  public final synchronized KubernetesClient client() {
    if (client == null) {
      client = Kubeconfig.client(adminKubeconfig);
    }
    return client;
  }

  @Override
  public final String kubeconfigForUser(String user, List<String> groups) {
    Pki.Issued identity = pki.clientCertificate(user, groups);
    return Kubeconfig.withClientCertificate(
        name,
        apiServerUrl(),
        identity.caPem(),
        identity.certificatePem(),
        identity.privateKeyPem(),
        user);
  }

  /** Closes the shared admin client, if one was opened; a later {@link #client()} opens anew. */
  protected final synchronized void closeClient() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
