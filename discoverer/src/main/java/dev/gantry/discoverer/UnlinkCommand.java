package dev.gantry.discoverer;

import dev.gantry.api.MirrorNames;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.discoverer.link.Linker;
import dev.gantry.runtime.cli.FlagValues;
import dev.gantry.runtime.kube.KubeClients;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
      "  gantry unlink --cluster-name east --context east --hub-context hub",
      "  gantry unlink --cluster-name east --hub-context hub --keep-remote"
          + "   # the remote is gone"
    })
public final class UnlinkCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin LinkTarget target;

  @Option(
      names = "--keep-remote",
      description = "Leave the remote alone (it is gone or unreachable); only the hub is cleaned.")
  boolean keepRemote;

  @Option(
      names = "--wait",
      defaultValue = "60s",
      description =
          "How long to wait for the hub to remove the cluster's mirrors and the RemoteCluster"
              + " (default: ${DEFAULT-VALUE}; 0: do not wait).")
  String waitFor;

  @Override
  public Integer call() throws InterruptedException {
    String problem = MirrorNames.clusterNameProblem(target.clusterName);
    if (problem != null) {
      throw new IllegalArgumentException("--cluster-name: " + problem);
    }
    Duration wait = FlagValues.duration("--wait", waitFor);
    String secret = target.secret();
    Config hubConfig = target.hub.config();
    Config remoteConfig =
        keepRemote
            ? null
            : LinkCommand.config("--remote-kubeconfig", target.remoteKubeconfig, target.context);
    if (remoteConfig != null
        && LinkCommand.sameServer(hubConfig.getMasterUrl(), remoteConfig.getMasterUrl())) {
      throw new IllegalArgumentException(
          "the hub and the remote both resolve to "
              + hubConfig.getMasterUrl()
              + ": name the hub with --hub-context or --hub-kubeconfig (or pass --keep-remote)");
    }
    List<String> done = new ArrayList<>();
    try (KubernetesClient hub = KubeClients.of(hubConfig)) {
      List<String> removed =
          Linker.unlinkHub(hub, target.clusterName, target.hub.namespace(), secret);
      done.addAll(removed);
      if (removed.contains("RemoteCluster " + target.clusterName) && !wait.isZero()) {
        if (gone(hub, wait)) {
          done.add("the hub removed the cluster's mirrors");
        } else {
          done.add(
              "RemoteCluster "
                  + target.clusterName
                  + " still being deleted after "
                  + waitFor
                  + " (its mirrors go when a hub replica runs)");
        }
      }
    } catch (KubernetesClientException e) {
      return failed("the hub at " + hubConfig.getMasterUrl(), e);
    }
    if (remoteConfig != null) {
      try (KubernetesClient remote = KubeClients.of(remoteConfig)) {
        done.addAll(Linker.unlinkRemote(remote, target.namespace));
      } catch (KubernetesClientException e) {
        return failed("the remote cluster at " + remoteConfig.getMasterUrl(), e);
      }
    }
    spec.commandLine()
        .getErr()
        .printf(
            "unlinked cluster %s: %s%n",
            target.clusterName,
            done.isEmpty() ? "nothing was left to remove" : String.join("; ", done));
    spec.commandLine().getErr().flush();
    return 0;
  }

  private boolean gone(KubernetesClient hub, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (hub.resources(RemoteCluster.class).withName(target.clusterName).get() == null) {
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
