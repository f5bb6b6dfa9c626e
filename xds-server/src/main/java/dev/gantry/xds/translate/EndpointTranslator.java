package dev.gantry.xds.translate;

import com.google.protobuf.UInt32Value;
import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederatedEndpoint;
import dev.gantry.api.federation.FederatedEndpoint.State;
import dev.gantry.api.federation.FederatedService;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ClusterLoadAssignments: one locality per source cluster (region = cluster name) with that
 * cluster's priority and weight; endpoints at the target port named like the service port, only
 * those that may take traffic ({@link #admitted}), checked at the target port of the upstream's
 * health port when it has one.
 */
public final class EndpointTranslator {
  private EndpointTranslator() {}

  public static ClusterLoadAssignment translate(Upstream upstream) {
    List<LocalityLbEndpoints.Builder> localities = new ArrayList<>();
    if (upstream.shares().isEmpty()) {
      localities.addAll(localities(upstream, upstream.members().get(0)));
    } else {
      shared(upstream, localities);
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
   * The sum of the locality weights of one priority of a share's services: each share gets its
   * weight's part of it, split among its localities by their clusters' weights.
   */
  static final long SHARED_TOTAL = 1_000_000;

  /**
   * The localities of an upstream of several services (an ExtensionService's): each service's own
   * (one per source cluster), in service order, their weights scaled so that, within a priority,
   * the services' endpoints get requests in proportion to the services' weights as Contour spreads
   * them (every weight 0 or unset: evenly); a service of weight 0 beside weighted ones gets none
   * and its endpoints are left out.
   */
  private static void shared(Upstream upstream, List<LocalityLbEndpoints.Builder> out) {
    long total = upstream.shares().stream().mapToLong(Upstream.Share::weight).sum();
    for (Upstream.Share share : upstream.shares()) {
      long weight = total == 0 ? 1 : share.weight();
      if (weight == 0 || share.service() == null) {
        continue;
      }
      long of = total == 0 ? upstream.shares().size() : total;
      List<LocalityLbEndpoints.Builder> own = localities(upstream, share);
      Map<Integer, Long> byPriority = new HashMap<>();
      own.forEach(
          l ->
              byPriority.merge(
                  l.getPriority(), (long) l.getLoadBalancingWeight().getValue(), Long::sum));
      for (LocalityLbEndpoints.Builder l : own) {
        long clusters = byPriority.get(l.getPriority());
        long scaled =
            clusters == 0
                ? 1
                : Math.round(
                    (double) SHARED_TOTAL
                        * weight
                        / of
                        * l.getLoadBalancingWeight().getValue()
                        / clusters);
        l.setLoadBalancingWeight(UInt32Value.of((int) Math.max(1, scaled)));
        out.add(l);
      }
    }
  }

  /** One service's localities, one per source cluster that has endpoints Envoy may dial. */
  private static List<LocalityLbEndpoints.Builder> localities(
      Upstream upstream, Upstream.Share share) {
    List<LocalityLbEndpoints.Builder> localities = new ArrayList<>();
    State admitted = admitted(share);
    for (ClusterEndpoints cluster : share.service().clusters().values()) {
      LocalityLbEndpoints.Builder locality =
          LocalityLbEndpoints.newBuilder()
              .setLocality(Locality.newBuilder().setRegion(cluster.cluster()))
              .setPriority(cluster.priority())
              .setLoadBalancingWeight(UInt32Value.of(cluster.weight()));
      for (FederatedEndpoint e : cluster.endpoints()) {
        Integer port = dialablePort(share, e);
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
            upstream.healthPort() == null
                ? null
                : targetPort(upstream.healthPort(), share.service(), e);
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
    return localities;
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
                              .setPortValue(
                                  target.port() == null ? upstream.port().port() : target.port())));
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
    return admitted(upstream.members().get(0));
  }

  /**
   * As {@link #admitted(Upstream)}, for one service of an upstream: each Service falls back alone.
   */
  private static State admitted(Upstream.Share share) {
    for (ClusterEndpoints cluster : share.service().clusters().values()) {
      for (FederatedEndpoint e : cluster.endpoints()) {
        if (e.state() == State.READY && dialablePort(share, e) != null) {
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
  private static Integer dialablePort(Upstream.Share share, FederatedEndpoint e) {
    return IpLiterals.ipLiteral(e.address()) ? targetPort(share.port(), share.service(), e) : null;
  }

  /**
   * The endpoint's port for {@code servicePort}: by name, or the only port when unnamed. For the
   * health port ({@code healthPort}) the checks go there, as Contour sets it; an endpoint without
   * it is checked at the port it serves.
   */
  private static Integer targetPort(
      ServicePortSpec servicePort, FederatedService service, FederatedEndpoint e) {
    Integer byName = e.ports().get(servicePort.name());
    if (byName != null) {
      return byName;
    }
    return e.ports().size() == 1 && service.ports().size() == 1
        ? e.ports().values().iterator().next()
        : null;
  }
}
