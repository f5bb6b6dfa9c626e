package dev.gantry.xds.translate;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.gantry.xds.ir.HealthCheck;
import dev.gantry.xds.ir.Upstream;
import io.envoyproxy.envoy.type.v3.CodecClientType;
import io.envoyproxy.envoy.type.v3.Int64Range;

/**
 * Envoy's active health checks for an upstream with a {@code healthCheckPolicy} (HTTP, or TCP for a
 * TCP proxy's), as Contour writes them (the checks speak the cluster's HTTP version, over its TLS
 * socket if any), except that the interval holds for clusters that have not carried traffic yet
 * too.
 */
final class HealthChecks {
  private HealthChecks() {}

  static io.envoyproxy.envoy.config.core.v3.HealthCheck of(Upstream upstream) {
    HealthCheck policy = upstream.healthCheck();
    io.envoyproxy.envoy.config.core.v3.HealthCheck.Builder check =
        io.envoyproxy.envoy.config.core.v3.HealthCheck.newBuilder()
            .setTimeout(seconds(policy.timeout()))
            .setInterval(seconds(policy.interval()))
            // Envoy checks a cluster that has never carried traffic only every 60 s, and a new
            // cluster's first round ends before any traffic, so its endpoints would keep their
            // first result for a minute. Contour leaves that default; we check at the asked
            // interval from the start, so that a failing endpoint is out before traffic arrives.
            .setNoTrafficInterval(seconds(policy.interval()))
            .setUnhealthyThreshold(UInt32Value.of((int) policy.unhealthyThreshold()))
            .setHealthyThreshold(UInt32Value.of((int) policy.healthyThreshold()));
    if (policy.isTcp()) {
      // A connection is the check: no payload sent, none expected (Contour's TCP checks).
      return check
          .setTcpHealthCheck(
              io.envoyproxy.envoy.config.core.v3.HealthCheck.TcpHealthCheck.getDefaultInstance())
          .build();
    }
    return check
        .setHttpHealthCheck(
            io.envoyproxy.envoy.config.core.v3.HealthCheck.HttpHealthCheck.newBuilder()
                .setPath(policy.path())
                .setHost(policy.host())
                .setCodecClientType(
                    upstream.protocol().http2() ? CodecClientType.HTTP2 : CodecClientType.HTTP1)
                .addAllExpectedStatuses(
                    policy.expectedStatuses().stream()
                        .map(
                            r ->
                                Int64Range.newBuilder().setStart(r.start()).setEnd(r.end()).build())
                        .toList()))
        .build();
  }

  private static Duration seconds(java.time.Duration d) {
    return Duration.newBuilder().setSeconds(d.getSeconds()).build();
  }
}
