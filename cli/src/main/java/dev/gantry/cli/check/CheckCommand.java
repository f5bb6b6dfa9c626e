package dev.gantry.cli.check;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.discoverer.HubFlags;
import dev.gantry.runtime.cli.FlagValues;
import dev.gantry.runtime.kube.KubeClients;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gantry check}: whether every linked cluster and the hub work, one line per check, exit 1
 * on any failure.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description =
        "Checks each linked cluster (its kubeconfig Secret, its token's expiry, that the remote"
            + " answers with that identity, may list and watch Services and EndpointSlices and may"
            + " not read Secrets, that its RemoteCluster is Ready and not Stale) and the hub"
            + " (ready, xDS port open, Envoy connected). One line per check, ✓ or ✗ with a hint;"
            + " exits 1 when any check fails.",
    footer = {
      "",
      "Examples:",
      "  gantry check --hub-context hub",
      "  gantry check --hub-context hub --cluster-name east",
      "  kubectl -n gantry-system port-forward deploy/gantry-hub 8081 &",
      "  gantry check --hub-context hub --hub-admin 127.0.0.1:8081"
    })
public final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HubFlags hub;

  @Option(names = "--cluster-name", description = "Check this cluster only (default: every one).")
  String clusterName;

  @Option(
      names = "--hub-admin",
      description =
          "host:port of a hub process's admin port (its --admin-address): checks it is ready and"
              + " Envoy is connected (default: not checked).")
  String hubAdmin;

  @Option(
      names = "--xds-address",
      description = "host:port of the hub's xDS port: checks it accepts connections.")
  String xdsAddress;

  @Option(
      names = "--token-warning",
      defaultValue = "168h",
      description = "A token that expires sooner fails its check (default: ${DEFAULT-VALUE}).")
  String tokenWarning;

  @Option(
      names = "--timeout",
      defaultValue = "5s",
      description = "Longest wait for one answer (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Override
  public Integer call() {
    CheckOptions options =
        new CheckOptions(
            hub.namespace(),
            FlagValues.duration("--token-warning", tokenWarning),
            FlagValues.duration("--timeout", timeout),
            Instant.now());
    for (String[] address :
        new String[][] {{"--hub-admin", hubAdmin}, {"--xds-address", xdsAddress}}) {
      if (address[1] != null && !address[1].matches(".+:[0-9]{1,5}")) {
        throw new IllegalArgumentException(
            address[0] + ": '" + address[1] + "' is not host:port (e.g. 127.0.0.1:8081)");
      }
    }
    Config config = options.bounded(hub.config());
    PrintWriter out = spec.commandLine().getOut();
    Report report = new Report(out);
    report.heading("hub " + ClusterCheck.server(config) + ", namespace " + hub.namespace());
    try (KubernetesClient client = KubeClients.of(config)) {
      if (client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(RemoteCluster.CRD_NAME)
              .get()
          == null) {
        report.fail(
            "the CRD " + RemoteCluster.CRD_NAME + " is not installed",
            "install Gantry's chart in the hub (it installs the CRDs)");
      } else {
        report.pass("the hub's API answers; the RemoteCluster CRD is installed");
        clusters(client, options, report);
      }
    } catch (KubernetesClientException e) {
      report.fail(
          "the hub's API does not answer at "
              + ClusterCheck.server(config)
              + " ("
              + ClusterCheck.brief(e)
              + ")",
          "name the hub with --hub-context or --hub-kubeconfig");
    }
    HubCheck hubCheck = new HubCheck(report, options.timeout());
    if (hubAdmin == null && xdsAddress == null) {
      report.skip("the hub process is not checked: name its admin port with --hub-admin");
    }
    if (hubAdmin != null) {
      hubCheck.admin(hubAdmin);
    }
    if (xdsAddress != null) {
      hubCheck.xds(xdsAddress);
    }
    out.println(
        report.failures() == 0
            ? "all checks passed"
            : report.failures() + " check" + (report.failures() == 1 ? "" : "s") + " failed");
    report.flush();
    return report.failures() == 0 ? 0 : 1;
  }

  private void clusters(KubernetesClient client, CheckOptions options, Report report) {
    Map<String, Secret> secrets = new TreeMap<>();
    for (Secret s :
        client.secrets().inNamespace(hub.namespace()).withLabel(Labels.CLUSTER).list().getItems()) {
      secrets.put(s.getMetadata().getLabels().get(Labels.CLUSTER), s);
    }
    Map<String, RemoteCluster> remotes = new TreeMap<>();
    for (RemoteCluster r : client.resources(RemoteCluster.class).list().getItems()) {
      remotes.put(r.getMetadata().getName(), r);
    }
    TreeSet<String> names = new TreeSet<>(secrets.keySet());
    names.addAll(remotes.keySet());
    if (clusterName != null) {
      names.clear();
      names.add(clusterName);
    }
    if (names.isEmpty()) {
      report.fail(
          "no cluster is linked (no RemoteCluster, no Secret labelled "
              + Labels.CLUSTER
              + " in "
              + options.namespace()
              + ")",
          "link one: gantry link --cluster-name <name> --context <remote> --hub-context <hub>"
              + " --apply");
    }
    for (String name : names) {
      new ClusterCheck(report, options, name).run(secrets.get(name), remotes.get(name));
    }
  }
}
