package dev.gantry.api.federation;

import java.util.Map;
import java.util.TreeMap;

/**
 * One endpoint address of one cluster, with the target port for each Service port name (from its
 * EndpointSlice's ports; the empty name for an unnamed port).
 */
public record FederatedEndpoint(
    String address, Map<String, Integer> ports, boolean ready, String zone)
    implements Comparable<FederatedEndpoint> {
  public FederatedEndpoint {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("endpoint address must not be empty");
    }
    ports = java.util.Collections.unmodifiableMap(new TreeMap<>(ports));
  }

  @Override
  public int compareTo(FederatedEndpoint o) {
    return address.compareTo(o.address);
  }
}
