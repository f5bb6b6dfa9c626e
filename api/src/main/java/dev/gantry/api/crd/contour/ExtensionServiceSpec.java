package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.ArrayList;
import java.util.List;

/** Where an ExtensionService's gRPC server runs and how Envoy speaks to it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class ExtensionServiceSpec extends UnknownFields {
  @JsonPropertyDescription(
      "The Services of this namespace (or a cluster's mirror, <cluster>-<name>) that serve the"
          + " extension.")
  private List<Target> services = new ArrayList<>();

  @JsonPropertyDescription("h2 (HTTP/2 over TLS, the default) or h2c (HTTP/2 in clear text).")
  private String protocol;

  @JsonPropertyDescription("The version of Envoy's API the server speaks; only v3.")
  private String protocolVersion;

  @JsonPropertyDescription("How Envoy verifies the server's certificate (protocol h2).")
  private UpstreamValidation upstreamValidation;

  @JsonPropertyDescription("How Envoy picks one of the server's endpoints.")
  private LoadBalancerPolicy loadBalancerPolicy;

  @JsonPropertyDescription("How long Envoy waits for the server's answer.")
  private HTTPProxySpec.TimeoutPolicy timeoutPolicy;

  public List<Target> getServices() {
    return services;
  }

  public void setServices(List<Target> services) {
    this.services = services;
  }

  public String getProtocol() {
    return protocol;
  }

  public void setProtocol(String protocol) {
    this.protocol = protocol;
  }

  public String getProtocolVersion() {
    return protocolVersion;
  }

  public void setProtocolVersion(String protocolVersion) {
    this.protocolVersion = protocolVersion;
  }

  public UpstreamValidation getUpstreamValidation() {
    return upstreamValidation;
  }

  public void setUpstreamValidation(UpstreamValidation upstreamValidation) {
    this.upstreamValidation = upstreamValidation;
  }

  public LoadBalancerPolicy getLoadBalancerPolicy() {
    return loadBalancerPolicy;
  }

  public void setLoadBalancerPolicy(LoadBalancerPolicy loadBalancerPolicy) {
    this.loadBalancerPolicy = loadBalancerPolicy;
  }

  public HTTPProxySpec.TimeoutPolicy getTimeoutPolicy() {
    return timeoutPolicy;
  }

  public void setTimeoutPolicy(HTTPProxySpec.TimeoutPolicy timeoutPolicy) {
    this.timeoutPolicy = timeoutPolicy;
  }

  /** One Service port that serves the extension. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class Target extends UnknownFields {
    @JsonPropertyDescription("The Service's name, in the ExtensionService's namespace.")
    private String name;

    @JsonPropertyDescription("The Service's port.")
    private Integer port;

    @JsonPropertyDescription("The share of requests this Service gets among the others.")
    private Long weight;

    public Target() {}

    public Target(String name, int port) {
      this.name = name;
      this.port = port;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public Integer getPort() {
      return port;
    }

    public void setPort(Integer port) {
      this.port = port;
    }

    public Long getWeight() {
      return weight;
    }

    public void setWeight(Long weight) {
      this.weight = weight;
    }
  }
}
