package dev.gantry.testbed;

import com.dajudge.kindcontainer.KindContainer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.testcontainers.DockerClientFactory;

/**
 * A kind cluster in a Docker container (Testcontainers' kindcontainer). Used where a Docker engine
 * exists; stopping its apiserver pauses the container, so the data survives like etcd does in the
 * local provider.
 */
final class KindKubeCluster implements KubeCluster {
  private final String name;
  private final KindContainer<?> container;
  private final String kubeconfig;
  private final Path kubeconfigFile;
  private final Pki pki;
  private boolean paused;
  private KubernetesClient client;

  private KindKubeCluster(String name, KindContainer<?> container, Path dir) {
    this.name = name;
    this.container = container;
    this.kubeconfig = container.getKubeconfig();
    try {
      Files.createDirectories(dir);
      this.kubeconfigFile = Files.writeString(dir.resolve("admin.kubeconfig"), kubeconfig);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.pki =
        Pki.fromPem(
            readFromContainer("/etc/kubernetes/pki/ca.crt"),
            readFromContainer("/etc/kubernetes/pki/ca.key"));
  }

  static String dockerUnavailableReason() {
    try {
      return DockerClientFactory.instance().isDockerAvailable()
          ? null
          : "no Docker engine is reachable (Testcontainers found none)";
    } catch (RuntimeException | LinkageError e) {
      return "no Docker engine is reachable (" + e.getMessage() + ")";
    }
  }

  static KindKubeCluster start(String name, Path dir) {
    KindContainer<?> container = new KindContainer<>();
    container.start();
    return new KindKubeCluster(name, container, dir);
  }

  private String readFromContainer(String path) {
    return container.copyFileFromContainer(
        path, in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String provider() {
    return "kind";
  }

  @Override
  public String apiServerUrl() {
    return client().getMasterUrl().toString();
  }

  @Override
  public String adminKubeconfig() {
    return kubeconfig;
  }

  @Override
  public Path adminKubeconfigFile() {
    return kubeconfigFile;
  }

  @Override
  public synchronized KubernetesClient client() {
    if (client == null) {
      client = Kubeconfig.client(kubeconfig);
    }
    return client;
  }

  @Override
  public String kubeconfigForUser(String user, List<String> groups) {
    Pki.Issued identity = pki.clientCertificate(user, groups);
    return Kubeconfig.withClientCertificate(
        name,
        apiServerUrl(),
        identity.caPem(),
        identity.certificatePem(),
        identity.privateKeyPem(),
        user);
  }

  @Override
  public synchronized void stopApiServer() {
    if (!paused) {
      container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
      paused = true;
    }
  }

  @Override
  public synchronized void startApiServer() {
    if (paused) {
      container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
      paused = false;
    }
  }

  @Override
  public synchronized boolean isApiServerRunning() {
    return !paused && container.isRunning();
  }

  @Override
  public List<ManagedProcess> processes() {
    return List.of();
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
    }
    container.stop();
  }
}
