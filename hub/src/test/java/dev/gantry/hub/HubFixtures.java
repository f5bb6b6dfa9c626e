package dev.gantry.hub;

/** The hub process in this JVM, as the hub's integration tests start it. */
final class HubFixtures {
  private HubFixtures() {}

  /**
   * The hub in this JVM on a test bed cluster: xDS on a free loopback port, no admin server, 10 ms
   * holdoff, ingress class {@code gantry}, Envoy listeners on 127.0.0.1 at the given ports.
   */
  public static Hub hub(
      io.fabric8.kubernetes.client.KubernetesClient client, int httpPort, int httpsPort) {
    return hub(client, httpPort, httpsPort, c -> c);
  }

  /** As above, with the settings {@code change} makes of those. */
  public static Hub hub(
      io.fabric8.kubernetes.client.KubernetesClient client,
      int httpPort,
      int httpsPort,
      java.util.function.UnaryOperator<HubConfig> change) {
    return new Hub(
            change.apply(
                new HubConfig(
                    new java.net.InetSocketAddress("127.0.0.1", 0),
                    null,
                    java.time.Duration.ofMillis(10),
                    null,
                    "gantry",
                    "127.0.0.1",
                    httpPort,
                    httpsPort,
                    null,
                    null)),
            client)
        .start();
  }

  /**
   * The hub's CRDs (RemoteCluster, HTTPProxy, ServiceImport) installed on {@code client}'s cluster
   * and the namespace {@code namespace} created there.
   */
  public static void crdsAndNamespace(
      io.fabric8.kubernetes.client.KubernetesClient client, String namespace) {
    dev.gantry.testbed.Crds.install(
        client,
        dev.gantry.api.crd.RemoteCluster.CRD_NAME,
        dev.gantry.api.crd.contour.HTTPProxy.CRD_NAME,
        dev.gantry.api.crd.mcs.ServiceImport.CRD_NAME);
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(namespace)
                .endMetadata()
                .build())
        .create();
  }
}
