package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/** Answer with a fixed status and body instead of routing to services. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class DirectResponsePolicy extends UnknownFields {
  @JsonPropertyDescription("HTTP status, 200-599.")
  private Integer statusCode;

  @JsonPropertyDescription("Response body, at most 4096 bytes.")
  private String body;

  public Integer getStatusCode() {
    return statusCode;
  }

  public void setStatusCode(Integer statusCode) {
    this.statusCode = statusCode;
  }

  public String getBody() {
    return body;
  }

  public void setBody(String body) {
    this.body = body;
  }
}
