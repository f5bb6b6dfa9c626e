package dev.gantry.api.federation;

import java.util.List;

/**
 * A federated service's endpoints in one cluster (one Envoy locality), with that cluster's routing
 * preference from its RemoteCluster spec and whether its discoverer reports it stale.
 */
public record ClusterEndpoints(
    String cluster, int priority, int weight, boolean stale, List<FederatedEndpoint> endpoints) {
  public static final int DEFAULT_WEIGHT = 1;

  public ClusterEndpoints {
    if (priority < 0) {
      throw new IllegalArgumentException("cluster " + cluster + ": priority must be >= 0");
    }
    if (weight < 1) {
      throw new IllegalArgumentException("cluster " + cluster + ": weight must be >= 1");
    }
    endpoints = endpoints.stream().sorted().toList();
  }
}
