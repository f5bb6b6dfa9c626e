package dev.gantry.e2e;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.discoverer.DiscovererCommand;
import dev.gantry.hub.HubCommand;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;

/**
 * Gantry on one machine as operators run it: a {@code gantry-discoverer} process per remote cluster
 * and a {@code gantry-hub} process, each a JVM of its own started with the given JVM options and
 * the command's flags, plus Envoys bootstrapped over ADS. Unlike {@link LocalGantry} (everything in
 * the caller's JVM), each process can be measured ({@link JvmProcess}) and killed on its own.
 */
public final class GantryProcesses implements AutoCloseable {
  private final Testbed testbed;
  private final KubeCluster hubCluster;
  private final Path dir;
  private final Options options;
  private final int httpPort = Ports.freeLoopbackPort();
  private final List<Integer> xdsPorts = new ArrayList<>();
  private final Map<String, Path> remoteKubeconfigs = new TreeMap<>();
  // By replica: "east" with one replica per remote, "east-0", "east-1"... with more.
  private final Map<String, JvmProcess> discoverers = new TreeMap<>();
  private final List<JvmProcess> hubs = new ArrayList<>();
  private final List<Envoy> envoys = new ArrayList<>();
  private final Backends backends;
  private final ClusterObjects objects;
  private final Traffic traffic = new Traffic(httpPort);
  private Path launcher;

  /**
   * How the processes run.
   *
   * @param hubJvm JVM options of the hub, e.g. the heap the chart gives it
   * @param discovererJvm JVM options of each discoverer
   * @param holdoff the hub's {@code --holdoff}
   * @param namespaces the namespaces the discoverers mirror
   * @param hubArgs more flags of the hub
   * @param discovererArgs more flags of each discoverer
   * @param hubReplicas hub processes; more than one run with {@code --leader-elect}
   * @param discovererReplicas discoverer processes per remote; more than one run with {@code
   *     --leader-elect}
   * @param xdsTls the hubs serve xDS over mutual TLS, as the chart has them do (certificates by
   *     {@code gantry certgen}), and the Envoys connect with theirs; else over plain text
   */
  public record Options(
      List<String> hubJvm,
      List<String> discovererJvm,
      Duration holdoff,
      List<String> namespaces,
      List<String> hubArgs,
      List<String> discovererArgs,
      int hubReplicas,
      int discovererReplicas,
      boolean xdsTls) {
    public Options {
      if (hubReplicas < 1 || discovererReplicas < 1) {
        throw new IllegalArgumentException("at least one replica of each");
      }
      hubJvm = List.copyOf(hubJvm);
      discovererJvm = List.copyOf(discovererJvm);
      namespaces = List.copyOf(namespaces);
      hubArgs = List.copyOf(hubArgs);
      discovererArgs = List.copyOf(discovererArgs);
    }

    /** These options, with xDS over mutual TLS or not. */
    public Options withXdsTls(boolean tls) {
      return new Options(
          hubJvm,
          discovererJvm,
          holdoff,
          namespaces,
          hubArgs,
          discovererArgs,
          hubReplicas,
          discovererReplicas,
          tls);
    }

    public Options(
        List<String> hubJvm,
        List<String> discovererJvm,
        Duration holdoff,
        List<String> namespaces) {
      this(hubJvm, discovererJvm, holdoff, namespaces, List.of(), List.of(), 1, 1, false);
    }

    public Options(
        List<String> hubJvm,
        List<String> discovererJvm,
        Duration holdoff,
        List<String> namespaces,
        List<String> hubArgs,
        List<String> discovererArgs) {
      this(hubJvm, discovererJvm, holdoff, namespaces, hubArgs, discovererArgs, 1, 1, false);
    }
  }

  private GantryProcesses(Testbed testbed, String hubName, Options options) {
    this.testbed = testbed;
    this.hubCluster = testbed.cluster(hubName);
    this.dir = testbed.directory().resolve("gantry-processes");
    this.options = options;
    this.backends = new Backends(dir);
    this.objects = new ClusterObjects(testbed, hubCluster, backends::address);
    for (int i = 0; i < options.hubReplicas(); i++) {
      xdsPorts.add(Ports.freeLoopbackPort());
      hubs.add(null);
    }
  }

  /**
   * Installs the CRDs and namespaces, starts a discoverer process per remote and the hub process,
   * and returns once every process is ready.
   */
  public static GantryProcesses start(
      Testbed testbed, String hubName, List<String> remotes, Options options) {
    GantryProcesses gantry = new GantryProcesses(testbed, hubName, options);
    try {
      gantry.startAll(remotes);
      return gantry;
    } catch (RuntimeException e) {
      gantry.close();
      throw e;
    }
  }

