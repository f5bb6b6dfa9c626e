package dev.gantry.xds.translate;

import com.google.protobuf.UInt32Value;
import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederatedEndpoint;
import dev.gantry.xds.model.Upstream;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * ClusterLoadAssignments: one locality per source cluster (region = cluster name) with that
 * cluster's priority and weight; endpoints at the target port named like the service port.
 */
public final class EndpointTranslator {
  private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  private static final Pattern IPV4 = Pattern.compile("(" + OCTET + "\\.){3}" + OCTET);

  private EndpointTranslator() {}

  public static ClusterLoadAssignment translate(Upstream upstream) {
    List<LocalityLbEndpoints.Builder> localities = new ArrayList<>();
    for (ClusterEndpoints cluster : upstream.service().clusters().values()) {
      LocalityLbEndpoints.Builder locality =
          LocalityLbEndpoints.newBuilder()
              .setLocality(Locality.newBuilder().setRegion(cluster.cluster()))
              .setPriority(cluster.priority())
              .setLoadBalancingWeight(UInt32Value.of(cluster.weight()));
      for (FederatedEndpoint e : cluster.endpoints()) {
        Integer port = targetPort(upstream, e);
        if (port == null || !ipLiteral(e.address())) {
          // No port of that name in its slice, or an FQDN endpoint: not an IP Envoy can dial.
          continue;
        }
        locality.addLbEndpoints(
            LbEndpoint.newBuilder()
                .setHealthStatus(
                    e.state() == FederatedEndpoint.State.READY
                        ? HealthStatus.HEALTHY
                        : HealthStatus.UNHEALTHY)
                .setEndpoint(
                    Endpoint.newBuilder()
                        .setAddress(
                            Address.newBuilder()
                                .setSocketAddress(
                                    SocketAddress.newBuilder()
                                        .setAddress(e.address())
                                        .setPortValue(port)))));
      }
      if (locality.getLbEndpointsCount() > 0) {
        localities.add(locality);
      }
    }
    // Priorities must be dense (0..n): gRPC rejects an assignment with gaps, and Envoy treats
    // 0, 2 exactly as 0, 1. A cluster left without endpoints must not leave a hole.
    List<Integer> present =
        localities.stream()
            .map(LocalityLbEndpoints.Builder::getPriority)
            .distinct()
            .sorted()
            .toList();
    ClusterLoadAssignment.Builder cla =
        ClusterLoadAssignment.newBuilder().setClusterName(upstream.name());
    for (LocalityLbEndpoints.Builder locality : localities) {
      cla.addEndpoints(locality.setPriority(present.indexOf(locality.getPriority())));
    }
    return cla.build();
  }

  /**
   * Whether Envoy can dial {@code address} as given. Host names never contain ':', so anything else
   * must be four decimal octets: a name spelled with hex digits only ("cafe.be") is not an address,
   * and one such endpoint would make Envoy reject the whole assignment.
   */
  static boolean ipLiteral(String address) {
    return address.indexOf(':') >= 0
        ? address.matches("[0-9a-fA-F:.]+")
        : IPV4.matcher(address).matches();
  }

  /** The endpoint's port for the service port: by name, or the only port when unnamed. */
  private static Integer targetPort(Upstream upstream, FederatedEndpoint e) {
    Integer byName = e.ports().get(upstream.port().name());
    if (byName != null) {
      return byName;
    }
    return e.ports().size() == 1 && upstream.service().ports().size() == 1
        ? e.ports().values().iterator().next()
        : null;
  }
}
