package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/**
 * Contour's {@code spec.virtualhost.authorization}: the ExtensionService that authorizes each
 * request to the virtual host, and how.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class AuthorizationServer extends UnknownFields {
  @JsonPropertyDescription("The ExtensionService that authorizes requests.")
  private ExtensionServiceReference extensionRef;

  @JsonPropertyDescription(
      "How long to wait for the server's answer (a Go duration or infinity); the"
          + " ExtensionService's timeoutPolicy.response when unset.")
  private String responseTimeout;

  @JsonPropertyDescription("Serve requests when the server does not answer.")
  private Boolean failOpen;

  @JsonPropertyDescription("Whether requests are authorized, and the context sent along.")
  private AuthorizationPolicy authPolicy;

  @JsonPropertyDescription("Send the request body to the server too.")
  private RequestBody withRequestBody;

  public ExtensionServiceReference getExtensionRef() {
    return extensionRef;
  }

  public void setExtensionRef(ExtensionServiceReference extensionRef) {
    this.extensionRef = extensionRef;
  }

  public String getResponseTimeout() {
    return responseTimeout;
  }

  public void setResponseTimeout(String responseTimeout) {
    this.responseTimeout = responseTimeout;
  }

  public Boolean getFailOpen() {
    return failOpen;
  }

  public void setFailOpen(Boolean failOpen) {
    this.failOpen = failOpen;
  }

  public AuthorizationPolicy getAuthPolicy() {
    return authPolicy;
  }

  public void setAuthPolicy(AuthorizationPolicy authPolicy) {
    this.authPolicy = authPolicy;
  }

  public RequestBody getWithRequestBody() {
    return withRequestBody;
  }

  public void setWithRequestBody(RequestBody withRequestBody) {
    this.withRequestBody = withRequestBody;
  }

  /** An ExtensionService by namespace (the proxy's when unset) and name. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class ExtensionServiceReference extends UnknownFields {
    @JsonPropertyDescription("projectcontour.io/v1alpha1, the default.")
    private String apiVersion;

    @JsonPropertyDescription("The ExtensionService's namespace; the proxy's when unset.")
    private String namespace;

    @JsonPropertyDescription("The ExtensionService's name.")
    private String name;

    public ExtensionServiceReference() {}

    public ExtensionServiceReference(String namespace, String name) {
      this.namespace = namespace;
      this.name = name;
    }

    public String getApiVersion() {
      return apiVersion;
    }

    public void setApiVersion(String apiVersion) {
      this.apiVersion = apiVersion;
    }

    public String getNamespace() {
      return namespace;
    }

    public void setNamespace(String namespace) {
      this.namespace = namespace;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }
  }

  /** How much of the request body the server gets. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class RequestBody extends UnknownFields {
    @JsonPropertyDescription("At most this many bytes of the body (1024 when unset).")
    private Long maxRequestBytes;

    @JsonPropertyDescription("Send the first maxRequestBytes of a longer body instead of 413.")
    private Boolean allowPartialMessage;

    @JsonPropertyDescription("Send the body as raw bytes instead of a UTF-8 string.")
    private Boolean packAsBytes;

    public Long getMaxRequestBytes() {
      return maxRequestBytes;
    }

    public void setMaxRequestBytes(Long maxRequestBytes) {
      this.maxRequestBytes = maxRequestBytes;
    }

    public Boolean getAllowPartialMessage() {
      return allowPartialMessage;
    }

    public void setAllowPartialMessage(Boolean allowPartialMessage) {
      this.allowPartialMessage = allowPartialMessage;
    }

    public Boolean getPackAsBytes() {
      return packAsBytes;
    }

    public void setPackAsBytes(Boolean packAsBytes) {
      this.packAsBytes = packAsBytes;
    }
  }
}
