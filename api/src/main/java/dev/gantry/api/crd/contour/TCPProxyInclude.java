package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/** Contour's TCPProxyInclude: the HTTPProxy, by name and namespace, whose tcpproxy this one is. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class TCPProxyInclude extends UnknownFields {
  @JsonPropertyDescription("Name of the included HTTPProxy.")
  private String name;

  @JsonPropertyDescription(
      "Namespace of the included HTTPProxy; this proxy's namespace when empty.")
  private String namespace;

  public TCPProxyInclude() {}

  public TCPProxyInclude(String name, String namespace) {
    this.name = name;
    this.namespace = namespace;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }
}
