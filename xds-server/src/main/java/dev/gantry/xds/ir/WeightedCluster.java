package dev.gantry.xds.ir;

import java.util.List;

/**
 * An Envoy cluster name with its share of the route's traffic, its own header changes and its own
 * Set-Cookie rewrites (over the route's).
 */
public record WeightedCluster(
    String cluster,
    long weight,
    HeaderPolicy request,
    HeaderPolicy response,
    List<CookieRewrite> cookieRewrites) {
  public WeightedCluster {
    cookieRewrites = List.copyOf(cookieRewrites);
  }

  public WeightedCluster(String cluster, long weight, HeaderPolicy request, HeaderPolicy response) {
    this(cluster, weight, request, response, List.of());
  }

  public WeightedCluster(String cluster, long weight) {
    this(cluster, weight, HeaderPolicy.NONE, HeaderPolicy.NONE);
  }
}
