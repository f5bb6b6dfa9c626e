package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.ArrayList;
import java.util.List;

/** A TCP proxy for a passthrough virtual host: its services receive the TLS stream. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class TCPProxy extends UnknownFields {
  @JsonPropertyDescription("Services the TCP stream is balanced across.")
  private List<HTTPProxySpec.RouteService> services = new ArrayList<>();

  public List<HTTPProxySpec.RouteService> getServices() {
    return services;
  }

  public void setServices(List<HTTPProxySpec.RouteService> services) {
    this.services = services;
  }
}
