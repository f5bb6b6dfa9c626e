package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.gantry.xds.ir.DnsLookupFamily;
import dev.gantry.xds.ir.Upstream;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.v3.Percent;
import java.util.Collection;
import java.util.List;

/**
 * Envoy Clusters for upstreams: EDS over ADS (or, for an ExternalName Service, a STRICT_DNS cluster
 * holding the names it resolves), the route's load balancing strategy (round robin by default)
 * across the endpoints of the localities (one per source cluster) weighted by their cluster's
 * weight, and outlier detection on so that dead endpoints in one cluster are ejected and traffic
 * moves to the others. The service's protocol ({@link UpstreamProtocols}) and the route's active
 * health checks ({@link HealthChecks}) come on top.
 */
public final class ClusterTranslator {
  private ClusterTranslator() {}

  public static List<Cluster> translate(Collection<Upstream> upstreams) {
    return upstreams.stream()
        .map(ClusterTranslator::cluster)
        .sorted(java.util.Comparator.comparing(Cluster::getName))
        .toList();
  }

  static Cluster cluster(Upstream upstream) {
    return cluster(upstream, DnsLookupFamily.AUTO);
  }

  /**
   * The cluster of {@code upstream}; a DNS cluster (an ExternalName Service) asks DNS for the
   * addresses {@code dnsLookupFamily} says (the hub's {@code --external-name-dns-lookup-family},
   * Contour's {@code cluster.dnsLookupFamily}).
   */
  static Cluster cluster(Upstream upstream, DnsLookupFamily dnsLookupFamily) {
    Cluster.Builder cluster = Cluster.newBuilder();
    HttpProtocolOptions httpOptions = UpstreamProtocols.httpOptions(upstream);
    if (httpOptions != null) {
      cluster.putTypedExtensionProtocolOptions(
          UpstreamProtocols.HTTP_PROTOCOL_OPTIONS, Any.pack(httpOptions));
    }
    TransportSocket tls = UpstreamProtocols.transportSocket(upstream);
    if (tls != null) {
      cluster.setTransportSocket(tls);
    }
    Cluster.CommonLbConfig.Builder commonLb =
        Cluster.CommonLbConfig.newBuilder()
            .setLocalityWeightedLbConfig(
                Cluster.CommonLbConfig.LocalityWeightedLbConfig.getDefaultInstance());
    if (upstream.slowStart() != null) {
      slowStart(cluster, upstream);
    }
    if (upstream.healthCheck() != null) {
      cluster.addHealthChecks(HealthChecks.of(upstream));
      // As Contour: a removed endpoint goes at once even if it still passes its checks, and no
      // panic mode, so that endpoints failing their checks get no traffic however many they are.
      cluster.setIgnoreHealthOnHostRemoval(true);
      commonLb.setHealthyPanicThreshold(Percent.newBuilder().setValue(0));
    }
    if (upstream.resolvedByDns()) {
      // As Contour's ExternalName clusters: Envoy resolves the names itself and keeps every
      // address each gives (STRICT_DNS), so the load assignment is part of the cluster.
      cluster
          .setType(Cluster.DiscoveryType.STRICT_DNS)
          .setDnsLookupFamily(JwtAuthentications.family(dnsLookupFamily))
          .setLoadAssignment(EndpointTranslator.dnsAssignment(upstream));
    } else {
      cluster
          .setType(Cluster.DiscoveryType.EDS)
          .setEdsClusterConfig(
              Cluster.EdsClusterConfig.newBuilder()
                  .setEdsConfig(
                      ConfigSource.newBuilder()
                          .setAds(AggregatedConfigSource.getDefaultInstance())
                          .setResourceApiVersion(ApiVersion.V3))
                  .setServiceName(upstream.name()));
    }
    return cluster
        .setName(upstream.name())
        .setAltStatName(upstream.name().replace('/', '_'))
        .setConnectTimeout(Duration.newBuilder().setSeconds(2))
        .setLbPolicy(lbPolicy(upstream.strategy()))
        .setCommonLbConfig(commonLb)
        .setOutlierDetection(
            OutlierDetection.newBuilder()
                .setConsecutive5Xx(UInt32Value.of(3))
                .setConsecutiveGatewayFailure(UInt32Value.of(3))
                .setConsecutiveLocalOriginFailure(UInt32Value.of(3))
                .setSplitExternalLocalOriginErrors(true)
                .setInterval(Duration.newBuilder().setSeconds(2))
                .setBaseEjectionTime(Duration.newBuilder().setSeconds(10))
                .setMaxEjectionPercent(UInt32Value.of(100)))
        .build();
  }

