package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** What an HTTPProxy asks for: a virtual host and its routes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HTTPProxySpec {
  @JsonPropertyDescription(
      "The ingress class this proxy belongs to; Gantry serves its own class only.")
  private String ingressClassName;

  @JsonPropertyDescription("The fully qualified domain name this root proxy serves.")
  private VirtualHost virtualhost;

  @JsonPropertyDescription("Routes of this proxy, matched by their conditions.")
  private List<Route> routes = new ArrayList<>();

  public String getIngressClassName() {
    return ingressClassName;
  }

  public void setIngressClassName(String ingressClassName) {
    this.ingressClassName = ingressClassName;
  }

  public VirtualHost getVirtualhost() {
    return virtualhost;
  }

  public void setVirtualhost(VirtualHost virtualhost) {
    this.virtualhost = virtualhost;
  }

  public List<Route> getRoutes() {
    return routes;
  }

  public void setRoutes(List<Route> routes) {
    this.routes = routes;
  }

  /** The host name of a root proxy. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class VirtualHost {
    @JsonPropertyDescription("Fully qualified domain name, e.g. kuard.example.com.")
    private String fqdn;

    public String getFqdn() {
      return fqdn;
    }

    public void setFqdn(String fqdn) {
      this.fqdn = fqdn;
    }
  }

  /** One route: when its conditions match, traffic goes to its services by weight. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Route {
    private List<MatchCondition> conditions = new ArrayList<>();
    private List<RouteService> services = new ArrayList<>();

    public List<MatchCondition> getConditions() {
      return conditions;
    }

    public void setConditions(List<MatchCondition> conditions) {
      this.conditions = conditions;
    }

    public List<RouteService> getServices() {
      return services;
    }

    public void setServices(List<RouteService> services) {
      this.services = services;
    }
  }

  /** A match condition; this subset supports {@code prefix}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class MatchCondition {
    @JsonPropertyDescription("Path prefix the request must start with.")
    private String prefix;

    public String getPrefix() {
      return prefix;
    }

    public void setPrefix(String prefix) {
      this.prefix = prefix;
    }
  }

  /**
   * An upstream: a Service name in the proxy's namespace (a cluster's mirror like {@code
   * east-kuard}, or a federated name like {@code kuard}), a port and a weight.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RouteService {
    private String name;
    private Integer port;
    private Long weight;

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
