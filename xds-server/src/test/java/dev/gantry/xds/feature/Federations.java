package dev.gantry.xds.feature;

import dev.gantry.api.MirrorNames;
import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederatedEndpoint;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.federation.ServicePortSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Federation snapshots as the aggregator merges them: a service present in several clusters is one
 * federated service with a locality per cluster, and each remote cluster's copy is also a hub
 * Service of its own, the mirror {@code <cluster>-<service>}; the hub's own Service (cluster {@code
 * hub}) keeps its name.
 */
final class Federations {
  private Federations() {}

  /**
   * The federation most feature tests route to. Target ports: {@code http} 8080 for kuard and
   * billing, 9090 for echo; {@code https} 8443 for tlsapp.
   *
   * <pre>
   * service        port        cluster  priority weight  endpoints
   * demo/kuard     http 80     east     0        1       10.1.0.1 ready, 10.1.0.2 not ready
   *                            west     0        3       10.2.0.1 ready, 10.2.0.2 serving+terminating
   *                            north    1        1       10.3.0.1 ready
   * demo/echo      http 80     east     0        1       10.1.1.1 ready
   *                            west     0        3       10.2.1.1 ready
   * demo/tlsapp    https 443   east     0        1       10.1.2.1 ready
   *                            west     0        3       10.2.2.1 ready
   * team/billing   http 80     hub      0        1       10.0.0.5 ready
   *                            east     0        1       10.1.3.1 ready
   * </pre>
   */
  static FederationSnapshot standard() {
    return new Builder()
        .service("demo/kuard", port("http", 80))
        .in("east", 0, 1, ready("10.1.0.1", "http", 8080), notReady("10.1.0.2", "http", 8080))
        .in("west", 0, 3, ready("10.2.0.1", "http", 8080), terminating("10.2.0.2", "http", 8080))
        .in("north", 1, 1, ready("10.3.0.1", "http", 8080))
        .service("demo/echo", port("http", 80))
        .in("east", 0, 1, ready("10.1.1.1", "http", 9090))
        .in("west", 0, 3, ready("10.2.1.1", "http", 9090))
        .service("demo/tlsapp", port("https", 443))
        .in("east", 0, 1, ready("10.1.2.1", "https", 8443))
        .in("west", 0, 3, ready("10.2.2.1", "https", 8443))
        .service("team/billing", port("http", 80))
        .in(FederationSnapshot.LOCAL_CLUSTER, 0, 1, ready("10.0.0.5", "http", 8080))
        .in("east", 0, 1, ready("10.1.3.1", "http", 8080))
        .build();
  }

  static ServicePortSpec port(String name, int port) {
    return new ServicePortSpec(name, port, "TCP", null);
  }

  static FederatedEndpoint ready(String address, String portName, int targetPort) {
    return endpoint(address, portName, targetPort, FederatedEndpoint.State.READY);
  }

  static FederatedEndpoint notReady(String address, String portName, int targetPort) {
    return endpoint(address, portName, targetPort, FederatedEndpoint.State.NOT_READY);
  }

  static FederatedEndpoint terminating(String address, String portName, int targetPort) {
    return endpoint(address, portName, targetPort, FederatedEndpoint.State.SERVING_TERMINATING);
  }

  private static FederatedEndpoint endpoint(
      String address, String portName, int targetPort, FederatedEndpoint.State state) {
    return new FederatedEndpoint(address, Map.of(portName, targetPort), state, null);
  }

  /** Services one by one, each followed by the clusters it runs in. */
  static final class Builder {
    private final Map<ServiceName, FederatedService> federated = new TreeMap<>();
    private final Map<ServiceName, FederatedService> hub = new TreeMap<>();
    private ServiceName current;
    private List<ServicePortSpec> ports;
    private final Map<String, ClusterEndpoints> clusters = new TreeMap<>();

    /** Starts a service {@code namespace/name} with these ports. */
    Builder service(String key, ServicePortSpec... servicePorts) {
      finish();
      String[] parts = key.split("/");
      current = ServiceName.of(parts[0], parts[1]);
      ports = List.of(servicePorts);
      return this;
    }

    /** The current service's endpoints in {@code cluster}, with that cluster's preference. */
    Builder in(String cluster, int priority, int weight, FederatedEndpoint... endpoints) {
      clusters.put(
          cluster, new ClusterEndpoints(cluster, priority, weight, false, List.of(endpoints)));
      return this;
    }

    FederationSnapshot build() {
      finish();
      return new FederationSnapshot(federated, hub);
    }

    private void finish() {
      if (current == null) {
        return;
      }
      federated.put(current, new FederatedService(current, ports, clusters, List.of()));
      clusters.forEach(
          (cluster, endpoints) -> {
            ServiceName name =
                cluster.equals(FederationSnapshot.LOCAL_CLUSTER)
                    ? current
                    : ServiceName.of(
                        current.namespace(),
                        MirrorNames.mirrorServiceName(cluster, current.name()));
            hub.put(name, new FederatedService(name, ports, Map.of(cluster, endpoints), List.of()));
          });
      clusters.clear();
      current = null;
    }
  }
}
