package dev.gantry.api.federation;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One endpoint address of one cluster, with the target port for each Service port name (from its
 * EndpointSlice's ports; the empty name for an unnamed port) and the traffic its EndpointSlice
 * conditions allow it.
 */
public record FederatedEndpoint(
    String address, Map<String, Integer> ports, FederatedEndpoint.State state, String zone)
    implements Comparable<FederatedEndpoint> {

  /**
   * What an endpoint's conditions let it take, as kube-proxy reads them. Declared best first: when
   * one address is listed twice, the better state counts.
   */
  public enum State {
    /** {@code ready}: takes traffic. */
    READY,
    /**
     * Not ready, but {@code serving} and {@code terminating}: shutting down and still answering.
     * Takes traffic only while the whole load assignment has no ready endpoint, so that the last
     * requests of a service being replaced still find an endpoint (graceful termination).
     */
    SERVING_TERMINATING,
    /** Anything else: never takes traffic, however few endpoints are ready. */
    NOT_READY;

    /** Whether this state is preferred to {@code other}. */
    public boolean betterThan(State other) {
      return compareTo(other) < 0;
    }
  }

  public FederatedEndpoint {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("endpoint address must not be empty");
    }
    Objects.requireNonNull(state, () -> "endpoint " + address + ": state must be set");
    ports = ports(ports);
  }

  // The class of what ports(...) returns: a map of it is a copy no one can change.
  private static final Class<?> PORTS = ports(Map.of()).getClass();

  /**
   * {@code ports} as an endpoint holds them: sorted by name and unchangeable. What this returned is
   * taken as it is, so the endpoints of one EndpointSlice share one map instead of a copy each.
   */
  public static Map<String, Integer> ports(Map<String, Integer> ports) {
    if (ports.getClass() == PORTS) {
      return ports;
    }
    SortedMap<String, Integer> copy = new TreeMap<>(ports);
    return Collections.unmodifiableSortedMap(copy);
  }

  @Override
  public int compareTo(FederatedEndpoint o) {
    return address.compareTo(o.address);
  }
}
