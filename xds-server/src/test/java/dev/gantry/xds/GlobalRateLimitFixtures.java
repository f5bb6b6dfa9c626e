package dev.gantry.xds;

import dev.gantry.api.crd.contour.GlobalRateLimitPolicy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.RateLimitPolicy;
import java.util.ArrayList;
import java.util.List;

/** Global rate limit policies for tests, built as a user writes them. */
public final class GlobalRateLimitFixtures {
  private GlobalRateLimitFixtures() {}

  /** A {@code rateLimitPolicy} whose {@code global} has these descriptors. */
  public static RateLimitPolicy global(GlobalRateLimitPolicy.Descriptor... descriptors) {
    GlobalRateLimitPolicy global = new GlobalRateLimitPolicy();
    global.setDescriptors(new ArrayList<>(List.of(descriptors)));
    return policy(global);
  }

  /** A {@code rateLimitPolicy} whose {@code global} is {@code disabled: true}. */
  public static RateLimitPolicy disabled() {
    GlobalRateLimitPolicy global = new GlobalRateLimitPolicy();
    global.setDisabled(true);
    return policy(global);
  }

  public static RateLimitPolicy policy(GlobalRateLimitPolicy global) {
    RateLimitPolicy policy = new RateLimitPolicy();
    policy.setGlobal(global);
    return policy;
  }

  public static GlobalRateLimitPolicy.Descriptor descriptor(
      GlobalRateLimitPolicy.Entry... entries) {
    GlobalRateLimitPolicy.Descriptor d = new GlobalRateLimitPolicy.Descriptor();
    d.setEntries(new ArrayList<>(List.of(entries)));
    return d;
  }

  /** A {@code genericKey} entry; {@code key} may be null (Envoy's generic_key). */
  public static GlobalRateLimitPolicy.Entry genericKey(String key, String value) {
    GlobalRateLimitPolicy.Entry e = new GlobalRateLimitPolicy.Entry();
    e.setGenericKey(new GlobalRateLimitPolicy.GenericKey(key, value));
    return e;
  }

  public static GlobalRateLimitPolicy.Entry requestHeader(String headerName, String key) {
    GlobalRateLimitPolicy.Entry e = new GlobalRateLimitPolicy.Entry();
    e.setRequestHeader(new GlobalRateLimitPolicy.RequestHeader(headerName, key));
    return e;
  }

  public static GlobalRateLimitPolicy.Entry remoteAddress() {
    GlobalRateLimitPolicy.Entry e = new GlobalRateLimitPolicy.Entry();
    e.setRemoteAddress(new GlobalRateLimitPolicy.RemoteAddress());
    return e;
  }

  /** A {@code requestHeaderValueMatch} entry: {@code value} when header {@code name} is exact. */
  public static GlobalRateLimitPolicy.Entry headerValueMatch(
      String value, Boolean expectMatch, String name, String exact) {
    HTTPProxySpec.HeaderMatchCondition h = new HTTPProxySpec.HeaderMatchCondition();
    h.setName(name);
    h.setExact(exact);
    GlobalRateLimitPolicy.RequestHeaderValueMatch m =
        new GlobalRateLimitPolicy.RequestHeaderValueMatch();
    m.setHeaders(new ArrayList<>(List.of(h)));
    m.setValue(value);
    m.setExpectMatch(expectMatch);
    GlobalRateLimitPolicy.Entry e = new GlobalRateLimitPolicy.Entry();
    e.setRequestHeaderValueMatch(m);
    return e;
  }
}
