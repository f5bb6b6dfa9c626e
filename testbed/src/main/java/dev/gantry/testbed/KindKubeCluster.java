package dev.gantry.testbed;

import com.dajudge.kindcontainer.KindContainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.testcontainers.DockerClientFactory;

/**
 * A kind cluster in a Docker container (Testcontainers' kindcontainer). Used where a Docker engine
 * exists; stopping its apiserver pauses the container, so the data survives like etcd does in the
 * local provider.
 */
final class KindKubeCluster extends AbstractKubeCluster {
  private final KindContainer<?> container;
  private boolean paused;

  private KindKubeCluster(String name, KindContainer<?> container, Path dir) {
    super(
        name,
        Pki.fromPem(
            readFromContainer(container, "/etc/kubernetes/pki/ca.crt"),
            readFromContainer(container, "/etc/kubernetes/pki/ca.key")),
        container.getKubeconfig(),
        dir);
    this.container = container;
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

  private static String readFromContainer(KindContainer<?> container, String path) {
    return container.copyFileFromContainer(
        path, in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
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
    closeClient();
    container.stop();
  }
}
