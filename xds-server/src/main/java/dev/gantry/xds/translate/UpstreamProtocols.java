package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.UpstreamProtocol;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;

/**
 * The parts of an Envoy cluster that say how it talks to its endpoints, as Contour writes them: the
 * HTTP version (only spelled out when something needs it) and, for {@code tls} and {@code h2}, a
 * TLS transport socket that offers ALPN {@code h2} for {@code h2} and does not verify the backend's
 * certificate (Contour verifies only with {@code upstreamValidation}).
 */
final class UpstreamProtocols {
  /** The key under which Envoy expects the HTTP protocol options of an upstream. */
  static final String HTTP_PROTOCOL_OPTIONS =
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  static final String TLS_TRANSPORT_SOCKET = "envoy.transport_sockets.tls";

  private UpstreamProtocols() {}

  /**
   * The HTTP protocol options of the cluster, or null when Envoy's defaults (HTTP/1.1, idle timeout
   * 1 h) are what the upstream wants.
   */
  static HttpProtocolOptions httpOptions(Upstream upstream) {
    java.time.Duration idle = upstream.idleConnectionTimeout();
    boolean http2 = upstream.protocol().http2();
    if (idle == null && !http2) {
      return null;
    }
    HttpProtocolOptions.Builder options = HttpProtocolOptions.newBuilder();
    if (idle != null) {
      options.setCommonHttpProtocolOptions(
          io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
              .setIdleTimeout(
                  Duration.newBuilder().setSeconds(idle.getSeconds()).setNanos(idle.getNano())));
    }
    // Envoy wants an explicit upstream protocol with these options; without http2 the clusters
    // speak HTTP/1.1 whether or not the options are there, so say that.
    HttpProtocolOptions.ExplicitHttpConfig.Builder explicit =
        HttpProtocolOptions.ExplicitHttpConfig.newBuilder();
    if (http2) {
      explicit.setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance());
    } else {
      explicit.setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance());
    }
    return options.setExplicitHttpConfig(explicit).build();
  }

  /** The TLS transport socket of a {@code tls} or {@code h2} upstream; null for clear text. */
  static TransportSocket transportSocket(UpstreamProtocol protocol) {
    if (!protocol.tls()) {
      return null;
    }
    CommonTlsContext.Builder common = CommonTlsContext.newBuilder();
    if (protocol == UpstreamProtocol.H2) {
      common.addAlpnProtocols("h2");
    }
    return TransportSocket.newBuilder()
        .setName(TLS_TRANSPORT_SOCKET)
        .setTypedConfig(
            Any.pack(UpstreamTlsContext.newBuilder().setCommonTlsContext(common).build()))
        .build();
  }
}
