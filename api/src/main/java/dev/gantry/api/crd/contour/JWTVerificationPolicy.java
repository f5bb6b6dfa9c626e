package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/**
 * Contour's route {@code jwtVerificationPolicy}: the provider whose token the route requires
 * instead of the virtual host's default, or none at all.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class JWTVerificationPolicy extends UnknownFields {
  @JsonPropertyDescription("The name of the provider whose token this route requires.")
  private String require;

  @JsonPropertyDescription("This route requires no token, not even the default provider's.")
  private Boolean disabled;

  public JWTVerificationPolicy() {}

  public JWTVerificationPolicy(String require, Boolean disabled) {
    this.require = require;
    this.disabled = disabled;
  }

  public String getRequire() {
    return require;
  }

  public void setRequire(String require) {
    this.require = require;
  }

  public Boolean getDisabled() {
    return disabled;
  }

  public void setDisabled(Boolean disabled) {
    this.disabled = disabled;
  }
}
