package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/** Answer with a redirect instead of routing to services. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class RequestRedirectPolicy extends UnknownFields {
  @JsonPropertyDescription("Scheme of the Location: http or https.")
  private String scheme;

  @JsonPropertyDescription("Host name of the Location.")
  private String hostname;

  @JsonPropertyDescription("Port of the Location.")
  private Integer port;

  @JsonPropertyDescription("301 (default) or 302.")
  private Integer statusCode;

  @JsonPropertyDescription("Replaces the whole path.")
  private String path;

  @JsonPropertyDescription("Replaces the matched prefix.")
  private String prefix;

  public String getScheme() {
    return scheme;
  }

  public void setScheme(String scheme) {
    this.scheme = scheme;
  }

  public String getHostname() {
    return hostname;
  }

  public void setHostname(String hostname) {
    this.hostname = hostname;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Integer getStatusCode() {
    return statusCode;
  }

  public void setStatusCode(Integer statusCode) {
    this.statusCode = statusCode;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public String getPrefix() {
    return prefix;
  }

  public void setPrefix(String prefix) {
    this.prefix = prefix;
  }
}