  /**
   * The clusters as proxyless gRPC clients get them. gRPC takes round robin, ring hash and least
   * request clusters (least request by default since grpc-java 1.73, and in gRPC-Go releases of the
   * same time; before, only behind a flag in the client) but rejects {@code RANDOM} ones (grpc-java
   * 1.85: "unsupported lb policy: RANDOM"): those are round robin for it, the nearest spread. It
   * also rejects an upstream TLS context without a certificate provider instance or system root
   * certificates (the {@code h2} and {@code tls} protocols, which verify nothing, as Contour's):
   * there the transport socket is left out, and the client's own channel credentials decide how it
   * reaches the backends, as gRPC does without xDS security. The same list when no cluster needs a
   * change.
   */
  public static List<Cluster> forProxyless(List<Cluster> clusters) {
    if (clusters.stream().allMatch(ClusterTranslator::grpcTakes)) {
      return clusters;
    }
    return clusters.stream()
        // A cluster whose backends' certificates Envoy verifies (a service's validation) is left
        // out: without Envoy's TLS context a gRPC client would reach them unverified, so its
        // routes to such a service fail instead (the cluster does not exist for it). So is a DNS
        // cluster (an ExternalName Service): gRPC takes EDS and LOGICAL_DNS clusters, not
        // STRICT_DNS.
        .filter(c -> !verifiesBackends(c) && c.getType() != Cluster.DiscoveryType.STRICT_DNS)
        .map(
            c -> {
              if (grpcTakes(c)) {
                return c;
              }
              Cluster.Builder b = c.toBuilder().clearTransportSocket();
              if (!grpcBalances(c)) {
                b.setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
              }
              return b.build();
            })
        .toList();
  }

  private static boolean verifiesBackends(Cluster c) {
    if (!c.hasTransportSocket() || !c.getTransportSocket().hasTypedConfig()) {
      return false;
    }
    try {
      return c.getTransportSocket()
          .getTypedConfig()
          .unpack(UpstreamTlsContext.class)
          .getCommonTlsContext()
          .hasValidationContext();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return false;
    }
  }

  private static boolean grpcTakes(Cluster c) {
    return grpcBalances(c)
        && !c.hasTransportSocket()
        && c.getType() != Cluster.DiscoveryType.STRICT_DNS;
  }

  private static boolean grpcBalances(Cluster c) {
    return c.getLbPolicy() == Cluster.LbPolicy.ROUND_ROBIN
        || c.getLbPolicy() == Cluster.LbPolicy.RING_HASH
        || c.getLbPolicy() == Cluster.LbPolicy.LEAST_REQUEST;
  }

  /**
   * Envoy's slow start of new endpoints, as Contour writes it: in the round robin or least request
   * configuration of the cluster, its aggression a runtime value with Contour's key.
   */
  private static void slowStart(Cluster.Builder cluster, Upstream upstream) {
    Upstream.SlowStart s = upstream.slowStart();
    Cluster.SlowStartConfig config =
        Cluster.SlowStartConfig.newBuilder()
            .setSlowStartWindow(
                Duration.newBuilder()
                    .setSeconds(s.window().getSeconds())
                    .setNanos(s.window().getNano()))
            .setAggression(
                io.envoyproxy.envoy.config.core.v3.RuntimeDouble.newBuilder()
                    .setDefaultValue(s.aggression())
                    .setRuntimeKey("contour.slowstart.aggression"))
            .setMinWeightPercent(
                io.envoyproxy.envoy.type.v3.Percent.newBuilder().setValue(s.minWeightPercent()))
            .build();
    if (upstream.strategy() == Upstream.Strategy.WEIGHTED_LEAST_REQUEST) {
      cluster.setLeastRequestLbConfig(
          Cluster.LeastRequestLbConfig.newBuilder().setSlowStartConfig(config));
    } else {
      cluster.setRoundRobinLbConfig(
          Cluster.RoundRobinLbConfig.newBuilder().setSlowStartConfig(config));
    }
  }

  /** Contour's mapping: the two hashing strategies are ring hash clusters. */
  static Cluster.LbPolicy lbPolicy(Upstream.Strategy strategy) {
    return switch (strategy) {
      case ROUND_ROBIN -> Cluster.LbPolicy.ROUND_ROBIN;
      case WEIGHTED_LEAST_REQUEST -> Cluster.LbPolicy.LEAST_REQUEST;
      case RANDOM -> Cluster.LbPolicy.RANDOM;
      case COOKIE, REQUEST_HASH -> Cluster.LbPolicy.RING_HASH;
    };
  }
}
