package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.ArrayList;
import java.util.List;

/** What an HTTPProxy asks for: a virtual host and its routes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class HTTPProxySpec extends UnknownFields {
  @JsonPropertyDescription(
      "The ingress class this proxy belongs to; Gantry serves its own class only.")
  private String ingressClassName;

  @JsonPropertyDescription("The fully qualified domain name this root proxy serves.")
  private VirtualHost virtualhost;

  @JsonPropertyDescription("Routes of this proxy, matched by their conditions.")
  private List<Route> routes = new ArrayList<>();

  @JsonPropertyDescription(
      "Other HTTPProxies whose routes this proxy serves, under the include's conditions.")
  private List<Include> includes = new ArrayList<>();

  @JsonPropertyDescription("Where a passthrough virtual host's TLS streams go.")
  private TCPProxy tcpproxy;

  public List<Include> getIncludes() {
    return includes;
  }

  public void setIncludes(List<Include> includes) {
    this.includes = includes;
  }

  public TCPProxy getTcpproxy() {
    return tcpproxy;
  }

  public void setTcpproxy(TCPProxy tcpproxy) {
    this.tcpproxy = tcpproxy;
  }

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
  @PreserveUnknownFields
  public static class VirtualHost extends AccessPolicies {
    @JsonPropertyDescription("Fully qualified domain name, e.g. kuard.example.com.")
    private String fqdn;

    @JsonPropertyDescription("TLS termination or passthrough of this virtual host.")
    private TLS tls;

    @JsonPropertyDescription("Cross-origin resource sharing of this virtual host.")
    private CORSPolicy corsPolicy;

    @JsonPropertyDescription("An external server that authorizes each request (TLS hosts only).")
    private AuthorizationServer authorization;

    @JsonPropertyDescription(
        "Verifiers of JSON Web Tokens that routes may require (TLS hosts only); names unique, at"
            + " most one the default.")
    private List<JWTProvider> jwtProviders;

    public List<JWTProvider> getJwtProviders() {
      return jwtProviders;
    }

    public void setJwtProviders(List<JWTProvider> jwtProviders) {
      this.jwtProviders = jwtProviders;
    }

    public AuthorizationServer getAuthorization() {
      return authorization;
    }

    public void setAuthorization(AuthorizationServer authorization) {
      this.authorization = authorization;
    }

    public TLS getTls() {
      return tls;
    }

    public void setTls(TLS tls) {
      this.tls = tls;
    }

    public CORSPolicy getCorsPolicy() {
      return corsPolicy;
    }

    public void setCorsPolicy(CORSPolicy corsPolicy) {
      this.corsPolicy = corsPolicy;
    }

    public String getFqdn() {
      return fqdn;
    }

    public void setFqdn(String fqdn) {
      this.fqdn = fqdn;
    }
  }

  /** One route: when its conditions match, traffic goes to its services by weight. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class Route extends AccessPolicies {
    private List<MatchCondition> conditions = new ArrayList<>();
    private List<RouteService> services = new ArrayList<>();

    @JsonPropertyDescription("Headers set on or removed from the request before it goes upstream.")
    private HeadersPolicy requestHeadersPolicy;

    @JsonPropertyDescription("Headers set on or removed from the response.")
    private HeadersPolicy responseHeadersPolicy;

    @JsonPropertyDescription("How the path is rewritten before the request goes upstream.")
    private PathRewritePolicy pathRewritePolicy;

    @JsonPropertyDescription("Timeouts of this route.")
    private TimeoutPolicy timeoutPolicy;

    @JsonPropertyDescription("How failed requests of this route are retried.")
    private RetryPolicy retryPolicy;

    @JsonPropertyDescription("How Envoy picks an endpoint of this route's services.")
    private LoadBalancerPolicy loadBalancerPolicy;

    @JsonPropertyDescription("Allow WebSocket upgrades on this route.")
    private Boolean enableWebsockets;

    @JsonPropertyDescription("Serve this route over plain HTTP even when the virtual host has TLS.")
    private Boolean permitInsecure;

    @JsonPropertyDescription("HTTP active health checks of this route's services.")
    private HealthCheckPolicy healthCheckPolicy;

    @JsonPropertyDescription("Answer with a redirect instead of routing to services.")
    private RequestRedirectPolicy requestRedirectPolicy;

    @JsonPropertyDescription("Envoy follows the backend's redirects itself.")
    private InternalRedirectPolicy internalRedirectPolicy;

    public InternalRedirectPolicy getInternalRedirectPolicy() {
      return internalRedirectPolicy;
    }

    public void setInternalRedirectPolicy(InternalRedirectPolicy internalRedirectPolicy) {
      this.internalRedirectPolicy = internalRedirectPolicy;
    }

    @JsonPropertyDescription("Answer with a fixed response instead of routing to services.")
    private DirectResponsePolicy directResponsePolicy;

    @JsonPropertyDescription(
        "Whether this route's requests are authorized, and context added to the virtual host's.")
    private AuthorizationPolicy authPolicy;

    @JsonPropertyDescription(
        "The JWT provider this route requires instead of the virtual host's default, or none.")
    private JWTVerificationPolicy jwtVerificationPolicy;

    public JWTVerificationPolicy getJwtVerificationPolicy() {
      return jwtVerificationPolicy;
    }

    public void setJwtVerificationPolicy(JWTVerificationPolicy jwtVerificationPolicy) {
      this.jwtVerificationPolicy = jwtVerificationPolicy;
    }

    @JsonPropertyDescription("Attributes of the backends' Set-Cookie headers rewritten.")
    private List<CookieRewritePolicy> cookieRewritePolicies = new ArrayList<>();

    public List<CookieRewritePolicy> getCookieRewritePolicies() {
      return cookieRewritePolicies;
    }

    public void setCookieRewritePolicies(List<CookieRewritePolicy> cookieRewritePolicies) {
      this.cookieRewritePolicies = cookieRewritePolicies;
    }

    public AuthorizationPolicy getAuthPolicy() {
      return authPolicy;
    }

    public void setAuthPolicy(AuthorizationPolicy authPolicy) {
      this.authPolicy = authPolicy;
    }

    public Boolean getEnableWebsockets() {
      return enableWebsockets;
    }

    public void setEnableWebsockets(Boolean enableWebsockets) {
      this.enableWebsockets = enableWebsockets;
    }

    public Boolean getPermitInsecure() {
      return permitInsecure;
    }

    public void setPermitInsecure(Boolean permitInsecure) {
      this.permitInsecure = permitInsecure;
    }

    public HealthCheckPolicy getHealthCheckPolicy() {
      return healthCheckPolicy;
    }

    public void setHealthCheckPolicy(HealthCheckPolicy healthCheckPolicy) {
      this.healthCheckPolicy = healthCheckPolicy;
    }

    public RequestRedirectPolicy getRequestRedirectPolicy() {
      return requestRedirectPolicy;
    }

    public void setRequestRedirectPolicy(RequestRedirectPolicy requestRedirectPolicy) {
      this.requestRedirectPolicy = requestRedirectPolicy;
    }

    public DirectResponsePolicy getDirectResponsePolicy() {
      return directResponsePolicy;
    }

    public void setDirectResponsePolicy(DirectResponsePolicy directResponsePolicy) {
      this.directResponsePolicy = directResponsePolicy;
    }

    public LoadBalancerPolicy getLoadBalancerPolicy() {
      return loadBalancerPolicy;
    }

    public void setLoadBalancerPolicy(LoadBalancerPolicy loadBalancerPolicy) {
      this.loadBalancerPolicy = loadBalancerPolicy;
    }

    public TimeoutPolicy getTimeoutPolicy() {
      return timeoutPolicy;
    }

    public void setTimeoutPolicy(TimeoutPolicy timeoutPolicy) {
      this.timeoutPolicy = timeoutPolicy;
    }

    public RetryPolicy getRetryPolicy() {
      return retryPolicy;
    }

    public void setRetryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = retryPolicy;
    }

    public HeadersPolicy getRequestHeadersPolicy() {
      return requestHeadersPolicy;
    }

    public void setRequestHeadersPolicy(HeadersPolicy requestHeadersPolicy) {
      this.requestHeadersPolicy = requestHeadersPolicy;
    }

    public HeadersPolicy getResponseHeadersPolicy() {
      return responseHeadersPolicy;
    }

    public void setResponseHeadersPolicy(HeadersPolicy responseHeadersPolicy) {
      this.responseHeadersPolicy = responseHeadersPolicy;
    }

    public PathRewritePolicy getPathRewritePolicy() {
      return pathRewritePolicy;
    }

    public void setPathRewritePolicy(PathRewritePolicy pathRewritePolicy) {
      this.pathRewritePolicy = pathRewritePolicy;
    }

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

  /**
   * A match condition, as Contour's: exactly one of a path condition ({@code prefix}, {@code
   * exact}, {@code regex}), a {@code header} or a {@code queryParameter}. A route's conditions must
   * all match.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class MatchCondition extends UnknownFields {
    @JsonPropertyDescription("Path prefix the request must start with.")
    private String prefix;

    @JsonPropertyDescription("Path the request must equal.")
    private String exact;

    @JsonPropertyDescription("Regular expression (RE2) the whole path must match.")
    private String regex;

    @JsonPropertyDescription("A header the request must (or must not) carry.")
    private HeaderMatchCondition header;

    @JsonPropertyDescription("A query parameter the request must carry.")
    private QueryParameterMatchCondition queryParameter;

    public String getPrefix() {
      return prefix;
    }

    public void setPrefix(String prefix) {
      this.prefix = prefix;
    }

    public String getExact() {
      return exact;
    }

    public void setExact(String exact) {
      this.exact = exact;
    }

    public String getRegex() {
      return regex;
    }

    public void setRegex(String regex) {
      this.regex = regex;
    }

    public HeaderMatchCondition getHeader() {
      return header;
    }

    public void setHeader(HeaderMatchCondition header) {
      this.header = header;
    }

    public QueryParameterMatchCondition getQueryParameter() {
      return queryParameter;
    }

    public void setQueryParameter(QueryParameterMatchCondition queryParameter) {
      this.queryParameter = queryParameter;
    }
  }

  /** Contour's header condition: a name and exactly one way to match it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class HeaderMatchCondition extends UnknownFields {
    @JsonPropertyDescription("Header name, case-insensitive.")
    private String name;

    @JsonPropertyDescription("The header must be present.")
    private Boolean present;

    @JsonPropertyDescription("The header must be absent.")
    private Boolean notpresent;

    @JsonPropertyDescription("The header value must contain this.")
    private String contains;

    @JsonPropertyDescription("The header value must not contain this.")
    private String notcontains;

    @JsonPropertyDescription("The header value must equal this.")
    private String exact;

    @JsonPropertyDescription("The header value must not equal this.")
    private String notexact;

    @JsonPropertyDescription("The header value must match this regular expression (RE2).")
    private String regex;

    @JsonPropertyDescription("exact and notexact ignore case.")
    private Boolean ignoreCase;

    @JsonPropertyDescription("Compare a missing header as an empty value.")
    private Boolean treatMissingAsEmpty;

    public Boolean getTreatMissingAsEmpty() {
      return treatMissingAsEmpty;
    }

    public void setTreatMissingAsEmpty(Boolean treatMissingAsEmpty) {
      this.treatMissingAsEmpty = treatMissingAsEmpty;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public Boolean getPresent() {
      return present;
    }

    public void setPresent(Boolean present) {
      this.present = present;
    }

    public Boolean getNotpresent() {
      return notpresent;
    }

    public void setNotpresent(Boolean notpresent) {
      this.notpresent = notpresent;
    }

    public String getContains() {
      return contains;
    }

    public void setContains(String contains) {
      this.contains = contains;
    }

    public String getNotcontains() {
      return notcontains;
    }

    public void setNotcontains(String notcontains) {
      this.notcontains = notcontains;
    }

    public String getExact() {
      return exact;
    }

    public void setExact(String exact) {
      this.exact = exact;
    }

    public String getNotexact() {
      return notexact;
    }

    public void setNotexact(String notexact) {
      this.notexact = notexact;
    }

    public String getRegex() {
      return regex;
    }

    public void setRegex(String regex) {
      this.regex = regex;
    }

    public Boolean getIgnoreCase() {
      return ignoreCase;
    }

    public void setIgnoreCase(Boolean ignoreCase) {
      this.ignoreCase = ignoreCase;
    }
  }

  /** Contour's query parameter condition: a name and exactly one way to match it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class QueryParameterMatchCondition extends UnknownFields {
    @JsonPropertyDescription("Query parameter name, case-sensitive.")
    private String name;

    @JsonPropertyDescription("The value must equal this.")
    private String exact;

    @JsonPropertyDescription("The value must start with this.")
    private String prefix;

    @JsonPropertyDescription("The value must end with this.")
    private String suffix;

    @JsonPropertyDescription("The value must match this regular expression (RE2).")
    private String regex;

    @JsonPropertyDescription("The value must contain this.")
    private String contains;

    @JsonPropertyDescription("The parameter must be present.")
    private Boolean present;

    @JsonPropertyDescription("exact, prefix, suffix and contains ignore case.")
    private Boolean ignoreCase;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getExact() {
      return exact;
    }

    public void setExact(String exact) {
      this.exact = exact;
    }

    public String getPrefix() {
      return prefix;
    }

    public void setPrefix(String prefix) {
      this.prefix = prefix;
    }

    public String getSuffix() {
      return suffix;
    }

    public void setSuffix(String suffix) {
      this.suffix = suffix;
    }

    public String getRegex() {
      return regex;
    }

    public void setRegex(String regex) {
      this.regex = regex;
    }

    public String getContains() {
      return contains;
    }

    public void setContains(String contains) {
      this.contains = contains;
    }

    public Boolean getPresent() {
      return present;
    }

    public void setPresent(Boolean present) {
      this.present = present;
    }

    public Boolean getIgnoreCase() {
      return ignoreCase;
    }

    public void setIgnoreCase(Boolean ignoreCase) {
      this.ignoreCase = ignoreCase;
    }
  }

  /**
   * An upstream: a Service name in the proxy's namespace (a cluster's mirror like {@code
   * east-kuard}, or a federated name like {@code kuard}), a port and a weight.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class RouteService extends UnknownFields {
    private String name;
    private Integer port;
    private Long weight;

    @JsonPropertyDescription(
        "The Service port health checks go to (with a health check policy); port when unset.")
    private Integer healthPort;

    public Integer getHealthPort() {
      return healthPort;
    }

    public void setHealthPort(Integer healthPort) {
      this.healthPort = healthPort;
    }

    @JsonPropertyDescription(
        "This service receives copies of the route's requests; its responses are dropped.")
    private Boolean mirror;

    @JsonPropertyDescription("Protocol to the service: h2c, h2 or tls; HTTP/1.1 when empty.")
    private String protocol;

    @JsonPropertyDescription(
        "Verify the backend's certificate (protocol tls or h2): the CA Secret and the names.")
    private UpstreamValidation validation;

    @JsonPropertyDescription("New endpoints get a growing share of requests over a window.")
    private SlowStartPolicy slowStartPolicy;

    @JsonPropertyDescription("Attributes of this service's Set-Cookie headers rewritten.")
    private List<CookieRewritePolicy> cookieRewritePolicies = new ArrayList<>();

    public List<CookieRewritePolicy> getCookieRewritePolicies() {
      return cookieRewritePolicies;
    }

    public void setCookieRewritePolicies(List<CookieRewritePolicy> cookieRewritePolicies) {
      this.cookieRewritePolicies = cookieRewritePolicies;
    }

    public SlowStartPolicy getSlowStartPolicy() {
      return slowStartPolicy;
    }

    public void setSlowStartPolicy(SlowStartPolicy slowStartPolicy) {
      this.slowStartPolicy = slowStartPolicy;
    }

    public UpstreamValidation getValidation() {
      return validation;
    }

    public void setValidation(UpstreamValidation validation) {
      this.validation = validation;
    }

    public Boolean getMirror() {
      return mirror;
    }

    public void setMirror(Boolean mirror) {
      this.mirror = mirror;
    }

    public String getProtocol() {
      return protocol;
    }

    public void setProtocol(String protocol) {
      this.protocol = protocol;
    }

    @JsonPropertyDescription("Headers set on or removed from requests sent to this service.")
    private HeadersPolicy requestHeadersPolicy;

    @JsonPropertyDescription("Headers set on or removed from responses of this service.")
    private HeadersPolicy responseHeadersPolicy;

    public HeadersPolicy getRequestHeadersPolicy() {
      return requestHeadersPolicy;
    }

    public void setRequestHeadersPolicy(HeadersPolicy requestHeadersPolicy) {
      this.requestHeadersPolicy = requestHeadersPolicy;
    }

    public HeadersPolicy getResponseHeadersPolicy() {
      return responseHeadersPolicy;
    }

    public void setResponseHeadersPolicy(HeadersPolicy responseHeadersPolicy) {
      this.responseHeadersPolicy = responseHeadersPolicy;
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

  /** Contour's HeadersPolicy: headers to set (replacing any value) and header names to remove. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class HeadersPolicy extends UnknownFields {
    private List<HeaderValue> set = new ArrayList<>();
    private List<String> remove = new ArrayList<>();

    public List<HeaderValue> getSet() {
      return set;
    }

    public void setSet(List<HeaderValue> set) {
      this.set = set;
    }

    public List<String> getRemove() {
      return remove;
    }

    public void setRemove(List<String> remove) {
      this.remove = remove;
    }
  }

  /** A header name and value. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class HeaderValue extends UnknownFields {
    private String name;
    private String value;

    public HeaderValue() {}

    public HeaderValue(String name, String value) {
      this.name = name;
      this.value = value;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getValue() {
      return value;
    }

    public void setValue(String value) {
      this.value = value;
    }
  }

  /** Contour's PathRewritePolicy: prefix replacements. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class PathRewritePolicy extends UnknownFields {
    private List<ReplacePrefix> replacePrefix = new ArrayList<>();

    public List<ReplacePrefix> getReplacePrefix() {
      return replacePrefix;
    }

    public void setReplacePrefix(List<ReplacePrefix> replacePrefix) {
      this.replacePrefix = replacePrefix;
    }
  }

  /**
   * Replaces {@code prefix} (the route's prefix condition; empty means whichever prefix the route
   * has) with {@code replacement}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class ReplacePrefix extends UnknownFields {
    private String prefix;
    private String replacement;

    public ReplacePrefix() {}

    public ReplacePrefix(String prefix, String replacement) {
      this.prefix = prefix;
      this.replacement = replacement;
    }

    public String getPrefix() {
      return prefix;
    }

    public void setPrefix(String prefix) {
      this.prefix = prefix;
    }

    public String getReplacement() {
      return replacement;
    }

    public void setReplacement(String replacement) {
      this.replacement = replacement;
    }
  }

  /** Contour's TimeoutPolicy: durations like {@code 30s}, {@code 1m30s} or {@code infinity}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class TimeoutPolicy extends UnknownFields {
    @JsonPropertyDescription("Time to wait for the whole response (default 15s; infinity: none).")
    private String response;

    @JsonPropertyDescription("Time a request stream may be idle before it is reset.")
    private String idle;

    @JsonPropertyDescription("Time an upstream connection may be idle before it is closed.")
    private String idleConnection;

    public String getResponse() {
      return response;
    }

    public void setResponse(String response) {
      this.response = response;
    }

    public String getIdle() {
      return idle;
    }

    public void setIdle(String idle) {
      this.idle = idle;
    }

    public String getIdleConnection() {
      return idleConnection;
    }

    public void setIdleConnection(String idleConnection) {
      this.idleConnection = idleConnection;
    }
  }

  /** Contour's RetryPolicy. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class RetryPolicy extends UnknownFields {
    @JsonPropertyDescription("Retries allowed: -1 disables retries, 0 or unset is one retry.")
    private Long count;

    @JsonPropertyDescription("Timeout of each try, e.g. 250ms.")
    private String perTryTimeout;

    @JsonPropertyDescription("Conditions that trigger a retry (default 5xx).")
    private List<String> retryOn = new ArrayList<>();

    @JsonPropertyDescription("Status codes retried with retryOn retriable-status-codes.")
    private List<Long> retriableStatusCodes = new ArrayList<>();

    public Long getCount() {
      return count;
    }

    public void setCount(Long count) {
      this.count = count;
    }

    public String getPerTryTimeout() {
      return perTryTimeout;
    }

    public void setPerTryTimeout(String perTryTimeout) {
      this.perTryTimeout = perTryTimeout;
    }

    public List<String> getRetryOn() {
      return retryOn;
    }

    public void setRetryOn(List<String> retryOn) {
      this.retryOn = retryOn;
    }

    public List<Long> getRetriableStatusCodes() {
      return retriableStatusCodes;
    }

    public void setRetriableStatusCodes(List<Long> retriableStatusCodes) {
      this.retriableStatusCodes = retriableStatusCodes;
    }
  }
}
