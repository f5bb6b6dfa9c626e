package dev.gantry.xds.translate;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.gantry.xds.model.HealthCheck;
import dev.gantry.xds.model.Upstream;
import io.envoyproxy.envoy.type.v3.CodecClientType;

/**
 * Envoy's active HTTP health checks for an upstream with a {@code healthCheckPolicy}, as Contour
 * writes them: the checks speak the cluster's HTTP version (over its TLS socket, if any).
 */
final class HealthChecks {
  private HealthChecks() {}

  static io.envoyproxy.envoy.config.core.v3.HealthCheck of(Upstream upstream) {
    HealthCheck policy = upstream.healthCheck();
    return io.envoyproxy.envoy.config.core.v3.HealthCheck.newBuilder()
        .setTimeout(seconds(policy.timeout()))
        .setInterval(seconds(policy.interval()))
        .setUnhealthyThreshold(UInt32Value.of((int) policy.unhealthyThreshold()))
        .setHealthyThreshold(UInt32Value.of((int) policy.healthyThreshold()))
        .setHttpHealthCheck(
            io.envoyproxy.envoy.config.core.v3.HealthCheck.HttpHealthCheck.newBuilder()
                .setPath(policy.path())
                .setHost(policy.host())
                .setCodecClientType(
                    upstream.protocol().http2() ? CodecClientType.HTTP2 : CodecClientType.HTTP1))
        .build();
  }

  private static Duration seconds(java.time.Duration d) {
    return Duration.newBuilder().setSeconds(d.getSeconds()).build();
  }
}
