package dev.gantry.discoverer;

import dev.gantry.runtime.cli.Commands;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which hub, and its namespace of Gantry, for link, unlink and check (a picocli mixin). */
public final class HubFlags {
  @Option(
      names = "--hub-kubeconfig",
      description = "Kubeconfig of the hub (default: " + Commands.AUTO_KUBECONFIG + ").")
  Path kubeconfig;

  @Option(
      names = "--hub-context",
      description = "Context of the hub's kubeconfig (default: its current one).")
  String context;

  @Option(
      names = "--hub-namespace",
      defaultValue = "gantry-system",
      description =
          "Hub namespace of the clusters' kubeconfig Secrets, the chart's (default:"
              + " ${DEFAULT-VALUE}).")
  String namespace;

  /** The hub's client configuration (see {@link LinkCommand#config}). */
  public Config config() {
    return LinkCommand.config("--hub-kubeconfig", kubeconfig, context);
  }

  public String namespace() {
    return namespace;
  }
}
