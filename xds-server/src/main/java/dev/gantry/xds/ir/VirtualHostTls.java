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
 * @param maximumVersion the highest TLS version a client may use (ignored for passthrough)
 * @param clientValidation how client certificates are asked for and checked; null: they are not
 * @param tcpProxy clusters the (terminated or passed-through) TCP stream is balanced across; empty
 *     when the host's routes serve HTTPS
 * @param fallback the hub's fallback certificate, with which the host is also served to clients
 *     that send no SNI or one naming no host ({@code enableFallbackCertificate}); null: it is not
 */
public record VirtualHostTls(
    Certificate certificate,
    Version minimumVersion,
    Version maximumVersion,
    ClientValidation clientValidation,
    List<WeightedCluster> tcpProxy,
    Certificate fallback) {
  public VirtualHostTls {
    Objects.requireNonNull(minimumVersion, "minimumVersion");
    Objects.requireNonNull(maximumVersion, "maximumVersion");
    tcpProxy = List.copyOf(tcpProxy);
    if (certificate == null && tcpProxy.isEmpty()) {
      throw new IllegalArgumentException("a passthrough virtual host needs tcpProxy clusters");
    }
    if (minimumVersion.compareTo(maximumVersion) > 0) {
      throw new IllegalArgumentException("minimumVersion is above maximumVersion");
    }
    if (certificate == null && clientValidation != null) {
      throw new IllegalArgumentException("a passthrough virtual host cannot validate clients");
    }
    if (fallback != null && (certificate == null || clientValidation != null)) {
      // Without SNI no client certificate is asked for: the fallback chain would skip it.
      throw new IllegalArgumentException(
          "a fallback certificate needs a terminated host without client validation");
    }
  }

  /** Without a fallback certificate. */
  public VirtualHostTls(
      Certificate certificate,
      Version minimumVersion,
      Version maximumVersion,
      ClientValidation clientValidation,
      List<WeightedCluster> tcpProxy) {
    this(certificate, minimumVersion, maximumVersion, clientValidation, tcpProxy, null);
  }

  /** The same TLS, also served with {@code fallback} to clients without a known SNI. */
  public VirtualHostTls withFallback(Certificate fallback) {
    return new VirtualHostTls(
        certificate, minimumVersion, maximumVersion, clientValidation, tcpProxy, fallback);
  }

  /** Up to TLS 1.3, without client certificates. */
  public VirtualHostTls(
      Certificate certificate, Version minimumVersion, List<WeightedCluster> tcpProxy) {
    this(certificate, minimumVersion, Version.TLS_1_3, null, tcpProxy);
  }

  public boolean passthrough() {
    return certificate == null;
  }

  /** The TLS versions HTTPProxy accepts as {@code minimum/maximumProtocolVersion}, in order. */
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

  /**
   * Client certificates on a terminated host (Contour's {@code clientValidation}).
   *
   * @param trust the CAs a certificate must chain to and the revocation lists; null only with
   *     {@code skipVerification}
   * @param skipVerification ask for a certificate but accept any (Envoy's {@code
   *     ACCEPT_UNTRUSTED}); Envoy requires one only when it has trusted CAs, as Contour documents
   * @param optional serve a client that presents no certificate
   * @param crlOnlyLeaf check the revocation lists for the client's certificate only, not its
   *     issuers
   * @param forward what of the certificate the backend gets in X-Forwarded-Client-Cert; null:
   *     nothing, and a header a client sent is removed
   */
  public record ClientValidation(
      TrustBundle trust,
      boolean skipVerification,
      boolean optional,
      boolean crlOnlyLeaf,
      ForwardedDetails forward) {
    public ClientValidation {
      if (trust == null && !skipVerification) {
        throw new IllegalArgumentException("verifying client certificates needs trusted CAs");
      }
    }
  }

  /**
   * The CA bundle of one Secret and the revocation lists of another (or none), served to Envoy over
   * SDS as one validation context under {@code name}, which names the Secrets and their data keys
   * (e.g. {@code demo/client-ca/ca.crt+demo/crl/crl.pem}): stable, so new revocation lists or CAs
   * change the secret only, never the listener. Never a {@link Certificate}'s name, which has two
   * segments only.
   */
  public record TrustBundle(String name, String caPem, String crlPem) {
    public TrustBundle {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(caPem, "caPem");
    }

    /**
     * The CAs of Secret {@code caSecret} ({@code namespace/name}) and, unless {@code crlSecret} is
     * null, the revocation lists of that Secret.
     */
    public static TrustBundle of(String caSecret, String caPem, String crlSecret, String crlPem) {
      String name = caSecret + "/ca.crt" + (crlSecret == null ? "" : "+" + crlSecret + "/crl.pem");
      return new TrustBundle(name, caPem, crlSecret == null ? null : crlPem);
    }

    /** Names the bundle only: the PEM is long. */
    @Override
    public String toString() {
      return "TrustBundle[" + name + "]";
    }
  }

  /** The parts of a client certificate Envoy writes into X-Forwarded-Client-Cert. */
  public record ForwardedDetails(
      boolean subject, boolean cert, boolean chain, boolean dns, boolean uri) {}
}
