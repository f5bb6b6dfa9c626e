package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;

/**
 * Contour's {@code routes[].internalRedirectPolicy}: Envoy follows a backend's redirect itself and
 * answers the client with where it leads.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class InternalRedirectPolicy extends UnknownFields {
  @JsonPropertyDescription(
      "How many redirects one request may follow (Envoy's default, 1, when unset or 0).")
  private Long maxInternalRedirects;

  @JsonPropertyDescription("Which redirect statuses are followed: 301, 302, 303, 307, 308 (302).")
  private List<Integer> redirectResponseCodes;

  @JsonPropertyDescription(
      "Follow a redirect to another scheme: Always, Never (default) or SafeOnly (HTTPS to HTTP"
          + " and HTTP to HTTP).")
  private String allowCrossSchemeRedirect;

  @JsonPropertyDescription("Refuse a redirect to a route a previous redirect already went through.")
  private Boolean denyRepeatedRouteRedirect;

  public Long getMaxInternalRedirects() {
    return maxInternalRedirects;
  }

  public void setMaxInternalRedirects(Long maxInternalRedirects) {
    this.maxInternalRedirects = maxInternalRedirects;
  }

  public List<Integer> getRedirectResponseCodes() {
    return redirectResponseCodes;
  }

  public void setRedirectResponseCodes(List<Integer> redirectResponseCodes) {
    this.redirectResponseCodes = redirectResponseCodes;
  }

  public String getAllowCrossSchemeRedirect() {
    return allowCrossSchemeRedirect;
  }

  public void setAllowCrossSchemeRedirect(String allowCrossSchemeRedirect) {
    this.allowCrossSchemeRedirect = allowCrossSchemeRedirect;
  }

  public Boolean getDenyRepeatedRouteRedirect() {
    return denyRepeatedRouteRedirect;
  }

  public void setDenyRepeatedRouteRedirect(Boolean denyRepeatedRouteRedirect) {
    this.denyRepeatedRouteRedirect = denyRepeatedRouteRedirect;
  }
}
