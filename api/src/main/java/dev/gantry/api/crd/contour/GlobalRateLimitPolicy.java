package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;

/**
 * Contour's {@code GlobalRateLimitPolicy} of a virtual host or route: the descriptors Envoy sends
 * to the hub's rate limit service for each request, which answers whether it is over a limit; or,
 * on a route, {@code disabled} to leave out its virtual host's descriptors.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class GlobalRateLimitPolicy extends UnknownFields {
  @JsonPropertyDescription(
      "No global rate limit here: on a route, its virtual host's descriptors are not sent; on a"
          + " virtual host, the hub's default policy does not apply.")
  private Boolean disabled;

  @JsonPropertyDescription("The descriptors sent for each request, each a list of entries.")
  private List<Descriptor> descriptors;

  public Boolean getDisabled() {
    return disabled;
  }

  public void setDisabled(Boolean disabled) {
    this.disabled = disabled;
  }

  public List<Descriptor> getDescriptors() {
    return descriptors;
  }

  public void setDescriptors(List<Descriptor> descriptors) {
    this.descriptors = descriptors;
  }

  /** Contour's {@code RateLimitDescriptor}: entries the service sees together, in order. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class Descriptor extends UnknownFields {
    @JsonPropertyDescription("The entries of the descriptor (at least one).")
    private List<Entry> entries;

    public List<Entry> getEntries() {
      return entries;
    }

    public void setEntries(List<Entry> entries) {
      this.entries = entries;
    }
  }

  /** Contour's {@code RateLimitDescriptorEntry}: exactly one of its fields. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class Entry extends UnknownFields {
    @JsonPropertyDescription("A fixed key and value.")
    private GenericKey genericKey;

    @JsonPropertyDescription("The value of a request header, under a key; none if it is absent.")
    private RequestHeader requestHeader;

    @JsonPropertyDescription("A fixed value when the request's headers match (or do not).")
    private RequestHeaderValueMatch requestHeaderValueMatch;

    @JsonPropertyDescription("The client's address, under the key remote_address.")
    private RemoteAddress remoteAddress;

    public GenericKey getGenericKey() {
      return genericKey;
    }

    public void setGenericKey(GenericKey genericKey) {
      this.genericKey = genericKey;
    }

    public RequestHeader getRequestHeader() {
      return requestHeader;
    }

    public void setRequestHeader(RequestHeader requestHeader) {
      this.requestHeader = requestHeader;
    }

    public RequestHeaderValueMatch getRequestHeaderValueMatch() {
      return requestHeaderValueMatch;
    }

    public void setRequestHeaderValueMatch(RequestHeaderValueMatch requestHeaderValueMatch) {
      this.requestHeaderValueMatch = requestHeaderValueMatch;
    }

    public RemoteAddress getRemoteAddress() {
      return remoteAddress;
    }

    public void setRemoteAddress(RemoteAddress remoteAddress) {
      this.remoteAddress = remoteAddress;
    }
  }

  /** Contour's {@code GenericKeyDescriptor}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class GenericKey extends UnknownFields {
    @JsonPropertyDescription("The key (default generic_key).")
    private String key;

    @JsonPropertyDescription("The value (required).")
    private String value;

    public GenericKey() {}

    public GenericKey(String key, String value) {
      this.key = key;
      this.value = value;
    }

    public String getKey() {
      return key;
    }

    public void setKey(String key) {
      this.key = key;
    }

    public String getValue() {
      return value;
    }

    public void setValue(String value) {
      this.value = value;
    }
  }

  /** Contour's {@code RequestHeaderDescriptor}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class RequestHeader extends UnknownFields {
    @JsonPropertyDescription("The request header whose value is sent.")
    private String headerName;

    @JsonPropertyDescription("The key the value is sent under.")
    private String descriptorKey;

    public RequestHeader() {}

    public RequestHeader(String headerName, String descriptorKey) {
      this.headerName = headerName;
      this.descriptorKey = descriptorKey;
    }

    public String getHeaderName() {
      return headerName;
    }

    public void setHeaderName(String headerName) {
      this.headerName = headerName;
    }

    public String getDescriptorKey() {
      return descriptorKey;
    }

    public void setDescriptorKey(String descriptorKey) {
      this.descriptorKey = descriptorKey;
    }
  }

  /** Contour's {@code RequestHeaderValueMatchDescriptor}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class RequestHeaderValueMatch extends UnknownFields {
    @JsonPropertyDescription("The header conditions, all of which must hold (at least one).")
    private List<HTTPProxySpec.HeaderMatchCondition> headers;

    @JsonPropertyDescription("Whether the entry is sent when the headers match (default true).")
    private Boolean expectMatch;

    @JsonPropertyDescription("The value sent, under the key header_match.")
    private String value;

    public List<HTTPProxySpec.HeaderMatchCondition> getHeaders() {
      return headers;
    }

    public void setHeaders(List<HTTPProxySpec.HeaderMatchCondition> headers) {
      this.headers = headers;
    }

    public Boolean getExpectMatch() {
      return expectMatch;
    }

    public void setExpectMatch(Boolean expectMatch) {
      this.expectMatch = expectMatch;
    }

    public String getValue() {
      return value;
    }

    public void setValue(String value) {
      this.value = value;
    }
  }

  /** Contour's {@code RemoteAddressDescriptor}: no fields. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class RemoteAddress extends UnknownFields {}
}
