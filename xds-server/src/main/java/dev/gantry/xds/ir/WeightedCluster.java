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
  /**
   * The share of a route's traffic that belongs to backends that do not resolve (a Gateway API rule
   * with some invalid backendRefs): no Envoy cluster has this name (theirs have four parts), and a
   * route that names it answers that share 500, as the spec asks, rather than sending it to the
   * valid backends.
   */
  public static final String INVALID_BACKEND = "gantry/invalid-backend";

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
