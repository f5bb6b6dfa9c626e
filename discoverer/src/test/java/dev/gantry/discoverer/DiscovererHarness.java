package dev.gantry.discoverer;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.discoverer.mirror.LabelSelector;
import dev.gantry.discoverer.mirror.MirrorScope;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.KubeCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** Starts discoverers in the test JVM against test-bed clusters, with test-friendly timings. */
final class DiscovererHarness {
  private DiscovererHarness() {}

  /** Installs the RemoteCluster CRD (generated from the api module) into the hub, once. */
  static void installCrd(KubernetesClient hub) {
    Crds.install(hub, RemoteCluster.CRD_NAME);
  }

  /** Writes a kubeconfig to a file a discoverer can watch. */
  static Path kubeconfigFile(Path dir, String name, String content) {
    try {
      Files.createDirectories(dir);
      return Files.writeString(dir.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A config mirroring only {@code namespace}, with fast probes, status and polling. */
  static DiscovererConfig.Builder config(
      String cluster, Path remoteKubeconfig, KubeCluster hub, String namespace) {
    return DiscovererConfig.builder(cluster, remoteKubeconfig)
        .hubKubeconfig(hub.adminKubeconfigFile())
        .scope(new MirrorScope(Set.of(namespace), Set.of(), LabelSelector.everything()))
        .metricsAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
        .intervals(Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofMillis(500));
  }
}
