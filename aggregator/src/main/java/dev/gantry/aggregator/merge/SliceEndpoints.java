package dev.gantry.aggregator.merge;

import dev.gantry.api.federation.FederatedEndpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The endpoints of one Service's EndpointSlices, one per address. */
final class SliceEndpoints {
  private SliceEndpoints() {}

  /**
   * Endpoints of {@code slices} (sorted by name by the caller). Each endpoint takes its slice's
   * ports and the state its conditions give it ({@link #state}).
   */
  static List<FederatedEndpoint> of(List<EndpointSlice> slices, List<String> problems) {
    // Keyed by address: while the EndpointSlice controller moves an endpoint between slices it
    // can appear in two; the copy in the better state wins, else the first in slice-name order.
    Map<String, FederatedEndpoint> byAddress = new LinkedHashMap<>();
    for (EndpointSlice slice : slices) {
      String subject =
          "slice " + slice.getMetadata().getNamespace() + "/" + slice.getMetadata().getName();
      // One map for the slice's endpoints (each would otherwise hold a copy).
      Map<String, Integer> ports = FederatedEndpoint.ports(ports(slice, subject, problems));
      if (slice.getEndpoints() == null) {
        continue;
      }
      for (Endpoint endpoint : slice.getEndpoints()) {
        if (endpoint == null || endpoint.getAddresses() == null) {
          continue;
        }
        FederatedEndpoint.State state = state(endpoint.getConditions());
        for (String address : endpoint.getAddresses()) {
          if (address == null || address.isBlank()) {
            problems.add(subject + ": an endpoint has an empty address; skipped");
            continue;
          }
          FederatedEndpoint candidate =
              new FederatedEndpoint(address, ports, state, endpoint.getZone());
          byAddress.merge(
              address, candidate, (old, now) -> now.state().betterThan(old.state()) ? now : old);
        }
      }
    }
    return new ArrayList<>(byAddress.values());
  }

  /**
   * The state Kubernetes' EndpointConditions give an endpoint, read as kube-proxy reads them: a
   * missing {@code ready} or {@code serving} means true, a missing {@code terminating} false (so an
   * endpoint without conditions is ready).
   */
  static FederatedEndpoint.State state(EndpointConditions conditions) {
    if (conditions == null || !Boolean.FALSE.equals(conditions.getReady())) {
      return FederatedEndpoint.State.READY;
    }
    boolean serving = !Boolean.FALSE.equals(conditions.getServing());
    boolean terminating = Boolean.TRUE.equals(conditions.getTerminating());
    return serving && terminating
        ? FederatedEndpoint.State.SERVING_TERMINATING
        : FederatedEndpoint.State.NOT_READY;
  }

  private static Map<String, Integer> ports(
      EndpointSlice slice, String subject, List<String> problems) {
    Map<String, Integer> ports = new TreeMap<>();
    if (slice.getPorts() == null) {
      return ports;
    }
    for (EndpointPort port : slice.getPorts()) {
      if (port == null) {
        continue;
      }
      String name = PortSpecs.nullToEmpty(port.getName());
      Integer number = port.getPort();
      if (number == null || number < 1 || number > 65535) {
        problems.add(
            "%s: port '%s' has number %s, not 1-65535; skipped".formatted(subject, name, number));
        continue;
      }
      ports.put(name, number);
    }
    return ports;
  }
}
