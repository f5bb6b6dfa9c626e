package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.gantry.xds.model.Upstream;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.Collection;
import java.util.List;

/**
 * Envoy Clusters for upstreams: EDS over ADS, the route's load balancing strategy (round robin by
 * default) across the endpoints of the localities (one per source cluster) weighted by their
 * cluster's weight, and outlier detection on so that dead endpoints in one cluster are ejected and
 * traffic moves to the others.
 */
public final class ClusterTranslator {
  private ClusterTranslator() {}

  public static List<Cluster> translate(Collection<Upstream> upstreams) {
    return upstreams.stream()
        .map(ClusterTranslator::cluster)
        .sorted(java.util.Comparator.comparing(Cluster::getName))
        .toList();
  }

  /** The key under which Envoy expects the HTTP protocol options of an upstream. */
  static final String HTTP_PROTOCOL_OPTIONS =
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  static Cluster cluster(Upstream upstream) {
    Cluster.Builder cluster = Cluster.newBuilder();
    if (upstream.idleConnectionTimeout() != null) {
      cluster.putTypedExtensionProtocolOptions(
          HTTP_PROTOCOL_OPTIONS, Any.pack(httpOptions(upstream.idleConnectionTimeout())));
    }
    return cluster
        .setName(upstream.name())
        .setAltStatName(upstream.name().replace('/', '_'))
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(
            Cluster.EdsClusterConfig.newBuilder()
                .setEdsConfig(
                    ConfigSource.newBuilder()
                        .setAds(AggregatedConfigSource.getDefaultInstance())
                        .setResourceApiVersion(ApiVersion.V3))
                .setServiceName(upstream.name()))
        .setConnectTimeout(Duration.newBuilder().setSeconds(2))
        .setLbPolicy(lbPolicy(upstream.strategy()))
        .setCommonLbConfig(
            Cluster.CommonLbConfig.newBuilder()
                .setLocalityWeightedLbConfig(
                    Cluster.CommonLbConfig.LocalityWeightedLbConfig.getDefaultInstance()))
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

  /** Contour's mapping: the two hashing strategies are ring hash clusters. */
  static Cluster.LbPolicy lbPolicy(Upstream.Strategy strategy) {
    return switch (strategy) {
      case ROUND_ROBIN -> Cluster.LbPolicy.ROUND_ROBIN;
      case WEIGHTED_LEAST_REQUEST -> Cluster.LbPolicy.LEAST_REQUEST;
      case RANDOM -> Cluster.LbPolicy.RANDOM;
      case COOKIE, REQUEST_HASH -> Cluster.LbPolicy.RING_HASH;
    };
  }

  /**
   * Contour's idle connection timeout. Envoy wants an upstream protocol with these options; the
   * clusters speak HTTP/1.1 to the backends whether or not the options are there, so say that.
   */
  private static HttpProtocolOptions httpOptions(java.time.Duration idle) {
    return HttpProtocolOptions.newBuilder()
        .setCommonHttpProtocolOptions(
            io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
                .setIdleTimeout(
                    Duration.newBuilder().setSeconds(idle.getSeconds()).setNanos(idle.getNano())))
        .setExplicitHttpConfig(
            HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance()))
        .build();
  }
}
