package dev.gantry.discoverer;

import dev.gantry.api.MirrorNames;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.discoverer.link.Linker;
import dev.gantry.runtime.cli.Commands;
import dev.gantry.runtime.cli.FlagValues;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gantry-discoverer unlink}: takes a remote cluster out of the hub (its RemoteCluster, whose
 * deletion makes the hub remove the cluster's mirrors, and its kubeconfig Secret) and removes the
 * discoverer's identity from the remote (tokens revoked, ServiceAccount and RBAC deleted).
 */
@Command(
    name = "unlink",
    mixinStandardHelpOptions = true,
    description =
        "Takes a remote cluster out of the hub: deletes its RemoteCluster (the hub removes the"
            + " cluster's mirrors, so it stops taking traffic) and its kubeconfig Secret, and removes"
            + " the discoverer's identity from the remote (revokes its tokens, deletes the"
            + " ServiceAccount and RBAC). Remove the cluster's discoverer from the chart's"
            + " remoteClusters too.",
    footer = {
      "",
      "Examples:",
      "  gantry-discoverer unlink --cluster-name east --context east --hub-context hub",
      "  gantry-discoverer unlink --cluster-name east --hub-context hub --keep-remote"
          + "   # the remote is gone"
    })
final class UnlinkCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

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

  @Option(
      names = "--keep-remote",
      description = "Leave the remote alone (it is gone or unreachable); only the hub is cleaned.")
  boolean keepRemote;

  @Option(
      names = "--hub-kubeconfig",
      description = "Kubeconfig of the hub (default: " + Commands.AUTO_KUBECONFIG + ").")
  Path hubKubeconfig;

  @Option(
      names = "--hub-context",
      description = "Context of the hub's kubeconfig (default: its current one).")
  String hubContext;

  @Option(
      names = "--hub-namespace",
      defaultValue = "gantry-system",
      description = "Hub namespace of the Secret, the chart's (default: ${DEFAULT-VALUE}).")
  String hubNamespace;

  @Option(
      names = "--secret-name",
      description = "Name of the Secret (default: gantry-remote-<cluster>).")
  String secretName;

  @Option(
      names = "--wait",
      defaultValue = "60s",
      description =
          "How long to wait for the hub to remove the cluster's mirrors and the RemoteCluster"
              + " (default: ${DEFAULT-VALUE}; 0: do not wait).")
  String waitFor;

  @Override
  public Integer call() throws InterruptedException {
    String problem = MirrorNames.clusterNameProblem(clusterName);
    if (problem != null) {
      throw new IllegalArgumentException("--cluster-name: " + problem);
    }
    Duration wait = FlagValues.duration("--wait", waitFor);
    String secret = secretName != null ? secretName : "gantry-remote-" + clusterName;
    Config hubConfig = LinkCommand.config("--hub-kubeconfig", hubKubeconfig, hubContext);
    Config remoteConfig =
        keepRemote ? null : LinkCommand.config("--remote-kubeconfig", remoteKubeconfig, context);
    if (remoteConfig != null
        && LinkCommand.sameServer(hubConfig.getMasterUrl(), remoteConfig.getMasterUrl())) {
      throw new IllegalArgumentException(
          "the hub and the remote both resolve to "
              + hubConfig.getMasterUrl()
              + ": name the hub with --hub-context or --hub-kubeconfig (or pass --keep-remote)");
    }
    List<String> done = new ArrayList<>();
    try (KubernetesClient hub = new KubernetesClientBuilder().withConfig(hubConfig).build()) {
      List<String> removed = Linker.unlinkHub(hub, clusterName, hubNamespace, secret);
      done.addAll(removed);
      if (removed.contains("RemoteCluster " + clusterName) && !wait.isZero()) {
        if (gone(hub, wait)) {
          done.add("the hub removed the cluster's mirrors");
        } else {
          done.add(
              "RemoteCluster "
                  + clusterName
                  + " still being deleted after "
                  + waitFor
                  + " (its mirrors go when a hub replica runs)");
        }
      }
    } catch (KubernetesClientException e) {
      return failed("the hub at " + hubConfig.getMasterUrl(), e);
    }
    if (remoteConfig != null) {
      try (KubernetesClient remote =
          new KubernetesClientBuilder().withConfig(remoteConfig).build()) {
        done.addAll(Linker.unlinkRemote(remote, namespace));
      } catch (KubernetesClientException e) {
        return failed("the remote cluster at " + remoteConfig.getMasterUrl(), e);
      }
    }
    spec.commandLine()
        .getErr()
        .printf(
            "unlinked cluster %s: %s%n",
            clusterName, done.isEmpty() ? "nothing was left to remove" : String.join("; ", done));
    spec.commandLine().getErr().flush();
    return 0;
  }

  private boolean gone(KubernetesClient hub, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (hub.resources(RemoteCluster.class).withName(clusterName).get() == null) {
        return true;
      }
      Thread.sleep(250);
    }
    return false;
  }

  private int failed(String where, KubernetesClientException e) {
    return LinkCommand.failed(spec, where, e);
  }
}
