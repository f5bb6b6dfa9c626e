package dev.gantry.api.crd.mcs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.SessionAffinityConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * An imported service's spec as the MCS API ({@code v1beta1}) defines it. Gantry writes {@code
 * type} and {@code ports}; the other fields are kept as read, for the tools that set them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceImportSpec extends RoundTrippedFields {
  /** The upstream enum: a cluster-set virtual IP, or endpoints addressed directly. */
  public enum Type {
    ClusterSetIP,
    Headless
  }

  private Type type;
  private List<Port> ports = new ArrayList<>();
  private List<String> ips;
  private List<String> ipFamilies;
  private String sessionAffinity;
  private SessionAffinityConfig sessionAffinityConfig;
  private String internalTrafficPolicy;
  private String trafficDistribution;

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

  /** Cluster-set virtual IPs (at most 2); none for Headless. */
  public List<String> getIps() {
    return ips;
  }

  public void setIps(List<String> ips) {
    this.ips = ips;
  }

  public List<String> getIpFamilies() {
    return ipFamilies;
  }

  public void setIpFamilies(List<String> ipFamilies) {
    this.ipFamilies = ipFamilies;
  }

  public String getSessionAffinity() {
    return sessionAffinity;
  }

  public void setSessionAffinity(String sessionAffinity) {
    this.sessionAffinity = sessionAffinity;
  }

  public SessionAffinityConfig getSessionAffinityConfig() {
    return sessionAffinityConfig;
  }

  public void setSessionAffinityConfig(SessionAffinityConfig sessionAffinityConfig) {
    this.sessionAffinityConfig = sessionAffinityConfig;
  }

  public String getInternalTrafficPolicy() {
    return internalTrafficPolicy;
  }

  public void setInternalTrafficPolicy(String internalTrafficPolicy) {
    this.internalTrafficPolicy = internalTrafficPolicy;
  }

  public String getTrafficDistribution() {
    return trafficDistribution;
  }

  public void setTrafficDistribution(String trafficDistribution) {
    this.trafficDistribution = trafficDistribution;
  }

  /** One port, as in a Service. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Port extends RoundTrippedFields {
    private String name;
    private String protocol;
    private String appProtocol;
    private Integer port;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    /** TCP, UDP or SCTP; TCP when unset. */
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
