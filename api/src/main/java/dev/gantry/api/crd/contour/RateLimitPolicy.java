package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;

/**
 * A virtual host's or route's {@code rateLimitPolicy}: the local limit, counted by each Envoy on
 * its own, and the global one, counted by the hub's rate limit service for all Envoys.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class RateLimitPolicy extends UnknownFields {
  @JsonPropertyDescription("A token bucket each Envoy keeps for this virtual host or route.")
  private Local local;

  @JsonPropertyDescription("Descriptors the hub's rate limit service counts for all Envoys.")
  private GlobalRateLimitPolicy global;

  public GlobalRateLimitPolicy getGlobal() {
    return global;
  }

  public void setGlobal(GlobalRateLimitPolicy global) {
    this.global = global;
  }

  public Local getLocal() {
    return local;
  }

  public void setLocal(Local local) {
    this.local = local;
  }

  /** Contour's {@code LocalRateLimitPolicy}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class Local extends UnknownFields {
    @JsonPropertyDescription("Requests allowed per unit (at least 1).")
    private Long requests;

    @JsonPropertyDescription("second, minute or hour.")
    private String unit;

    @JsonPropertyDescription("Requests allowed above the rate in a burst.")
    private Long burst;

    @JsonPropertyDescription("Status of a refused request (default 429).")
    private Integer responseStatusCode;

    @JsonPropertyDescription("Headers added to a refused request's response.")
    private List<HTTPProxySpec.HeaderValue> responseHeadersToAdd;

    public Long getRequests() {
      return requests;
    }

    public void setRequests(Long requests) {
      this.requests = requests;
    }

    public String getUnit() {
      return unit;
    }

    public void setUnit(String unit) {
      this.unit = unit;
    }

    public Long getBurst() {
      return burst;
    }

    public void setBurst(Long burst) {
      this.burst = burst;
    }

    public Integer getResponseStatusCode() {
      return responseStatusCode;
    }

    public void setResponseStatusCode(Integer responseStatusCode) {
      this.responseStatusCode = responseStatusCode;
    }

    public List<HTTPProxySpec.HeaderValue> getResponseHeadersToAdd() {
      return responseHeadersToAdd;
    }

    public void setResponseHeadersToAdd(List<HTTPProxySpec.HeaderValue> responseHeadersToAdd) {
      this.responseHeadersToAdd = responseHeadersToAdd;
    }
  }
}
