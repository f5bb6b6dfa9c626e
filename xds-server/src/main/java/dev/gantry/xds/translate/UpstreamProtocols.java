package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.UpstreamProtocol;
import dev.gantry.xds.ir.UpstreamTls;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/**
 * The parts of an Envoy cluster that say how it talks to its endpoints, as Contour writes them: the
 * HTTP version (only spelled out when something needs it) and, for {@code tls} and {@code h2}, a
 * TLS transport socket that offers ALPN {@code h2} for {@code h2}, sends the server name the route
 * asks for, and verifies the backend's certificate only when the service has a {@code validation},
 * as Contour.
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

  /**
   * The TLS transport socket of a {@code tls} or {@code h2} upstream, with its server name and
   * certificate validation when it has them; null for clear text.
   */
  static TransportSocket transportSocket(Upstream upstream) {
    UpstreamProtocol protocol = upstream.protocol();
    if (!protocol.tls()) {
      return null;
    }
    return tlsSocket(upstream.tls(), protocol == UpstreamProtocol.H2);
  }

  /**
   * A TLS transport socket with {@code tls}'s server name and validation (null: neither), offering
   * ALPN {@code h2} when {@code h2}.
   */
  static TransportSocket tlsSocket(UpstreamTls tls, boolean h2) {
    CommonTlsContext.Builder common = CommonTlsContext.newBuilder();
    if (h2) {
      common.addAlpnProtocols("h2");
    }
    UpstreamTlsContext.Builder context = UpstreamTlsContext.newBuilder();
    if (tls != null && tls.sni() != null) {
      context.setSni(tls.sni());
    }
    if (tls != null && tls.validation() != null) {
      CertificateValidationContext.Builder validation =
          CertificateValidationContext.newBuilder()
              .setTrustedCa(DataSource.newBuilder().setInlineString(tls.validation().caPem()));
      for (String name : tls.validation().subjectNames()) {
        validation.addMatchTypedSubjectAltNames(
            SubjectAltNameMatcher.newBuilder()
                .setSanType(SubjectAltNameMatcher.SanType.DNS)
                .setMatcher(StringMatcher.newBuilder().setExact(name)));
      }
      common.setValidationContext(validation);
    }
    return TransportSocket.newBuilder()
        .setName(TLS_TRANSPORT_SOCKET)
        .setTypedConfig(Any.pack(context.setCommonTlsContext(common).build()))
        .build();
  }
}
