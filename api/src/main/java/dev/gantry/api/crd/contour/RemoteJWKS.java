package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/**
 * Contour's {@code remoteJWKS} of a JWT provider: the HTTP(S) URI of a JSON Web Key Set, how long
 * to wait for it and keep it, how its host name is resolved and how its server is verified.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class RemoteJWKS extends UnknownFields {
  @JsonPropertyDescription("The http or https URI of the key set.")
  private String uri;

  @JsonPropertyDescription("How long to wait for the key set, a duration (1s when unset).")
  private String timeout;

  @JsonPropertyDescription("How long the key set is kept, a duration (Envoy's 10m when unset).")
  private String cacheDuration;

  @JsonPropertyDescription(
      "How the URI's host name is resolved: auto, v4, v6 or all (Envoy's auto when unset).")
  private String dnsLookupFamily;

  @JsonProperty("validation")
  @JsonPropertyDescription(
      "Verify the key set server's certificate (https only): the CA Secret and the names.")
  private UpstreamValidation validation;

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }

  public String getCacheDuration() {
    return cacheDuration;
  }

  public void setCacheDuration(String cacheDuration) {
    this.cacheDuration = cacheDuration;
  }

  public String getDnsLookupFamily() {
    return dnsLookupFamily;
  }

  public void setDnsLookupFamily(String dnsLookupFamily) {
    this.dnsLookupFamily = dnsLookupFamily;
  }

  public UpstreamValidation getValidation() {
    return validation;
  }

  public void setValidation(UpstreamValidation validation) {
    this.validation = validation;
  }
}
