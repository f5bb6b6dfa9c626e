package dev.gantry.e2e;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.discoverer.Discoverer;
import dev.gantry.discoverer.DiscovererConfig;
import dev.gantry.discoverer.mirror.LabelSelector;
import dev.gantry.discoverer.mirror.MirrorScope;
import dev.gantry.hub.Hub;
import dev.gantry.hub.HubConfig;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * The whole of Gantry on one machine, from real parts: a discoverer per remote cluster and the hub
 * process (in this JVM), an Envoy bootstrapped over ADS (its own process), and HTTP backends in
 * network namespaces registered as endpoints in the remote clusters. Used by the end-to-end tests
 * and the demo.
 *
 * <p>Every backend answers with its own name (e.g. {@code east-1}), so a response tells which
 * cluster served it. Services live in {@link #NAMESPACE}, listen on port 80 and target port {@link
 * #BACKEND_PORT}; {@link #objects()} writes them and the HTTPProxies that route to them.
 */
public final class LocalGantry implements AutoCloseable {
  public static final String NAMESPACE = "demo";

  /** A second namespace the discoverers mirror, for HTTPProxies delegating across namespaces. */
  public static final String TEAM_NAMESPACE = "team";

  public static final int BACKEND_PORT = Backends.HTTP_PORT;
  public static final int GRPC_PORT = Backends.GRPC_PORT;

  private final Testbed testbed;
  private final KubeCluster hubCluster;
  private final Path dir;
  private final int httpPort = Ports.freeLoopbackPort();
  private final Map<String, Discoverer> discoverers = new TreeMap<>();
  private final Backends backends;
  private final Traffic traffic = new Traffic(httpPort);
  private final List<Envoy> envoys = new ArrayList<>();
  private final Duration holdoff;
  private final ClusterObjects objects;
  private Hub hub;

  private LocalGantry(Testbed testbed, String hubName, Duration holdoff) {
    this.testbed = testbed;
    this.holdoff = holdoff;
    this.hubCluster = testbed.cluster(hubName);
    this.dir = testbed.directory().resolve("gantry");
    this.backends = new Backends(dir);
    this.objects = new ClusterObjects(testbed, hubCluster, backends::address);
  }

  /**
   * Starts the hub process and a discoverer for each remote cluster of {@code testbed}, and waits
   * until the hub serves a snapshot built from synced caches.
   */
  public static LocalGantry start(Testbed testbed, String hubName, List<String> remotes) {
    return start(testbed, hubName, remotes, Duration.ofMillis(10));
  }

  /** As {@link #start(Testbed, String, List)} with the hub's {@code --holdoff}. */
  public static LocalGantry start(
      Testbed testbed, String hubName, List<String> remotes, Duration holdoff) {
    LocalGantry gantry = new LocalGantry(testbed, hubName, holdoff);
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
    // Gateway API's too, so that the demo's and the tests' routes may come from either API.
    Crds.installGatewayApi(hubClient);
    createNamespace(hubClient);
    for (String remote : remotes) {
      KubeCluster cluster = testbed.cluster(remote);
      createNamespace(cluster.client());
      discoverers.put(
          remote,
          new Discoverer(
                  DiscovererConfig.builder(remote, cluster.adminKubeconfigFile())
                      .hubKubeconfig(hubCluster.adminKubeconfigFile())
                      .scope(
                          new MirrorScope(
                              Set.of(NAMESPACE, TEAM_NAMESPACE),
                              Set.of(),
                              LabelSelector.everything()))
                      .metricsAddress(new InetSocketAddress("127.0.0.1", 0))
                      .intervals(
                          Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1))
                      .build())
              .start());
    }
    startHub();
  }

  /** Starts the hub process (after {@link #stopHub}); returns once it is ready. */
  public void startHub() {
    hub =
        new Hub(
                new HubConfig(
                    new InetSocketAddress("127.0.0.1", 0),
                    new InetSocketAddress("127.0.0.1", 0),
                    holdoff,
                    null,
                    "gantry",
                    "127.0.0.1",
                    httpPort,
                    8443,
                    null,
                    null),
                hubCluster.client())
            .start();
    awaitTrue("the hub to be ready", Duration.ofSeconds(60), hub::ready);
  }

  /**
   * Stops the hub process and starts a new one on the same hub apiserver and Envoy listener port;
   * returns once it is ready. Envoys connected to the old one must be started again (the xDS port
   * changes).
   */
  public void restartHub() {
    stopHub();
    startHub();
  }

  /** Stops the hub process; Envoys connected to it lose their xDS server. */
  public void stopHub() {
    hub.close();
  }

  private static void createNamespace(KubernetesClient client) {
    for (String name : List.of(NAMESPACE, TEAM_NAMESPACE)) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .serverSideApply();
    }
  }

  /**
   * Starts an Envoy that takes its configuration from the hub over ADS.
   *
   * @param apiType {@code GRPC} (state of the world) or {@code DELTA_GRPC}
   */
  public Envoy startEnvoy(String name, String apiType) {
    Envoy envoy = Envoy.start(name, Envoy.adsBootstrap(name, apiType, hub.xdsPort()), dir);
    envoys.add(envoy);
    return envoy;
  }

  /** Stops an Envoy started by {@link #startEnvoy}. */
  public void stopEnvoy(Envoy envoy) {
    envoys.remove(envoy);
    envoy.close();
  }

  /**
   * Starts an HTTP backend answering {@code name} in a network namespace of its own.
   *
   * @return its address, the one to put in an EndpointSlice
   */
  public String startBackend(String name) {
    return backends.startHttp(name);
  }

  /** See {@link Backends#stop}. */
  public void stopBackend(String name) {
    backends.stop(name);
  }

  /** See {@link Backends#startGrpc}. */
  public String startGrpcBackend(String name) {
    return backends.startGrpc(name);
  }

  public String backendAddress(String name) {
    return backends.address(name);
  }

  /** GET through the Envoys' {@code ingress_http} listener. */
  public HttpResponse<String> get(String host, String path) throws Exception {
    return traffic.get(host, path);
  }

  /**
   * Sends {@code requests} GETs and counts the answers: the body of a 200 (the backend's name), or
   * {@code status-<code>}, or {@code error} when the request failed.
   */
  public Map<String, Integer> tally(String host, String path, int requests) {
    return traffic.tally(host, path, requests);
  }

  public int httpPort() {
    return httpPort;
  }

  public Hub hub() {
    return hub;
  }

  public KubernetesClient hubClient() {
    return hubCluster.client();
  }

  public KubernetesClient remoteClient(String cluster) {
    return testbed.cluster(cluster).client();
  }

  public Discoverer discoverer(String cluster) {
    return discoverers.get(cluster);
  }

  public Testbed testbed() {
    return testbed;
  }

  /** Writes Services and EndpointSlices into the remotes and HTTPProxies into the hub. */
  public ClusterObjects objects() {
    return objects;
  }

  private static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }

  @Override
  public void close() {
    envoys.forEach(Envoy::close);
    envoys.clear();
    if (hub != null) {
      hub.close();
    }
    discoverers.values().forEach(Discoverer::close);
    discoverers.clear();
    backends.close();
  }
}
