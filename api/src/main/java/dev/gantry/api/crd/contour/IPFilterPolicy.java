package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/**
 * One rule of an {@code ipAllowPolicy} or {@code ipDenyPolicy}: a CIDR range (or a bare address)
 * matched against the connection's peer address or the client address Envoy derives ({@code
 * Remote}: X-Forwarded-For or PROXY protocol).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class IPFilterPolicy extends UnknownFields {
  @JsonPropertyDescription(
      "Peer: the address of the connection to Envoy; Remote: the client address Envoy derives"
          + " from X-Forwarded-For or PROXY protocol.")
  private String source;

  @JsonPropertyDescription("A CIDR range (10.8.0.0/16) or a bare address (10.8.0.1, fd00::1).")
  private String cidr;

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  public String getCidr() {
    return cidr;
  }

  public void setCidr(String cidr) {
    this.cidr = cidr;
  }
}
