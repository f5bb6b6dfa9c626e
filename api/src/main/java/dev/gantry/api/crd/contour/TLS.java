package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/**
 * TLS of a virtual host: a certificate Secret to terminate with (with the TLS versions and the
 * client certificates accepted), or passthrough by SNI.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class TLS extends UnknownFields {
  @JsonPropertyDescription("A kubernetes.io/tls Secret, name or namespace/name.")
  private String secretName;

  @JsonPropertyDescription("Lowest TLS version accepted: 1.2 (default) or 1.3.")
  private String minimumProtocolVersion;

  @JsonPropertyDescription("Highest TLS version accepted: 1.2 or 1.3 (default).")
  private String maximumProtocolVersion;

  @JsonPropertyDescription(
      "Do not terminate: forward the TLS stream to tcpproxy's services by SNI.")
  private Boolean passthrough;

  @JsonPropertyDescription("Ask clients for a certificate and verify it against a CA (mutual TLS).")
  private DownstreamValidation clientValidation;

  @JsonPropertyDescription(
      "Also serve this host to clients that send no SNI (or one naming no host), with the hub's"
          + " fallback certificate (--fallback-certificate); not with clientValidation or"
          + " authorization.")
  private Boolean enableFallbackCertificate;

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getMinimumProtocolVersion() {
    return minimumProtocolVersion;
  }

  public void setMinimumProtocolVersion(String minimumProtocolVersion) {
    this.minimumProtocolVersion = minimumProtocolVersion;
  }

  public String getMaximumProtocolVersion() {
    return maximumProtocolVersion;
  }

  public void setMaximumProtocolVersion(String maximumProtocolVersion) {
    this.maximumProtocolVersion = maximumProtocolVersion;
  }

  public DownstreamValidation getClientValidation() {
    return clientValidation;
  }

  public void setClientValidation(DownstreamValidation clientValidation) {
    this.clientValidation = clientValidation;
  }

  public Boolean getEnableFallbackCertificate() {
    return enableFallbackCertificate;
  }

  public void setEnableFallbackCertificate(Boolean enableFallbackCertificate) {
    this.enableFallbackCertificate = enableFallbackCertificate;
  }

  public Boolean getPassthrough() {
    return passthrough;
  }

  public void setPassthrough(Boolean passthrough) {
    this.passthrough = passthrough;
  }
}
