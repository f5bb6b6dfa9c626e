package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.ArrayList;
import java.util.List;

/** Cross-origin resource sharing for a virtual host. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class CORSPolicy extends UnknownFields {
  @JsonPropertyDescription("Whether the response may be exposed when credentials are sent.")
  private Boolean allowCredentials;

  @JsonPropertyDescription("Origins allowed: exact origins, * or regular expressions.")
  private List<String> allowOrigin = new ArrayList<>();

  @JsonPropertyDescription("Methods allowed (required).")
  private List<String> allowMethods = new ArrayList<>();

  @JsonPropertyDescription("Request headers allowed.")
  private List<String> allowHeaders = new ArrayList<>();

  @JsonPropertyDescription("Response headers exposed to the page.")
  private List<String> exposeHeaders = new ArrayList<>();

  @JsonPropertyDescription(
      "How long a preflight answer may be cached, e.g. 10m; 0s disables caching.")
  private String maxAge;

  @JsonPropertyDescription("Allow requests from public to private networks.")
  private Boolean allowPrivateNetwork;

  public Boolean getAllowCredentials() {
    return allowCredentials;
  }

  public void setAllowCredentials(Boolean allowCredentials) {
    this.allowCredentials = allowCredentials;
  }

  public List<String> getAllowOrigin() {
    return allowOrigin;
  }

  public void setAllowOrigin(List<String> allowOrigin) {
    this.allowOrigin = allowOrigin;
  }

  public List<String> getAllowMethods() {
    return allowMethods;
  }

  public void setAllowMethods(List<String> allowMethods) {
    this.allowMethods = allowMethods;
  }

  public List<String> getAllowHeaders() {
    return allowHeaders;
  }

  public void setAllowHeaders(List<String> allowHeaders) {
    this.allowHeaders = allowHeaders;
  }

  public List<String> getExposeHeaders() {
    return exposeHeaders;
  }

  public void setExposeHeaders(List<String> exposeHeaders) {
    this.exposeHeaders = exposeHeaders;
  }

  public String getMaxAge() {
    return maxAge;
  }

  public void setMaxAge(String maxAge) {
    this.maxAge = maxAge;
  }

  public Boolean getAllowPrivateNetwork() {
    return allowPrivateNetwork;
  }

  public void setAllowPrivateNetwork(Boolean allowPrivateNetwork) {
    this.allowPrivateNetwork = allowPrivateNetwork;
  }
}
