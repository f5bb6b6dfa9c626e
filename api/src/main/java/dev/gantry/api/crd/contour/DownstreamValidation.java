package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/**
 * A virtual host's {@code tls.clientValidation}: how Envoy checks the certificate a client presents
 * (Contour's {@code DownstreamValidation}), and what of it the backend is told.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class DownstreamValidation extends UnknownFields {
  @JsonPropertyDescription(
      "A Secret (Opaque or kubernetes.io/tls) whose ca.crt holds the CA certificates a client"
          + " certificate must chain to; name or namespace/name. Required unless"
          + " skipClientCertValidation is true.")
  private String caSecret;

  @JsonPropertyDescription(
      "Request a client certificate but do not verify it (for an external authorization server"
          + " that does); with caSecret a certificate is still required.")
  private Boolean skipClientCertValidation;

  @JsonPropertyDescription(
      "Details of the client certificate to forward to the backend in"
          + " X-Forwarded-Client-Cert.")
  private ClientCertificateDetails forwardClientCertificate;

  @JsonPropertyDescription(
      "A Secret whose crl.pem holds PEM certificate revocation lists, checked against the client"
          + " certificate's chain; name or namespace/name. Needs caSecret.")
  private String crlSecret;

  @JsonPropertyDescription(
      "Check only the client certificate itself against the revocation lists, not its"
          + " issuers.")
  private Boolean crlOnlyVerifyLeafCert;

  @JsonPropertyDescription(
      "Request a client certificate but serve clients that present none; one presented is"
          + " still verified.")
  private Boolean optionalClientCertificate;

  public String getCaSecret() {
    return caSecret;
  }

  public void setCaSecret(String caSecret) {
    this.caSecret = caSecret;
  }

  public Boolean getSkipClientCertValidation() {
    return skipClientCertValidation;
  }

  public void setSkipClientCertValidation(Boolean skipClientCertValidation) {
    this.skipClientCertValidation = skipClientCertValidation;
  }

  public ClientCertificateDetails getForwardClientCertificate() {
    return forwardClientCertificate;
  }

  public void setForwardClientCertificate(ClientCertificateDetails forwardClientCertificate) {
    this.forwardClientCertificate = forwardClientCertificate;
  }

  public String getCrlSecret() {
    return crlSecret;
  }

  public void setCrlSecret(String crlSecret) {
    this.crlSecret = crlSecret;
  }

  public Boolean getCrlOnlyVerifyLeafCert() {
    return crlOnlyVerifyLeafCert;
  }

  public void setCrlOnlyVerifyLeafCert(Boolean crlOnlyVerifyLeafCert) {
    this.crlOnlyVerifyLeafCert = crlOnlyVerifyLeafCert;
  }

  public Boolean getOptionalClientCertificate() {
    return optionalClientCertificate;
  }

  public void setOptionalClientCertificate(Boolean optionalClientCertificate) {
    this.optionalClientCertificate = optionalClientCertificate;
  }

  /** Which parts of the client certificate go to the backend (Contour's names). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class ClientCertificateDetails extends UnknownFields {
    @JsonPropertyDescription("The certificate's subject.")
    private Boolean subject;

    @JsonPropertyDescription("The certificate, URL-encoded PEM.")
    private Boolean cert;

    @JsonPropertyDescription("The certificate's chain, leaf first, URL-encoded PEM.")
    private Boolean chain;

    @JsonPropertyDescription("The certificate's DNS subject alternative names.")
    private Boolean dns;

    @JsonPropertyDescription("The certificate's URI subject alternative name.")
    private Boolean uri;

    public Boolean getSubject() {
      return subject;
    }

    public void setSubject(Boolean subject) {
      this.subject = subject;
    }

    public Boolean getCert() {
      return cert;
    }

    public void setCert(Boolean cert) {
      this.cert = cert;
    }

    public Boolean getChain() {
      return chain;
    }

    public void setChain(Boolean chain) {
      this.chain = chain;
    }

    public Boolean getDns() {
      return dns;
    }

    public void setDns(Boolean dns) {
      this.dns = dns;
    }

    public Boolean getUri() {
      return uri;
    }

    public void setUri(Boolean uri) {
      this.uri = uri;
    }
  }
}
