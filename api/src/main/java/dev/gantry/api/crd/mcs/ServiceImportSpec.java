package dev.gantry.api.crd.mcs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** Ports and type of an imported service (the upstream MCS spec, without session affinity). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class ServiceImportSpec extends UnknownFields {
  /** The upstream enum: a cluster-set virtual IP, or endpoints addressed directly. */
  public enum Type {
    ClusterSetIP,
    Headless
  }

  @JsonPropertyDescription("ClusterSetIP (with ips) or Headless.")
  @Required
  private Type type;

  @JsonPropertyDescription("The service's ports.")
  @Required
  private List<Port> ports = new ArrayList<>();

  @JsonPropertyDescription("Cluster-set virtual IPs; empty for Headless.")
  private List<String> ips;

  public Type getType() {
    return type;
  }

  public void setType(Type type) {
    this.type = type;
  }

  public List<Port> getPorts() {
    return ports;
  }

  public void setPorts(List<Port> ports) {
    this.ports = ports;
  }

  public List<String> getIps() {
    return ips;
  }

  public void setIps(List<String> ips) {
    this.ips = ips;
  }

  /** One port, as in a Service. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class Port extends UnknownFields {
    private String name;

    @JsonPropertyDescription("TCP, UDP or SCTP; TCP when unset.")
    private String protocol;

    private String appProtocol;

    @Required
    @Min(1)
    @Max(65535)
    private Integer port;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getProtocol() {
      return protocol;
    }

    public void setProtocol(String protocol) {
      this.protocol = protocol;
    }

    public String getAppProtocol() {
      return appProtocol;
    }

    public void setAppProtocol(String appProtocol) {
      this.appProtocol = appProtocol;
    }

    public Integer getPort() {
      return port;
    }

    public void setPort(Integer port) {
      this.port = port;
    }
  }
}
