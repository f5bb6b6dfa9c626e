package dev.gantry.xds.ir;

import java.util.List;
import java.util.Objects;

/**
 * How a virtual host is served on Envoy's {@code ingress_https} listener: terminated with a
 * certificate, or passed through by SNI to {@code tcpProxy}'s clusters. Which routes also serve
 * plain HTTP is each route's {@link RoutingTable.Actions#permitInsecure()}.
 *
 * @param certificate the certificate to terminate with; null for passthrough
 * @param minimumVersion the lowest TLS version a client may use (ignored for passthrough)
 * @param tcpProxy clusters the (terminated or passed-through) TCP stream is balanced across; empty
 *     when the host's routes serve HTTPS
 */
public record VirtualHostTls(
    Certificate certificate, Version minimumVersion, List<WeightedCluster> tcpProxy) {
  public VirtualHostTls {
    Objects.requireNonNull(minimumVersion, "minimumVersion");
    tcpProxy = List.copyOf(tcpProxy);
    if (certificate == null && tcpProxy.isEmpty()) {
      throw new IllegalArgumentException("a passthrough virtual host needs tcpProxy clusters");
    }
  }

  public boolean passthrough() {
    return certificate == null;
  }

  /** The TLS versions HTTPProxy accepts as {@code minimumProtocolVersion}, as Contour does. */
  public enum Version {
    TLS_1_2("1.2"),
    TLS_1_3("1.3");

    private final String contourName;

    Version(String contourName) {
      this.contourName = contourName;
    }

    public String contourName() {
      return contourName;
    }
  }

  /**
   * A validated {@code kubernetes.io/tls} Secret, served to Envoy over SDS under {@code name}
   * ({@code namespace/name}: stable, so a rotated certificate changes the secret only, never the
   * listener that refers to it).
   */
  public record Certificate(String name, String chainPem, String privateKeyPem) {
    public Certificate {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(chainPem, "chainPem");
      Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    }

    /** Never prints the key. */
    @Override
    public String toString() {
      return "Certificate[" + name + "]";
    }
  }
}
