package dev.gantry.discoverer;

import dev.gantry.discoverer.mirror.LabelSelector;
import dev.gantry.discoverer.mirror.MirrorScope;
import dev.gantry.runtime.cli.BuildVersion;
import dev.gantry.runtime.cli.Commands;
import dev.gantry.runtime.cli.FlagValues;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gantry-discoverer}: mirrors one remote cluster's Services into the hub. */
@Command(
    name = "gantry-discoverer",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description =
        "Mirrors one remote cluster's Services and EndpointSlices into the hub cluster,"
            + " as <cluster>-<service> in the same namespace.",
    footer = {
      "",
      "Examples:",
      "  gantry discoverer --cluster-name east --remote-kubeconfig /etc/remote/kubeconfig",
      "  gantry discoverer --cluster-name east --remote-kubeconfig east.kubeconfig \\",
      "      --hub-kubeconfig hub.kubeconfig --namespaces shop,payments --leader-elect"
    },
    subcommands = {LinkCommand.class, UnlinkCommand.class})
public final class DiscovererCommand implements Callable<Integer> {
  // Required, but checked in config(): picocli would also demand them of the link subcommand.
  @Option(
      names = "--cluster-name",
      description = "Name of the remote cluster (a DNS-1123 label starting with a letter).")
  String clusterName;

  @Option(
      names = "--remote-kubeconfig",
      description = "Kubeconfig of the remote cluster; re-read when the file changes.")
  Path remoteKubeconfig;

  @Option(
      names = "--hub-kubeconfig",
      description = "Kubeconfig of the hub (default: " + Commands.AUTO_KUBECONFIG + ").")
  Path hubKubeconfig;

  @Option(
      names = "--namespaces",
      split = ",",
      description = "Only mirror these namespaces (default: all).")
  List<String> namespaces = List.of();

  @Option(
      names = "--exclude-namespaces",
      split = ",",
      description = "Never mirror these (default: ${DEFAULT-VALUE}).",
      defaultValue = "kube-system,kube-public,kube-node-lease")
  List<String> excludeNamespaces;

  @Option(
      names = "--service-selector",
      description = "Label selector a remote Service must match, e.g. 'app=web,tier!=db'.")
  String serviceSelector = "";

  @Option(
      names = "--resync-period",
      description =
          "Full resync and garbage collection period, ISO-8601 or 90s/10m/1h (default: ${DEFAULT-VALUE}).",
      defaultValue = "10m")
  String resyncPeriod;

  @Option(
      names = "--hub-qps",
      description = "Average hub writes per second (default: ${DEFAULT-VALUE}).",
      defaultValue = "500")
  double hubQps;

  @Option(
      names = "--hub-burst",
      description = "Hub writes allowed in a burst (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000")
  int hubBurst;

  @Option(
      names = "--workers",
      description = "Parallel reconcilers (default: ${DEFAULT-VALUE}).",
      defaultValue = "8")
  int workers;

  @Option(
      names = "--metrics-address",
      description = "host:port for /metrics, /healthz, /readyz (default: ${DEFAULT-VALUE}).",
      defaultValue = "127.0.0.1:9090")
  String metricsAddress;

  @Option(
      names = "--leader-elect",
      description = "Hold a Lease in the hub before writing (for replicas > 1).")
  boolean leaderElect;

  @Option(
      names = "--leader-elect-namespace",
      description = "Hub namespace of the Lease (default: ${DEFAULT-VALUE}).",
      defaultValue = "default")
  String leaseNamespace;

  @Option(
      names = "--heartbeat-interval",
      description =
          "How often the RemoteCluster's status.lastHeartbeatTime is renewed; the hub's"
              + " --cluster-heartbeat-timeout must be several times longer (default:"
              + " ${DEFAULT-VALUE}).",
      defaultValue = "10s")
  String heartbeatInterval;

  @Option(
      names = "--create-namespaces",
      negatable = true,
      description = "Create a missing namespace in the hub (default: ${DEFAULT-VALUE}).",
      defaultValue = "true",
      fallbackValue = "true")
  boolean createNamespaces;

  private final CountDownLatch stopped = new CountDownLatch(1);

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Parses and runs; returns the exit code (2 for bad flags, with the reason printed). */
  static int run(String... args) {
    return Commands.execute(new CommandLine(new DiscovererCommand()), args);
  }

  /** As {@link #run(String...)}, printing errors to {@code err} (a seam for tests). */
  static int run(PrintWriter err, String... args) {
    return Commands.execute(new CommandLine(new DiscovererCommand()).setErr(err), args);
  }

  /** As {@link #run(String...)}, with output and errors captured (a seam for tests). */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    return Commands.execute(new CommandLine(new DiscovererCommand()).setOut(out).setErr(err), args);
  }

  DiscovererConfig config() {
    if (clusterName == null) {
      throw new IllegalArgumentException("Missing required option: '--cluster-name=<clusterName>'");
    }
    if (remoteKubeconfig == null) {
      throw new IllegalArgumentException(
          "Missing required option: '--remote-kubeconfig=<remoteKubeconfig>'");
    }
    // isReadable alone accepts a directory, which would only fail once mirroring starts (with
    // --leader-elect, after the lease is won) instead of here with exit code 2.
    if (!Files.isRegularFile(remoteKubeconfig) || !Files.isReadable(remoteKubeconfig)) {
      throw new IllegalArgumentException(
          "--remote-kubeconfig " + remoteKubeconfig + " is not a readable file");
    }
    Set<String> include = new HashSet<>(namespaces);
    Set<String> exclude = include.isEmpty() ? new HashSet<>(excludeNamespaces) : Set.of();
    return DiscovererConfig.builder(clusterName, remoteKubeconfig)
        .hubKubeconfig(hubKubeconfig)
        .scope(new MirrorScope(include, exclude, LabelSelector.parse(serviceSelector)))
        .resyncPeriod(FlagValues.duration("--resync-period", resyncPeriod))
        .hubRate(hubQps, hubBurst)
        .workers(workers)
        .metricsAddress(parseAddress(metricsAddress))
        .leaderElection(leaderElect, leaseNamespace)
        .createNamespaces(createNamespaces)
        .heartbeatInterval(FlagValues.duration("--heartbeat-interval", heartbeatInterval))
        .build();
  }

  @Override
  public Integer call() throws Exception {
    Discoverer discoverer = new Discoverer(config());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  discoverer.close();
                  stopped.countDown();
                },
                "discoverer-shutdown"));
    discoverer.start();
    stopped.await();
    return 0;
  }

  static InetSocketAddress parseAddress(String value) {
    return FlagValues.address("--metrics-address", value);
  }
}
