package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import java.util.List;

/**
 * Who may reach a virtual host or a route, and how often: what {@link HTTPProxySpec.VirtualHost}
 * and {@link HTTPProxySpec.Route} both carry. A route's own replace its virtual host's.
 */
public abstract class AccessPolicies extends UnknownFields {
  @JsonPropertyDescription(
      "Only requests from these ranges are served (403 otherwise); not with ipDenyPolicy.")
  private List<IPFilterPolicy> ipAllowPolicy;

  @JsonPropertyDescription(
      "Requests from these ranges are refused with 403; not with ipAllowPolicy.")
  private List<IPFilterPolicy> ipDenyPolicy;

  @JsonPropertyDescription("A local rate limit.")
  private RateLimitPolicy rateLimitPolicy;

  public List<IPFilterPolicy> getIpAllowPolicy() {
    return ipAllowPolicy;
  }

  public void setIpAllowPolicy(List<IPFilterPolicy> ipAllowPolicy) {
    this.ipAllowPolicy = ipAllowPolicy;
  }

  public List<IPFilterPolicy> getIpDenyPolicy() {
    return ipDenyPolicy;
  }

  public void setIpDenyPolicy(List<IPFilterPolicy> ipDenyPolicy) {
    this.ipDenyPolicy = ipDenyPolicy;
  }

  public RateLimitPolicy getRateLimitPolicy() {
    return rateLimitPolicy;
  }

  public void setRateLimitPolicy(RateLimitPolicy rateLimitPolicy) {
    this.rateLimitPolicy = rateLimitPolicy;
  }
}
