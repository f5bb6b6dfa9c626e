package dev.gantry.api.federation;

import java.util.List;

/**
 * A federated service's endpoints in one cluster (one Envoy locality), with that cluster's routing
 * preference from its RemoteCluster spec and whether its discoverer reports it stale.
 *
 * @param externalName the DNS name of the cluster's Service when it is of type {@code ExternalName}
 *     (then it has no endpoints: Envoy resolves the name itself); null otherwise
 * @param dnsName the name the hub's cluster DNS serves for the cluster's headless Service (its
 *     mirror, or the hub's own) when that Service asks to be resolved by DNS rather than given
 *     endpoints ({@link dev.gantry.api.Labels#UPSTREAM_DISCOVERY}); its endpoints stay, for when
 *     the federated service is not resolved by DNS as a whole; null otherwise
 */
public record ClusterEndpoints(
    String cluster,
    int priority,
    int weight,
    boolean stale,
    List<FederatedEndpoint> endpoints,
    String externalName,
    String dnsName) {
  public static final int DEFAULT_WEIGHT = 1;

  public ClusterEndpoints {
    if (priority < 0) {
      throw new IllegalArgumentException("cluster " + cluster + ": priority must be >= 0");
    }
    if (weight < 1) {
      throw new IllegalArgumentException("cluster " + cluster + ": weight must be >= 1");
    }
    endpoints = endpoints.stream().sorted().toList();
    if (externalName != null && !endpoints.isEmpty()) {
      throw new IllegalArgumentException(
          "cluster " + cluster + ": an ExternalName Service has no endpoints");
    }
    if (externalName != null && dnsName != null) {
      throw new IllegalArgumentException(
          "cluster " + cluster + ": an ExternalName Service is not a headless one");
    }
  }

  /** A cluster of endpoints, or an ExternalName Service's (not resolved by the hub's DNS). */
  public ClusterEndpoints(
      String cluster,
      int priority,
      int weight,
      boolean stale,
      List<FederatedEndpoint> endpoints,
      String externalName) {
    this(cluster, priority, weight, stale, endpoints, externalName, null);
  }

  /** A cluster of endpoints (not an ExternalName Service). */
  public ClusterEndpoints(
      String cluster, int priority, int weight, boolean stale, List<FederatedEndpoint> endpoints) {
    this(cluster, priority, weight, stale, endpoints, null, null);
  }

  /** Whether this cluster's Service is of type ExternalName. */
  public boolean external() {
    return externalName != null;
  }
}
