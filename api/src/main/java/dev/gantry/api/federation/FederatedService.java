package dev.gantry.api.federation;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One service as the hub routes to it: its ports and, per cluster (sorted by name), its endpoints.
 * {@code problems} lists what the merge found wrong but survived (e.g. clusters that disagree on
 * ports).
 */
public record FederatedService(
    ServiceName name,
    List<ServicePortSpec> ports,
    Map<String, ClusterEndpoints> clusters,
    List<String> problems) {
  public FederatedService {
    ports = ports.stream().sorted().toList();
    clusters = Collections.unmodifiableMap(new TreeMap<>(clusters));
    problems = List.copyOf(problems);
  }
}
