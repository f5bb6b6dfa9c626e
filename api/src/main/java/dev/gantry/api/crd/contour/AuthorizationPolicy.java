package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.Map;

/**
 * Contour's AuthorizationPolicy of a virtual host or route: whether its requests are authorized,
 * and key-value pairs sent to the server with each (a route's added to its virtual host's).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class AuthorizationPolicy extends UnknownFields {
  @JsonPropertyDescription("Requests are not authorized; a route's replaces its virtual host's.")
  private Boolean disabled;

  @JsonPropertyDescription("Sent to the server as the check request's context extensions.")
  private Map<String, String> context;

  public AuthorizationPolicy() {}

  public AuthorizationPolicy(Boolean disabled, Map<String, String> context) {
    this.disabled = disabled;
    this.context = context;
  }

  public Boolean getDisabled() {
    return disabled;
  }

  public void setDisabled(Boolean disabled) {
    this.disabled = disabled;
  }

  public Map<String, String> getContext() {
    return context;
  }

  public void setContext(Map<String, String> context) {
    this.context = context;
  }
}
