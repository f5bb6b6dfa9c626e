package dev.gantry.discoverer;

import dev.gantry.api.MirrorNames;
import dev.gantry.api.cli.FlagValues;
import dev.gantry.discoverer.link.Linker;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gantry-discoverer link}: creates a least-privilege identity for the discoverer in a remote
 * cluster and writes the kubeconfig Secret the hub mounts for it (stdout, or applied to the hub).
 * Running it again rotates the token.
 */
@Command(
    name = "link",
    mixinStandardHelpOptions = true,
    description =
        "Creates, in a remote cluster, a ServiceAccount that may only get/list/watch Services and"
            + " EndpointSlices, mints a token for it and writes the kubeconfig Secret for the hub."
            + " Run it again to rotate the token.")
final class LinkCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--remote-kubeconfig",
      description = "Admin kubeconfig of the remote cluster (default: ~/.kube/config).")
  Path remoteKubeconfig;

  @Option(names = "--context", description = "Context of that kubeconfig (default: current).")
  String context;

  @Option(
      names = "--cluster-name",
      required = true,
      description = "Name of the remote cluster, as the discoverer's --cluster-name.")
  String clusterName;

  @Option(
      names = "--server",
      description = "API URL the hub reaches the remote at (default: the context's server).")
  String server;

  @Option(
      names = "--namespace",
      defaultValue = "gantry-system",
      description = "Remote namespace of the ServiceAccount (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(
      names = "--token-ttl",
      defaultValue = "8760h",
      description = "Lifetime of the token (default: ${DEFAULT-VALUE}); link again to rotate.")
  String tokenTtl;

  @Option(
      names = "--hub-namespace",
      defaultValue = "gantry-system",
      description = "Hub namespace of the Secret, the chart's (default: ${DEFAULT-VALUE}).")
  String hubNamespace;

  @Option(
      names = "--secret-name",
      description = "Name of the Secret (default: gantry-remote-<cluster>).")
  String secretName;

  @Option(names = "--apply", description = "Apply the Secret to the hub instead of printing it.")
  boolean apply;

  @Option(
      names = "--hub-kubeconfig",
      description = "Kubeconfig of the hub for --apply (default: in-cluster, then ~/.kube/config).")
  Path hubKubeconfig;

  Linker.LinkOptions options() {
    String problem = MirrorNames.clusterNameProblem(clusterName);
    if (problem != null) {
      throw new IllegalArgumentException("--cluster-name: " + problem);
    }
    for (String[] label :
        new String[][] {{"--namespace", namespace}, {"--hub-namespace", hubNamespace}}) {
      if (!label[1].matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
        throw new IllegalArgumentException(
            label[0] + ": '" + label[1] + "' is not a namespace name (a DNS-1123 label)");
      }
    }
    return new Linker.LinkOptions(
        clusterName,
        namespace,
        FlagValues.duration("--token-ttl", tokenTtl),
        hubNamespace,
        secretName != null ? secretName : "gantry-remote-" + clusterName);
  }

  @Override
  public Integer call() throws IOException {
    Linker.LinkOptions options = options();
    Config remoteConfig = config("--remote-kubeconfig", remoteKubeconfig, context);
    String url = server != null ? server : remoteConfig.getMasterUrl();
    String caData = caData(remoteConfig);
    Linker.Result result;
    try (KubernetesClient remote = new KubernetesClientBuilder().withConfig(remoteConfig).build()) {
      result = Linker.link(remote, options, url, caData);
    }
    Secret secret = result.hubSecret();
    if (apply) {
      try (KubernetesClient hub =
          new KubernetesClientBuilder()
              .withConfig(config("--hub-kubeconfig", hubKubeconfig, null))
              .build()) {
        Linker.apply(hub, secret);
      }
    } else {
      spec.commandLine().getOut().print(Serialization.asYaml(secret));
      spec.commandLine().getOut().flush();
    }
    // The token and the kubeconfig never go to stderr: only names.
    spec.commandLine()
        .getErr()
        .printf(
            "linked cluster %s: ServiceAccount %s/%s (get/list/watch services, endpointslices),"
                + " token anchor %s%s; Secret %s/%s %s%n",
            options.clusterName(),
            options.namespace(),
            Linker.SERVICE_ACCOUNT,
            result.anchor(),
            result.revoked().isEmpty() ? "" : ", revoked " + String.join(", ", result.revoked()),
            secret.getMetadata().getNamespace(),
            secret.getMetadata().getName(),
            apply ? "applied to the hub" : "printed");
    spec.commandLine().getErr().flush();
    return 0;
  }

  private static Config config(String flag, Path file, String context) {
    if (file == null) {
      return context == null ? Config.autoConfigure(null) : Config.autoConfigure(context);
    }
    String content;
    try {
      content = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + flag + " " + file + ": " + e.getMessage());
    }
    try {
      return Config.fromKubeconfig(context, content, file.toString());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(flag + " " + file + " is not a usable kubeconfig");
    }
  }

  /** The remote CA as base64 PEM, from inline data or a file. */
  private static String caData(Config config) throws IOException {
    if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
      return config.getCaCertData();
    }
    if (config.getCaCertFile() != null) {
      return Base64.getEncoder()
          .encodeToString(
              Files.readString(Path.of(config.getCaCertFile())).getBytes(StandardCharsets.UTF_8));
    }
    throw new IllegalArgumentException(
        "the remote kubeconfig has no certificate authority; the hub could not verify the remote");
  }
}
