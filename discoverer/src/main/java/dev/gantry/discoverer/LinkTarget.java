package dev.gantry.discoverer;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which remote cluster and which hub {@code link} and {@code unlink} work on (a picocli mixin). */
final class LinkTarget {
  @Option(
      names = "--cluster-name",
      required = true,
      description = "Name of the remote cluster, as the discoverer's --cluster-name.")
  String clusterName;

  @Option(
      names = "--remote-kubeconfig",
      description =
          "Admin kubeconfig of the remote cluster (default: $KUBECONFIG or ~/.kube/config).")
  Path remoteKubeconfig;

  @Option(names = "--context", description = "Context of that kubeconfig (default: current).")
  String context;

  @Option(
      names = "--namespace",
      defaultValue = "gantry-system",
      description = "Remote namespace of the ServiceAccount (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Mixin HubFlags hub;

  @Option(
      names = "--secret-name",
      description = "Name of the Secret (default: gantry-remote-<cluster>).")
  String secretName;

  /** The Secret's name: as given, or {@code gantry-remote-<cluster>}. */
  String secret() {
    return secretName != null ? secretName : "gantry-remote-" + clusterName;
  }
}
