package dev.gantry.xds.ir;

import java.util.Objects;

/**
 * Attributes of a Set-Cookie header that Envoy rewrites for the cookie {@code name} on a response:
 * each non-null one replaces the backend's (or, for {@code secure}, adds or removes the flag).
 *
 * @param name the cookie's name
 * @param path the new Path attribute; null leaves it
 * @param domain the new Domain attribute; null leaves it
 * @param secure true adds the Secure flag, false removes it; null leaves it
 * @param sameSite the new SameSite attribute (Strict, Lax or None); null leaves it
 */
public record CookieRewrite(
    String name, String path, String domain, Boolean secure, String sameSite) {
  public CookieRewrite {
    Objects.requireNonNull(name, "name");
  }

  /**
   * This rewrite with {@code other}'s attributes over it (Contour merges a route's and a service's
   * rules of one cookie so, the service's winning).
   */
  public CookieRewrite over(CookieRewrite other) {
    return new CookieRewrite(
        name,
        other.path != null ? other.path : path,
        other.domain != null ? other.domain : domain,
        other.secure != null ? other.secure : secure,
        other.sameSite != null ? other.sameSite : sameSite);
  }
}
