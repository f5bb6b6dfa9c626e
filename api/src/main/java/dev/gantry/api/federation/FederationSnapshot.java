package dev.gantry.api.federation;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The aggregator's immutable output, the one type the xDS server reads.
 *
 * <ul>
 *   <li>{@code federated}: by source name {@code ns/svc}, every cluster's mirrors of {@code svc}
 *       merged (and the hub's own {@code ns/svc}, as cluster {@link #LOCAL_CLUSTER}), one entry per
 *       cluster;
 *   <li>{@code hubServices}: every Service in the hub by its own name, mirrors ({@code
 *       ns/east-svc}, one cluster) and the hub's own Services alike, for routes that name one
 *       cluster's mirror.
 * </ul>
 */
public record FederationSnapshot(
    Map<ServiceName, FederatedService> federated, Map<ServiceName, FederatedService> hubServices) {
  /** Cluster name under which the hub's own Services appear. */
  public static final String LOCAL_CLUSTER = "hub";

  public FederationSnapshot {
    federated = Collections.unmodifiableMap(new TreeMap<>(federated));
    hubServices = Collections.unmodifiableMap(new TreeMap<>(hubServices));
  }

  public static FederationSnapshot empty() {
    return new FederationSnapshot(Map.of(), Map.of());
  }
}
