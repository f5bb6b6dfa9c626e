package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/**
 * Contour's {@code cookieRewritePolicies[]} of a route or a route service: attributes of the
 * backend's Set-Cookie headers for the cookie {@code name} that Envoy rewrites on the way to the
 * client.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class CookieRewritePolicy extends UnknownFields {
  @JsonPropertyDescription("Name of the cookie whose attributes are rewritten.")
  private String name;

  @JsonPropertyDescription("The Path attribute becomes this value.")
  private Value pathRewrite;

  @JsonPropertyDescription("The Domain attribute becomes this value.")
  private Value domainRewrite;

  @JsonPropertyDescription("The Secure attribute is added (true) or removed (false).")
  private Boolean secure;

  @JsonPropertyDescription("The SameSite attribute becomes Strict, Lax or None.")
  private String sameSite;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Value getPathRewrite() {
    return pathRewrite;
  }

  public void setPathRewrite(Value pathRewrite) {
    this.pathRewrite = pathRewrite;
  }

  public Value getDomainRewrite() {
    return domainRewrite;
  }

  public void setDomainRewrite(Value domainRewrite) {
    this.domainRewrite = domainRewrite;
  }

  public Boolean getSecure() {
    return secure;
  }

  public void setSecure(Boolean secure) {
    this.secure = secure;
  }

  public String getSameSite() {
    return sameSite;
  }

  public void setSameSite(String sameSite) {
    this.sameSite = sameSite;
  }

  /** Contour's CookiePathRewrite and CookieDomainRewrite: the new value of the attribute. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class Value extends UnknownFields {
    @JsonPropertyDescription("The attribute's new value.")
    private String value;

    public Value() {}

    public Value(String value) {
      this.value = value;
    }

    public String getValue() {
      return value;
    }

    public void setValue(String value) {
      this.value = value;
    }
  }
}
