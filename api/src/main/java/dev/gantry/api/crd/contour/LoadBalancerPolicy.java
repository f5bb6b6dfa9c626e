package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.ArrayList;
import java.util.List;

/**
 * Contour's LoadBalancerPolicy of a route: a strategy and, for {@code RequestHash}, what of the
 * request to hash. Its own file because HTTPProxySpec is long enough.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class LoadBalancerPolicy extends UnknownFields {
  @JsonPropertyDescription(
      "RoundRobin (default), WeightedLeastRequest, Random, Cookie or RequestHash; an unknown"
          + " name means RoundRobin.")
  private String strategy;

  @JsonPropertyDescription(
      "What to hash with the RequestHash strategy; invalid entries are ignored, and with none"
          + " left the strategy is RoundRobin.")
  private List<RequestHashPolicy> requestHashPolicies = new ArrayList<>();

  public String getStrategy() {
    return strategy;
  }

  public void setStrategy(String strategy) {
    this.strategy = strategy;
  }

  public List<RequestHashPolicy> getRequestHashPolicies() {
    return requestHashPolicies;
  }

  public void setRequestHashPolicies(List<RequestHashPolicy> requestHashPolicies) {
    this.requestHashPolicies = requestHashPolicies;
  }

  /** One request attribute to hash: exactly one of a header, a query parameter, the source IP. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class RequestHashPolicy extends UnknownFields {
    @JsonPropertyDescription(
        "When the attribute is present, no further hash policies are used for the request.")
    private Boolean terminal;

    @JsonPropertyDescription("Hash the value of a request header.")
    private HeaderHashOptions headerHashOptions;

    @JsonPropertyDescription("Hash the value of a query parameter.")
    private QueryParameterHashOptions queryParameterHashOptions;

    @JsonProperty("hashSourceIP")
    @JsonPropertyDescription("Hash the client's source IP address.")
    private Boolean hashSourceIP;

    public Boolean getTerminal() {
      return terminal;
    }

    public void setTerminal(Boolean terminal) {
      this.terminal = terminal;
    }

    public HeaderHashOptions getHeaderHashOptions() {
      return headerHashOptions;
    }

    public void setHeaderHashOptions(HeaderHashOptions headerHashOptions) {
      this.headerHashOptions = headerHashOptions;
    }

    public QueryParameterHashOptions getQueryParameterHashOptions() {
      return queryParameterHashOptions;
    }

    public void setQueryParameterHashOptions(QueryParameterHashOptions queryParameterHashOptions) {
      this.queryParameterHashOptions = queryParameterHashOptions;
    }

    @JsonProperty("hashSourceIP")
    public Boolean getHashSourceIP() {
      return hashSourceIP;
    }

    @JsonProperty("hashSourceIP")
    public void setHashSourceIP(Boolean hashSourceIP) {
      this.hashSourceIP = hashSourceIP;
    }
  }

  /** The header whose value is hashed; no hash is produced when it is absent. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class HeaderHashOptions extends UnknownFields {
    @JsonPropertyDescription("Name of the request header to hash.")
    private String headerName;

    public HeaderHashOptions() {}

    public HeaderHashOptions(String headerName) {
      this.headerName = headerName;
    }

    public String getHeaderName() {
      return headerName;
    }

    public void setHeaderName(String headerName) {
      this.headerName = headerName;
    }
  }

  /** The query parameter whose value is hashed; no hash is produced when it is absent. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class QueryParameterHashOptions extends UnknownFields {
    @JsonPropertyDescription("Name of the query parameter to hash.")
    private String parameterName;

    public QueryParameterHashOptions() {}

    public QueryParameterHashOptions(String parameterName) {
      this.parameterName = parameterName;
    }

    public String getParameterName() {
      return parameterName;
    }

    public void setParameterName(String parameterName) {
      this.parameterName = parameterName;
    }
  }
}
