package dev.gantry.hub;

import static dev.gantry.xds.IngressFixtures.ingress;
import static dev.gantry.xds.IngressFixtures.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxyStatus;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import dev.gantry.xds.Fixtures;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * {@code status.loadBalancer} on HTTPProxies and Ingresses through the hub on a real apiserver: the
 * Envoy Service's load balancer address (set through its status subresource, as a cloud controller
 * would) reaches every proxy of our class, valid or not, and every Ingress of our class, never one
 * of another class; a new address replaces it; a proxy created later gets it; {@code
 * --ingress-status-address} writes a fixed one.
 */
@WithClusters({"hub"})
class StatusAddressIT {
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  private static void namespace(KubernetesClient client, String ns) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
  }

  private static void crds(KubernetesClient client) {
    if (client.apiextensions().v1().customResourceDefinitions().withName(HTTPProxy.CRD_NAME).get()
        == null) {
      Crds.install(client, RemoteCluster.CRD_NAME, HTTPProxy.CRD_NAME, ServiceImport.CRD_NAME);
    }
  }

  /** The addresses of a proxy's status as "ip" or "hostname" strings; empty while none. */
  private static List<String> proxyAddresses(KubernetesClient client, String ns, String name) {
    HTTPProxy p = client.resources(HTTPProxy.class).inNamespace(ns).withName(name).get();
    HTTPProxyStatus status = p == null ? null : p.getStatus();
    if (status == null || status.getLoadBalancer() == null) {
      return List.of();
    }
    return status.getLoadBalancer().getIngress().stream()
        .map(i -> Objects.requireNonNullElse(i.getIp(), i.getHostname()))
        .toList();
  }

  private static List<String> ingressAddresses(KubernetesClient client, String ns, String name) {
    Ingress i = client.network().v1().ingresses().inNamespace(ns).withName(name).get();
    if (i == null || i.getStatus() == null || i.getStatus().getLoadBalancer() == null) {
      return List.of();
    }
    List<IngressLoadBalancerIngress> ingress = i.getStatus().getLoadBalancer().getIngress();
    return ingress == null
        ? List.of()
        : ingress.stream()
            .map(e -> Objects.requireNonNullElse(e.getIp(), e.getHostname()))
            .toList();
  }

  /** A valid proxy (to Service kuard), an invalid one, an Ingress of ours and one of nginx's. */
  private static void routes(KubernetesClient client, String ns) {
    client
        .services()
        .inNamespace(ns)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("kuard")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("http")
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
    create(client, Fixtures.proxy(ns + "/web").fqdn("web.lb.test").route("/", "kuard", 80, null));
    create(
        client, Fixtures.proxy(ns + "/broken").fqdn("broken.lb.test").route("/", "nope", 80, null));
    client
        .network()
        .v1()
        .ingresses()
        .inNamespace(ns)
        .resource(
            ingress(ns + "/ours").rule("ours.lb.test", path("/", "Prefix", "kuard", 80)).build())
        .create();
    client
        .network()
        .v1()
        .ingresses()
        .inNamespace(ns)
        .resource(
            ingress(ns + "/theirs")
                .className("nginx")
                .rule("theirs.lb.test", path("/", "Prefix", "kuard", 80))
                .build())
        .create();
  }

  private static void create(KubernetesClient client, Fixtures.ProxyBuilder proxy) {
    HTTPProxy p = proxy.build();
    client
        .resources(HTTPProxy.class)
        .inNamespace(p.getMetadata().getNamespace())
        .resource(p)
        .create();
  }

  private static String version(io.fabric8.kubernetes.api.model.HasMetadata o) {
    return o.getMetadata().getResourceVersion();
  }

  /** Sets the Envoy Service's load balancer ingress through the status subresource. */
  private static void loadBalancer(
      KubernetesClient client, String ns, String name, String ip, String hostname) {
    Service s = client.services().inNamespace(ns).withName(name).get();
    s.setStatus(
        new io.fabric8.kubernetes.api.model.ServiceStatusBuilder()
            .withNewLoadBalancer()
            .withIngress(new LoadBalancerIngressBuilder().withIp(ip).withHostname(hostname).build())
            .endLoadBalancer()
            .build());
    client.services().inNamespace(ns).resource(s).updateStatus();
  }

  @Test
  void theEnvoyServicesAddressReachesProxiesAndIngressesOfOurClassAndFollowsIt(Testbed testbed) {
    KubernetesClient client = testbed.cluster("hub").client();
    crds(client);
    String ns = "lb-service";
    namespace(client, ns);
    await()
        .atMost(CONVERGE)
        .until(() -> client.services().inNamespace("default").withName("kubernetes").get() != null);
    client
        .services()
        .inNamespace(ns)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("envoy")
                .endMetadata()
                .withNewSpec()
                .withType("LoadBalancer")
                .addNewPort()
                .withName("http")
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
    routes(client, ns);

    try (Hub hub =
        HubFixtures.hub(
            client,
            Ports.freeLoopbackPort(),
            Ports.freeLoopbackPort(),
            c -> c.withStatusAddress(StatusAddress.Source.service(ns, "envoy")))) {
      await()
          .atMost(CONVERGE)
          .until(
              () ->
                  client
                          .resources(HTTPProxy.class)
                          .inNamespace(ns)
                          .withName("broken")
                          .get()
                          .getStatus()
                      != null);
      // No address yet (the load balancer is not provisioned): none is written.
      assertThat(proxyAddresses(client, ns, "web")).isEmpty();

      loadBalancer(client, ns, "envoy", "192.0.2.10", null);
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                assertThat(proxyAddresses(client, ns, "web")).containsExactly("192.0.2.10");
                assertThat(proxyAddresses(client, ns, "broken")).containsExactly("192.0.2.10");
                assertThat(ingressAddresses(client, ns, "ours")).containsExactly("192.0.2.10");
              });
      HTTPProxy broken = client.resources(HTTPProxy.class).inNamespace(ns).withName("broken").get();
      assertThat(broken.getStatus().getCurrentStatus()).isEqualTo("invalid");

      loadBalancer(client, ns, "envoy", null, "lb.example.com");
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                assertThat(proxyAddresses(client, ns, "web")).containsExactly("lb.example.com");
                assertThat(proxyAddresses(client, ns, "broken")).containsExactly("lb.example.com");
                assertThat(ingressAddresses(client, ns, "ours")).containsExactly("lb.example.com");
              });
      // Valid and its conditions kept: the address is written beside them.
      assertThat(
              client
                  .resources(HTTPProxy.class)
                  .inNamespace(ns)
                  .withName("web")
                  .get()
                  .getStatus()
                  .getCurrentStatus())
          .isEqualTo("valid");

      create(
          client,
          Fixtures.proxy(ns + "/later").fqdn("later.lb.test").route("/", "kuard", 80, null));
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () ->
                  assertThat(proxyAddresses(client, ns, "later"))
                      .containsExactly("lb.example.com"));
      assertThat(ingressAddresses(client, ns, "theirs")).as("another class's Ingress").isEmpty();
      assertThat(hub.ready()).isTrue();
      // Written once: what was written reads back equal, so nothing is written again.
      String proxyVersion =
          version(client.resources(HTTPProxy.class).inNamespace(ns).withName("web").get());
      String ingressVersion =
          version(client.network().v1().ingresses().inNamespace(ns).withName("ours").get());
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  proxyVersion.equals(
                          version(
                              client
                                  .resources(HTTPProxy.class)
                                  .inNamespace(ns)
                                  .withName("web")
                                  .get()))
                      && ingressVersion.equals(
                          version(
                              client
                                  .network()
                                  .v1()
                                  .ingresses()
                                  .inNamespace(ns)
                                  .withName("ours")
                                  .get())));
    }
  }

  @Test
  void aFixedAddressIsWrittenInsteadOfTheServices(Testbed testbed) {
    KubernetesClient client = testbed.cluster("hub").client();
    crds(client);
    String ns = "lb-fixed";
    namespace(client, ns);
    await()
        .atMost(CONVERGE)
        .until(() -> client.services().inNamespace("default").withName("kubernetes").get() != null);
    routes(client, ns);

    try (Hub hub =
        HubFixtures.hub(
            client,
            Ports.freeLoopbackPort(),
            Ports.freeLoopbackPort(),
            c ->
                c.withStatusAddress(
                    StatusAddress.Source.fixed("198.51.100.1, edge.example.com")))) {
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                assertThat(proxyAddresses(client, ns, "web"))
                    .containsExactly("198.51.100.1", "edge.example.com");
                assertThat(ingressAddresses(client, ns, "ours"))
                    .containsExactly("198.51.100.1", "edge.example.com");
              });
      assertThat(ingressAddresses(client, ns, "theirs")).isEmpty();
    }
  }
}
