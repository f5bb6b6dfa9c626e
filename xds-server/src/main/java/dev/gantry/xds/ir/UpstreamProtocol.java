package dev.gantry.xds.ir;

import dev.gantry.api.federation.ServicePortSpec;
import java.util.List;

/**
 * How Envoy speaks to a route service's endpoints: Contour's {@code services[].protocol}. Absent,
 * HTTP/1.1 in clear text; {@code h2c} HTTP/2 in clear text (gRPC backends); {@code h2} HTTP/2 over
 * TLS with ALPN {@code h2}; {@code tls} HTTP/1.1 over TLS. As in Contour without {@code
 * validation}, the backend's certificate is not verified. A service without a protocol speaks what
 * its Service says ({@link #ofService}).
 */
public enum UpstreamProtocol {
  HTTP1(null),
  H2C("h2c"),
  H2("h2"),
  TLS("tls");

  private final String contourName;

  UpstreamProtocol(String contourName) {
    this.contourName = contourName;
  }

  /** The value an HTTPProxy uses; null for the default. */
  public String contourName() {
    return contourName;
  }

  /** Whether the cluster speaks HTTP/2 to its endpoints. */
  public boolean http2() {
    return this == H2C || this == H2;
  }

  /** Whether connections to the endpoints are TLS. */
  public boolean tls() {
    return this == H2 || this == TLS;
  }

  /**
   * The protocol a Service gives one of its ports, as Contour reads it: the port's {@code
   * appProtocol} when it has one ({@code kubernetes.io/h2c} is h2c, {@code https} is tls, any other
   * HTTP/1.1 in clear text), else the Service's {@code projectcontour.io/upstream-protocol.*}
   * annotations.
   */
  public static UpstreamProtocol ofService(ServicePortSpec port) {
    if (port.appProtocol() != null) {
      return switch (port.appProtocol()) {
        case "kubernetes.io/h2c" -> H2C;
        case "https" -> TLS;
        default -> HTTP1;
      };
    }
    for (UpstreamProtocol p : values()) {
      if (p.contourName != null && p.contourName.equals(port.annotatedProtocol())) {
        return p;
      }
    }
    return HTTP1;
  }

  /**
   * The protocol a service asks for; null (with a {@code ServiceError}/{@code UnsupportedProtocol}
   * added to {@code errors}) for a value Contour does not know. Contour's CRD limits the field to
   * these three values; a proxy written before, or against another CRD, may still carry others.
   *
   * @param where the service's path, e.g. {@code spec.routes[0].services[1]}
   */
  public static UpstreamProtocol parse(
      String value, String where, List<ProxyVerdict.Error> errors) {
    if (value == null || value.isEmpty()) {
      return HTTP1;
    }
    for (UpstreamProtocol p : values()) {
      if (value.equals(p.contourName)) {
        return p;
      }
    }
    errors.add(
        new ProxyVerdict.Error(
            ProxyVerdict.SERVICE_ERROR,
            "UnsupportedProtocol",
            where + ".protocol: unsupported protocol \"" + value + "\" (h2, h2c or tls)"));
    return null;
  }
}
