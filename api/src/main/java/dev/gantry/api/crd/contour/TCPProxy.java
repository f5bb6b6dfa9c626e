package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy of a TLS virtual host: its services receive the stream (passed through or
 * terminated), balanced and checked as its policies say.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class TCPProxy extends UnknownFields {
  @JsonPropertyDescription("Services the TCP stream is balanced across.")
  private List<HTTPProxySpec.RouteService> services = new ArrayList<>();

  @JsonPropertyDescription(
      "How Envoy picks an endpoint: RoundRobin (default), WeightedLeastRequest or Random.")
  private LoadBalancerPolicy loadBalancerPolicy;

  @JsonPropertyDescription("Envoy checks each endpoint by connecting to it.")
  private TCPHealthCheckPolicy healthCheckPolicy;

  @JsonPropertyDescription(
      "Another HTTPProxy whose tcpproxy serves this one (instead of services).")
  private TCPProxyInclude include;

  @JsonProperty("includes")
  @JsonPropertyDescription(
      "Contour's deprecated spelling of include; include wins when both are set.")
  private TCPProxyInclude includesDeprecated;

  public TCPProxyInclude getInclude() {
    return include;
  }

  public void setInclude(TCPProxyInclude include) {
    this.include = include;
  }

  public TCPProxyInclude getIncludesDeprecated() {
    return includesDeprecated;
  }

  public void setIncludesDeprecated(TCPProxyInclude includesDeprecated) {
    this.includesDeprecated = includesDeprecated;
  }

  public LoadBalancerPolicy getLoadBalancerPolicy() {
    return loadBalancerPolicy;
  }

  public void setLoadBalancerPolicy(LoadBalancerPolicy loadBalancerPolicy) {
    this.loadBalancerPolicy = loadBalancerPolicy;
  }

  public TCPHealthCheckPolicy getHealthCheckPolicy() {
    return healthCheckPolicy;
  }

  public void setHealthCheckPolicy(TCPHealthCheckPolicy healthCheckPolicy) {
    this.healthCheckPolicy = healthCheckPolicy;
  }

  public List<HTTPProxySpec.RouteService> getServices() {
    return services;
  }

  public void setServices(List<HTTPProxySpec.RouteService> services) {
    this.services = services;
  }
}
