package dev.gantry.xds.ir;

/** An Envoy cluster name with its share of the route's traffic and its own header changes. */
public record WeightedCluster(
    String cluster, long weight, HeaderPolicy request, HeaderPolicy response) {
  public WeightedCluster(String cluster, long weight) {
    this(cluster, weight, HeaderPolicy.NONE, HeaderPolicy.NONE);
  }
}
