package dev.gantry.testbed;

import java.nio.file.Path;

/** Makes test clusters: from local binaries (the default, what CI runs) or kind in Docker. */
public interface ClusterProvider {
  /** Provider name as given in {@code -Dgantry.testbed.provider}. */
  String name();

  /** Why this provider cannot run here, or {@code null} when it can. */
  String unavailableReason();

  /** Starts a cluster; {@code dir} holds its files and logs. */
  KubeCluster start(String clusterName, Path dir);

  /** The provider chosen by {@code -Dgantry.testbed.provider} ({@code local} by default). */
  static ClusterProvider fromSystemProperty() {
    return named(System.getProperty("gantry.testbed.provider", "local"));
  }

  static ClusterProvider named(String name) {
    return switch (name) {
      case "local" -> new LocalBinaryProvider();
      case "kind" -> new KindProvider();
      default ->
          throw new IllegalArgumentException(
              "unknown test-bed provider '" + name + "' (use local or kind)");
    };
  }

  /** etcd + kube-apiserver processes built by scripts/provision. */
  final class LocalBinaryProvider implements ClusterProvider {
    private Tools tools;

    @Override
    public String name() {
      return "local";
    }

    @Override
    public String unavailableReason() {
      return null;
    }

    @Override
    public KubeCluster start(String clusterName, Path dir) {
      return LocalKubeCluster.start(clusterName, dir, tools());
    }

    private synchronized Tools tools() {
      if (tools == null) {
        tools = Tools.resolve();
      }
      return tools;
    }
  }

  /** kind clusters through Testcontainers; needs a reachable Docker engine. */
  final class KindProvider implements ClusterProvider {
    @Override
    public String name() {
      return "kind";
    }

    @Override
    public String unavailableReason() {
      return KindKubeCluster.dockerUnavailableReason();
    }

    @Override
    public KubeCluster start(String clusterName, Path dir) {
      String reason = unavailableReason();
      if (reason != null) {
        throw new IllegalStateException("kind provider unavailable: " + reason);
      }
      return KindKubeCluster.start(clusterName, dir);
    }
  }
}
