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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
  private final int xdsPort = Ports.freeLoopbackPort();
  private final Map<String, JvmProcess> discoverers = new TreeMap<>();
  private final List<Envoy> envoys = new ArrayList<>();
  private JvmProcess hub;

  /**
   * How the processes run.
   *
   * @param hubJvm JVM options of the hub, e.g. the heap the chart gives it
   * @param discovererJvm JVM options of each discoverer
   * @param holdoff the hub's {@code --holdoff}
   * @param namespaces the namespaces the discoverers mirror
   */
  public record Options(
      List<String> hubJvm, List<String> discovererJvm, Duration holdoff, List<String> namespaces) {
    public Options {
      hubJvm = List.copyOf(hubJvm);
      discovererJvm = List.copyOf(discovererJvm);
      namespaces = List.copyOf(namespaces);
    }
  }

  private GantryProcesses(Testbed testbed, String hubName, Options options) {
    this.testbed = testbed;
    this.hubCluster = testbed.cluster(hubName);
    this.dir = testbed.directory().resolve("gantry-processes");
    this.options = options;
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

  private void startAll(List<String> remotes) {
    KubernetesClient hubClient = hubCluster.client();
    Crds.install(hubClient, RemoteCluster.CRD_NAME, HTTPProxy.CRD_NAME, ServiceImport.CRD_NAME);
    options.namespaces().forEach(ns -> createNamespace(hubClient, ns));
    for (String remote : remotes) {
      KubeCluster cluster = testbed.cluster(remote);
      options.namespaces().forEach(ns -> createNamespace(cluster.client(), ns));
      int port = Ports.freeLoopbackPort();
      JvmProcess process =
          JvmProcess.start(
              "discoverer-" + remote,
              options.discovererJvm(),
              DiscovererCommand.class,
              List.of(
                  "--cluster-name=" + remote,
                  "--remote-kubeconfig=" + cluster.adminKubeconfigFile(),
                  "--hub-kubeconfig=" + hubCluster.adminKubeconfigFile(),
                  "--namespaces=" + String.join(",", options.namespaces()),
                  "--metrics-address=127.0.0.1:" + port),
              port,
              dir);
      discoverers.put(remote, process);
    }
    discoverers.values().forEach(d -> d.awaitReady(Duration.ofMinutes(20)));
    startHub();
  }

  /** Starts the hub process (after {@link #stopHub}) on the same ports; returns once ready. */
  public void startHub() {
    int admin = Ports.freeLoopbackPort();
    hub =
        JvmProcess.start(
            "hub",
            options.hubJvm(),
            HubCommand.class,
            List.of(
                "--hub-kubeconfig=" + hubCluster.adminKubeconfigFile(),
                "--xds-address=127.0.0.1:" + xdsPort,
                "--xds-insecure",
                "--admin-address=127.0.0.1:" + admin,
                "--holdoff=" + options.holdoff().toMillis() + "ms",
                "--envoy-http-address=127.0.0.1",
                "--envoy-http-port=" + httpPort),
            admin,
            dir);
    hub.awaitReady(Duration.ofMinutes(20));
  }

  /** Stops the hub process (SIGTERM); Envoys reconnect when it is started again. */
  public void stopHub() {
    hub.close();
  }

  /**
   * Starts an Envoy that takes its configuration from the hub over ADS.
   *
   * @param apiType {@code GRPC} (state of the world) or {@code DELTA_GRPC}
   */
  public Envoy startEnvoy(String name, String apiType) {
    Envoy envoy = Envoy.start(name, Envoy.adsBootstrap(name, apiType, xdsPort), dir);
    envoys.add(envoy);
    return envoy;
  }

  /** Stops an Envoy started by {@link #startEnvoy}. */
  public void stopEnvoy(Envoy envoy) {
    envoys.remove(envoy);
    envoy.close();
  }

  public int httpPort() {
    return httpPort;
  }

  public JvmProcess hub() {
    return hub;
  }

  /** The discoverer processes by cluster name. */
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
    if (hub != null) {
      hub.close();
    }
    discoverers.values().forEach(JvmProcess::close);
    discoverers.clear();
  }
}
