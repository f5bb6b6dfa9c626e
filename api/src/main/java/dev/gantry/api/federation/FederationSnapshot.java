package dev.gantry.api.federation;

import dev.gantry.api.MirrorNames;
import java.util.Map;
import org.pcollections.PSortedMap;
import org.pcollections.TreePMap;

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
 *
 * Both maps are persistent ({@link PSortedMap}): the next snapshot shares everything but what
 * changed ({@link #with}), so a change costs its own services, not a copy of the federation.
 */
public record FederationSnapshot(
    PSortedMap<ServiceName, FederatedService> federated,
    PSortedMap<ServiceName, FederatedService> hubServices) {
  /** Cluster name under which the hub's own Services appear. */
  public static final String LOCAL_CLUSTER = MirrorNames.LOCAL_CLUSTER;

  private static final FederationSnapshot EMPTY =
      new FederationSnapshot(TreePMap.empty(), TreePMap.empty());

  /** A snapshot of these maps (copied, sorted by name). */
  public FederationSnapshot(
      Map<ServiceName, FederatedService> federated,
      Map<ServiceName, FederatedService> hubServices) {
    this(TreePMap.from(federated), TreePMap.from(hubServices));
  }

  public static FederationSnapshot empty() {
    return EMPTY;
  }

  /**
   * This snapshot with the federated service and the hub Service of each name set to the given
   * value, or removed where the value is null.
   */
  public FederationSnapshot with(
      Map<ServiceName, FederatedService> federatedChanges,
      Map<ServiceName, FederatedService> hubChanges) {
    return new FederationSnapshot(
        apply(federated, federatedChanges), apply(hubServices, hubChanges));
  }

  private static PSortedMap<ServiceName, FederatedService> apply(
      PSortedMap<ServiceName, FederatedService> map, Map<ServiceName, FederatedService> changes) {
    for (Map.Entry<ServiceName, FederatedService> e : changes.entrySet()) {
      map = e.getValue() == null ? map.minus(e.getKey()) : map.plus(e.getKey(), e.getValue());
    }
    return map;
  }
}
