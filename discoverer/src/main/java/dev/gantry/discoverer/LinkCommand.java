package dev.gantry.discoverer;

import dev.gantry.api.MirrorNames;
import dev.gantry.discoverer.link.Linker;
import dev.gantry.runtime.cli.FlagValues;
import dev.gantry.runtime.kube.KubeClients;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
            + " Run it again to rotate the token.",
    footer = {
      "",
      "Examples:",
      "  gantry link --cluster-name east --context east --hub-context hub --apply",
      "  gantry link --cluster-name east --context east --server https://east.example.com:6443 \\",
      "      --token-ttl 720h --apply --hub-context hub",
      "  gantry link --cluster-name east --context east > gantry-remote-east.yaml   # review first"
    })
public final class LinkCommand implements Callable<Integer> {
  /** The shortest token the TokenRequest API issues. */
  static final Duration MIN_TOKEN_TTL = Duration.ofMinutes(10);

  private static final String DNS_1123_LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
  private static final String DNS_1123_SUBDOMAIN = DNS_1123_LABEL + "(\\." + DNS_1123_LABEL + ")*";

  @Spec CommandSpec spec;

  @Mixin LinkTarget target;

  @Option(
      names = "--server",
      description = "API URL the hub reaches the remote at (default: the context's server).")
  String server;

  @Option(
      names = "--token-ttl",
      defaultValue = "8760h",
      description = "Lifetime of the token (default: ${DEFAULT-VALUE}); link again to rotate.")
  String tokenTtl;

  @Option(names = "--apply", description = "Apply the Secret to the hub instead of printing it.")
  boolean apply;

  Linker.LinkOptions options() {
    String problem = MirrorNames.clusterNameProblem(target.clusterName);
    if (problem != null) {
      throw new IllegalArgumentException("--cluster-name: " + problem);
    }
    for (String[] label :
        new String[][] {
          {"--namespace", target.namespace}, {"--hub-namespace", target.hub.namespace()}
        }) {
      if (!label[1].matches(DNS_1123_LABEL)) {
        throw new IllegalArgumentException(
            label[0] + ": '" + label[1] + "' is not a namespace name (a DNS-1123 label)");
      }
    }
    String name = target.secret();
    if (name.length() > 253 || !name.matches(DNS_1123_SUBDOMAIN)) {
      throw new IllegalArgumentException(
          "--secret-name: '" + name + "' is not a Secret name (a DNS-1123 subdomain)");
    }
    if (server != null) {
      checkServer(server);
    }
    Duration ttl = FlagValues.duration("--token-ttl", tokenTtl);
    // The apiserver refuses shorter ones; say so here rather than after the RBAC is written.
    if (ttl.compareTo(MIN_TOKEN_TTL) < 0) {
      throw new IllegalArgumentException("--token-ttl must be at least 10m");
    }
    return new Linker.LinkOptions(
        target.clusterName, target.namespace, ttl, target.hub.namespace(), name);
  }

  /** The hub verifies the remote with its CA and sends it a bearer token: https only. */
  static void checkServer(String server) {
    URI uri;
    try {
      uri = new URI(server);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null || !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "--server: '" + server + "' is not an https URL (e.g. https://east.example.com:6443)");
    }
  }

  /** Whether {@code url}'s host is {@code localhost} or a loopback IP literal (no DNS lookup). */
  static boolean loopback(String url) {
    String host;
    try {
      host = new URI(url).getHost();
    } catch (URISyntaxException e) {
      return false;
    }
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")
        || host.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
      return true;
    }
    String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (!literal.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
      return false;
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public Integer call() throws IOException {
    Linker.LinkOptions options = options();
    Config remoteConfig = config("--remote-kubeconfig", target.remoteKubeconfig, target.context);
    String url = server != null ? server : remoteConfig.getMasterUrl();
    String caData = caData(remoteConfig);
    Config hubConfig = apply ? target.hub.config() : null;
    if (hubConfig != null && sameServer(hubConfig.getMasterUrl(), remoteConfig.getMasterUrl())) {
      // Both sides resolved to one cluster (e.g. the same current context): the Secret with the
      // remote's token would be written into the remote itself.
      throw new IllegalArgumentException(
          "--apply would write the Secret into the remote cluster itself (the hub and the remote"
              + " both resolve to "
              + remoteConfig.getMasterUrl()
              + "): name the hub with --hub-context or --hub-kubeconfig");
    }
    Linker.Result result;
    try (KubernetesClient remote = KubeClients.of(remoteConfig)) {
      result = Linker.link(remote, options, url, caData);
    } catch (KubernetesClientException e) {
      return failed("the remote cluster at " + remoteConfig.getMasterUrl(), e);
    }
    Secret secret = result.hubSecret();
    if (apply) {
      try (KubernetesClient hub = KubeClients.of(hubConfig)) {
        Linker.apply(hub, secret);
      } catch (KubernetesClientException e) {
        return failed("the hub at " + hubConfig.getMasterUrl(), e);
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
    if (loopback(url)) {
      spec.commandLine()
          .getErr()
          .println(
              "warning: the remote's API server is "
                  + url
                  + ", a loopback address: a hub on another machine cannot reach it there. Pass"
                  + " --server with the address the hub reaches it at (e.g. --server"
                  + " https://east.example.com:6443).");
    }
    spec.commandLine().getErr().flush();
    return 0;
  }

  /**
   * A refused or failed request (no admin rights in the remote, an unreachable hub) is an expected
   * condition: one line and exit 1, no trace. Only the status goes out, never a request body.
   */
  private int failed(String where, KubernetesClientException e) {
    return failed(spec, where, e);
  }

  /** One {@code error:} line on the command's stderr for a refused request; returns 1. */
  static int failed(CommandSpec spec, String where, KubernetesClientException e) {
    String reason =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    spec.commandLine()
        .getErr()
        .printf("error: %s: %s%s%n", where, e.getCode() > 0 ? e.getCode() + " " : "", reason);
    spec.commandLine().getErr().flush();
    return 1;
  }

  /**
   * The client configuration from {@code file}, or found as fabric8 finds it ($KUBECONFIG or
   * ~/.kube/config, else in-cluster). A {@code context} the kubeconfig lacks is an error: fabric8
   * would silently fall back to the current context, or to https://kubernetes.default.svc, and link
   * the wrong cluster.
   */
  public static Config config(String flag, Path file, String context) {
    Config config;
    if (file == null) {
      config = Config.autoConfigure(context);
    } else {
      String content;
      try {
        content = Files.readString(file);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read " + flag + " " + file + ": " + e.getMessage());
      }
      try {
        config = Config.fromKubeconfig(context, content, file.toString());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(flag + " " + file + " is not a usable kubeconfig");
      }
    }
    if (context != null
        && (config.getContexts() == null
            || config.getContexts().stream().noneMatch(c -> context.equals(c.getName())))) {
      throw new IllegalArgumentException(
          (flag.equals("--hub-kubeconfig") ? "--hub-context" : "--context")
              + ": no context '"
              + context
              + "' in "
              + (file != null ? file.toString() : "$KUBECONFIG or ~/.kube/config"));
    }
    return config;
  }

  static boolean sameServer(String a, String b) {
    return a != null && b != null && a.replaceAll("/+$", "").equals(b.replaceAll("/+$", ""));
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
