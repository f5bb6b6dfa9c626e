package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;

/**
 * Contour's {@code spec.virtualhost.jwtProviders[]}: how a JSON Web Token is verified (its issuer,
 * its audiences, the key set its signature is checked with), and whether routes require it unless
 * they say otherwise.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class JWTProvider extends UnknownFields {
  @JsonPropertyDescription("Unique name of the provider; routes require it by this name.")
  private String name;

  @JsonPropertyDescription(
      "Every route of the virtual host requires this provider unless it says otherwise; at most"
          + " one provider may be the default.")
  @JsonProperty("default")
  private Boolean defaultProvider;

  @JsonPropertyDescription("The token's iss claim must equal this; any issuer when unset.")
  private String issuer;

  @JsonPropertyDescription("The token's aud claim must hold one of these; any audience when unset.")
  private List<String> audiences;

  @JsonPropertyDescription("Where the JSON Web Key Set that verifies signatures is fetched.")
  private RemoteJWKS remoteJWKS;

  @JsonPropertyDescription("Forward the token to the backend (it is removed when unset).")
  private Boolean forwardJWT;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Boolean getDefault() {
    return defaultProvider;
  }

  public void setDefault(Boolean value) {
    this.defaultProvider = value;
  }

  public String getIssuer() {
    return issuer;
  }

  public void setIssuer(String issuer) {
    this.issuer = issuer;
  }

  public List<String> getAudiences() {
    return audiences;
  }

  public void setAudiences(List<String> audiences) {
    this.audiences = audiences;
  }

  public RemoteJWKS getRemoteJWKS() {
    return remoteJWKS;
  }

  public void setRemoteJWKS(RemoteJWKS remoteJWKS) {
    this.remoteJWKS = remoteJWKS;
  }

  public Boolean getForwardJWT() {
    return forwardJWT;
  }

  public void setForwardJWT(Boolean forwardJWT) {
    this.forwardJWT = forwardJWT;
  }
}