  /**
   * Gantry not yet started, for settings that must come first (e.g. {@link #remoteKubeconfig});
   * {@link #startAll} starts it.
   */
  public static GantryProcesses prepare(Testbed testbed, String hubName, Options options) {
    return new GantryProcesses(testbed, hubName, options);
  }

  /**
   * Installs the CRDs and namespaces, starts the discoverers of {@code remotes} and the hub, and
   * returns once every process is ready.
   */
  public void startAll(List<String> remotes) {
    KubernetesClient hubClient = hubCluster.client();
    Crds.install(hubClient, RemoteCluster.CRD_NAME, HTTPProxy.CRD_NAME, ServiceImport.CRD_NAME);
    options.namespaces().forEach(ns -> createNamespace(hubClient, ns));
    for (String remote : remotes) {
      options.namespaces().forEach(ns -> createNamespace(testbed.cluster(remote).client(), ns));
      for (String replica : replicas(remote)) {
        startDiscoverer(replica);
      }
    }
    discoverers.values().forEach(d -> d.awaitReady(Duration.ofMinutes(20)));
    startHub();
  }

  /** The replica names of {@code remote}'s discoverer: the remote itself, or remote-0, -1... */
  public List<String> replicas(String remote) {
    if (options.discovererReplicas() == 1) {
      return List.of(remote);
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < options.discovererReplicas(); i++) {
      names.add(remote + "-" + i);
    }
    return names;
  }

  private String remoteOf(String replica) {
    return options.discovererReplicas() == 1
        ? replica
        : replica.substring(0, replica.lastIndexOf('-'));
  }

  /**
   * Runs the hub and the discoverers started from now on as {@code gantry hub} and {@code gantry
   * discoverer} through {@code launcher} (a distribution's {@code bin/gantry}), as a user does,
   * instead of on this JVM's class path.
   */
  public void launcher(Path launcher) {
    this.launcher = launcher;
  }

  /**
   * The kubeconfig {@code remote}'s discoverers read from now on (default: the remote's admin
   * kubeconfig); a discoverer re-reads the file when its content changes.
   */
  public void remoteKubeconfig(String remote, Path kubeconfig) {
    remoteKubeconfigs.put(remote, kubeconfig);
  }

