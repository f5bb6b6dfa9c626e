package dev.gantry.xds.translate;

import com.google.protobuf.UInt32Value;
import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederatedEndpoint;
import dev.gantry.api.federation.FederatedEndpoint.State;
import dev.gantry.api.federation.ServicePortSpec;
import dev.gantry.xds.ir.IpLiterals;
import dev.gantry.xds.ir.Upstream;
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

/**
 * ClusterLoadAssignments: one locality per source cluster (region = cluster name) with that
 * cluster's priority and weight; endpoints at the target port named like the service port, only
 * those that may take traffic ({@link #admitted}), checked at the target port of the upstream's
 * health port when it has one.
 */
public final class EndpointTranslator {
  private EndpointTranslator() {}

  public static ClusterLoadAssignment translate(Upstream upstream) {
    State admitted = admitted(upstream);
    List<LocalityLbEndpoints.Builder> localities = new ArrayList<>();
    for (ClusterEndpoints cluster : upstream.service().clusters().values()) {
      LocalityLbEndpoints.Builder locality =
          LocalityLbEndpoints.newBuilder()
              .setLocality(Locality.newBuilder().setRegion(cluster.cluster()))
              .setPriority(cluster.priority())
              .setLoadBalancingWeight(UInt32Value.of(cluster.weight()));
      for (FederatedEndpoint e : cluster.endpoints()) {
        Integer port = dialablePort(upstream, e);
        if (port == null || e.state() != admitted) {
          continue;
        }
        Endpoint.Builder endpoint =
            Endpoint.newBuilder()
                .setAddress(
                    Address.newBuilder()
                        .setSocketAddress(
                            SocketAddress.newBuilder().setAddress(e.address()).setPortValue(port)));
        Integer healthPort =
            upstream.healthPort() == null ? null : targetPort(upstream.healthPort(), upstream, e);
        if (healthPort != null && healthPort.intValue() != port) {
          endpoint.setHealthCheckConfig(
              Endpoint.HealthCheckConfig.newBuilder().setPortValue(healthPort));
        }
        locality.addLbEndpoints(
            LbEndpoint.newBuilder().setHealthStatus(HealthStatus.HEALTHY).setEndpoint(endpoint));
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
   * The load assignment a DNS cluster holds (an ExternalName Service): one locality per source
   * cluster, its priority (made dense) and weight, with the cluster's external name at the service
   * port, as Contour addresses an ExternalName Service (and its health checks at the health port's
   * number, when it has one).
   */
  public static ClusterLoadAssignment dnsAssignment(Upstream upstream) {
    List<Integer> present =
        upstream.dns().stream().map(Upstream.DnsTarget::priority).distinct().sorted().toList();
    ClusterLoadAssignment.Builder cla =
        ClusterLoadAssignment.newBuilder().setClusterName(upstream.name());
    for (Upstream.DnsTarget target : upstream.dns()) {
      Endpoint.Builder endpoint =
          Endpoint.newBuilder()
              .setAddress(
                  Address.newBuilder()
                      .setSocketAddress(
                          SocketAddress.newBuilder()
                              .setAddress(target.hostname())
                              .setPortValue(upstream.port().port())));
      if (upstream.healthPort() != null) {
        // An ExternalName Service has no target ports: the checks go to the health port's number.
        endpoint.setHealthCheckConfig(
            Endpoint.HealthCheckConfig.newBuilder().setPortValue(upstream.healthPort().port()));
      }
      cla.addEndpoints(
          LocalityLbEndpoints.newBuilder()
              .setLocality(Locality.newBuilder().setRegion(target.cluster()))
              .setPriority(present.indexOf(target.priority()))
              .setLoadBalancingWeight(UInt32Value.of(target.weight()))
              .addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(endpoint)));
    }
    return cla.build();
  }

  /**
   * The one state whose endpoints go to Envoy: {@code READY}, or {@code SERVING_TERMINATING} when
   * no ready endpoint Envoy can dial is left in the whole assignment, across all its clusters
   * (kube-proxy's fallback across a whole Service). Other endpoints are left out rather than sent
   * as UNHEALTHY: Envoy's panic mode sends traffic to unhealthy hosts too once fewer than half are
   * healthy, and only clusters with active health checks turn it off. Those checks change nothing
   * here: they can only take admitted endpoints out, and the choice never depends on them. (Envoy
   * holds an endpoint new to it back until its first check passes, a fallback one too; the usual
   * fallback, the last ready endpoint turning terminating, keeps its address and its results.)
   */
  static State admitted(Upstream upstream) {
    for (ClusterEndpoints cluster : upstream.service().clusters().values()) {
      for (FederatedEndpoint e : cluster.endpoints()) {
        if (e.state() == State.READY && dialablePort(upstream, e) != null) {
          return State.READY;
        }
      }
    }
    return State.SERVING_TERMINATING;
  }

  /**
   * The port Envoy dials {@code e} at for the upstream's service port, or null when there is none:
   * no port of that name in its slice, or an FQDN endpoint.
   */
  private static Integer dialablePort(Upstream upstream, FederatedEndpoint e) {
    return IpLiterals.ipLiteral(e.address()) ? targetPort(upstream.port(), upstream, e) : null;
  }

  /**
   * The endpoint's port for {@code servicePort}: by name, or the only port when unnamed. For the
   * health port ({@code healthPort}) the checks go there, as Contour sets it; an endpoint without
   * it is checked at the port it serves.
   */
  private static Integer targetPort(
      ServicePortSpec servicePort, Upstream upstream, FederatedEndpoint e) {
    Integer byName = e.ports().get(servicePort.name());
    if (byName != null) {
      return byName;
    }
    return e.ports().size() == 1 && upstream.service().ports().size() == 1
        ? e.ports().values().iterator().next()
        : null;
  }
}