  /**
   * Starts the discoverer replica {@code replica} (see {@link #replicas}; again after {@link
   * #killDiscoverer}); does not wait for it to be ready (it is not while its remote is down).
   */
  public JvmProcess startDiscoverer(String replica) {
    String remote = remoteOf(replica);
    KubeCluster cluster = testbed.cluster(remote);
    int port = Ports.freeLoopbackPort();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--cluster-name=" + remote,
                "--remote-kubeconfig="
                    + remoteKubeconfigs.getOrDefault(remote, cluster.adminKubeconfigFile()),
                "--hub-kubeconfig=" + hubCluster.adminKubeconfigFile(),
                "--namespaces=" + String.join(",", options.namespaces()),
                "--metrics-address=127.0.0.1:" + port));
    if (options.discovererReplicas() > 1) {
      args.add("--leader-elect");
    }
    args.addAll(options.discovererArgs());
    JvmProcess process =
        launcher != null
            ? JvmProcess.launch(
                "discoverer-" + replica,
                launcher,
                "discoverer",
                options.discovererJvm(),
                args,
                port,
                dir)
            : JvmProcess.start(
                "discoverer-" + replica,
                options.discovererJvm(),
                DiscovererCommand.class,
                args,
                port,
                dir);
    discoverers.put(replica, process);
    return process;
  }

  /** Kills the discoverer replica {@code replica} with SIGKILL. */
  public void killDiscoverer(String replica) {
    JvmProcess process = discoverers.remove(replica);
    if (process != null) {
      process.kill();
    }
  }

  /** Starts every hub replica (after {@link #stopHub}) on the same ports; returns once ready. */
  public void startHub() {
    for (int i = 0; i < hubs.size(); i++) {
      startHub(i);
    }
    hubs.forEach(h -> h.awaitReady(Duration.ofMinutes(20)));
  }

  /** Starts hub replica {@code i} on its xDS port; does not wait for it to be ready. */
  public JvmProcess startHub(int i) {
    int admin = Ports.freeLoopbackPort();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--hub-kubeconfig=" + hubCluster.adminKubeconfigFile(),
                "--xds-address=127.0.0.1:" + xdsPorts.get(i),
                "--admin-address=127.0.0.1:" + admin,
                "--holdoff=" + options.holdoff().toMillis() + "ms",
                "--envoy-http-address=127.0.0.1",
                "--envoy-http-port=" + httpPort));
    if (hubs.size() > 1) {
      args.add("--leader-elect");
    }
    if (options.xdsTls()) {
      Path tls = xdsTls();
      args.add("--xds-tls-cert=" + tls.resolve("hub.crt"));
      args.add("--xds-tls-key=" + tls.resolve("hub.key"));
      args.add("--xds-tls-ca=" + tls.resolve("ca.crt"));
    } else {
      args.add("--xds-insecure");
    }
    args.addAll(options.hubArgs());
    String name = hubs.size() == 1 ? "hub" : "hub-" + i;
    JvmProcess hub =
        launcher != null
            ? JvmProcess.launch(name, launcher, "hub", options.hubJvm(), args, admin, dir)
            : JvmProcess.start(name, options.hubJvm(), HubCommand.class, args, admin, dir);
    hubs.set(i, hub);
    return hub;
  }

  /** Stops every hub replica (SIGTERM); Envoys reconnect when they are started again. */
  public void stopHub() {
    hubs.forEach(
        h -> {
          if (h != null) h.close();
        });
  }

  /** Kills hub replica {@code i} with SIGKILL. */
  public void killHub(int i) {
    JvmProcess hub = hubs.get(i);
    if (hub != null) {
      hub.kill();
      hubs.set(i, null);
    }
  }

  /**
   * Starts an Envoy that takes its configuration from the hub over ADS.
   *
   * @param apiType {@code GRPC} (state of the world) or {@code DELTA_GRPC}
   */
  public Envoy startEnvoy(String name, String apiType) {
    String bootstrap;
    if (options.xdsTls()) {
      Path tls = xdsTls();
      bootstrap =
          Envoy.adsBootstrapTls(
              name,
              apiType,
              xdsPorts,
              tls.resolve("envoy.crt"),
              tls.resolve("envoy.key"),
              tls.resolve("ca.crt"));
    } else {
      bootstrap = Envoy.adsBootstrap(name, apiType, xdsPorts);
    }
    Envoy envoy = Envoy.start(name, bootstrap, dir);
    envoys.add(envoy);
    return envoy;
  }

  /**
   * The directory of the xDS certificates ({@code gantry certgen}: a CA, the hubs' serving pair and
   * the Envoys' client pair), made the first time it is asked for.
   */
  private synchronized Path xdsTls() {
    Path tls = dir.resolve("xds-tls");
    if (!Files.exists(tls.resolve("ca.crt"))) {
      int code =
          new CommandLine(new HubCommand())
              .execute("certgen", "--output-dir=" + tls, "--dns-name=localhost");
      if (code != 0) {
        throw new IllegalStateException("gantry certgen failed with exit code " + code);
      }
    }
    return tls;
  }

  /** The Envoys started by {@link #startEnvoy} and not stopped. */
  public List<Envoy> envoys() {
    return List.copyOf(envoys);
  }

  /** Stops an Envoy started by {@link #startEnvoy}. */
  public void stopEnvoy(Envoy envoy) {
    envoys.remove(envoy);
    envoy.close();
  }

  /** The xDS port of hub replica {@code i}. */
  public int xdsPort(int i) {
    return xdsPorts.get(i);
  }

  public int httpPort() {
    return httpPort;
  }

  /** HTTP and gRPC backends in network namespaces; stopped by {@link #close()}. */
  public Backends backends() {
    return backends;
  }

  /** Writes Services and EndpointSlices into the remotes and HTTPProxies into the hub. */
  public ClusterObjects objects() {
    return objects;
  }

  /** Requests through the Envoys' {@code ingress_http} listener. */
  public Traffic traffic() {
    return traffic;
  }

  /** The first hub replica (the only one unless {@code hubReplicas} > 1). */
  public JvmProcess hub() {
    return hubs.get(0);
  }

  /** The hub replicas by index; null where one was killed. */
  public List<JvmProcess> hubs() {
    return new ArrayList<>(hubs);
  }

  /** The running discoverer processes by replica name (see {@link #replicas}). */
  public Map<String, JvmProcess> discoverers() {
    return Map.copyOf(discoverers);
  }

  public KubernetesClient hubClient() {
    return hubCluster.client();
  }

  private static void createNamespace(KubernetesClient client, String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .serverSideApply();
  }

  @Override
  public void close() {
    envoys.forEach(Envoy::close);
    envoys.clear();
    stopHub();
    discoverers.values().forEach(JvmProcess::close);
    discoverers.clear();
    backends.close();
  }
}
