package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.PortStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerStatus;
import io.fabric8.kubernetes.api.model.networking.v1.IngressPortStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The address written into {@code status.loadBalancer}: Contour's reading of {@code
 * --ingress-status-address}, the Envoy Service's load balancer or external IPs, and its shape on an
 * Ingress.
 */
class StatusAddressTest {
  private static LoadBalancerStatus status(String... ipsOrHosts) {
    return new LoadBalancerStatus(
        java.util.Arrays.stream(ipsOrHosts)
            .map(
                a ->
                    Character.isDigit(a.charAt(0)) || a.contains(":")
                        ? new LoadBalancerIngressBuilder().withIp(a).build()
                        : new LoadBalancerIngressBuilder().withHostname(a).build())
            .toList());
  }

  @Test
  void aFixedAddressIsIpsAndHostNamesAsContourReadsThem() {
    assertThat(StatusAddress.parse("192.0.2.10"))
        .isEqualTo(
            new LoadBalancerStatus(
                List.of(new LoadBalancerIngressBuilder().withIp("192.0.2.10").build())));
    assertThat(StatusAddress.parse(" 192.0.2.10 , lb.example.com,, 2001:db8::1 ,"))
        .isEqualTo(status("192.0.2.10", "lb.example.com", "2001:db8::1"));
    // Not an address: a host name, as Go's net.ParseIP tells them apart.
    assertThat(StatusAddress.parse("999.1.1.1").getIngress().get(0).getHostname())
        .isEqualTo("999.1.1.1");
    assertThat(StatusAddress.ipLiteral("::ffff:192.0.2.1")).isTrue();
    assertThat(StatusAddress.ipLiteral("1.2.3")).isFalse();
  }

  @Test
  void aFixedAddressMustNameOneAndAServiceNeedsItsNamespaceAndName() {
    assertThatThrownBy(() -> StatusAddress.Source.fixed(" , "))
        .hasMessage("--ingress-status-address must name at least one address or host name");
    assertThatThrownBy(() -> new StatusAddress.Source("gantry-system", null, null))
        .hasMessage("--envoy-service-namespace and --envoy-service-name go together");
    assertThatThrownBy(() -> new StatusAddress.Source(null, "envoy", null))
        .hasMessage("--envoy-service-namespace and --envoy-service-name go together");
  }

  @Test
  void theServicesLoadBalancerElseItsExternalIps() {
    Service balanced =
        new ServiceBuilder()
            .withNewSpec()
            .withType("LoadBalancer")
            .withExternalIPs("198.51.100.7")
            .endSpec()
            .withNewStatus()
            .withNewLoadBalancer()
            .addNewIngress()
            .withHostname("lb.example.com")
            .endIngress()
            .endLoadBalancer()
            .endStatus()
            .build();
    assertThat(StatusAddress.of(balanced)).isEqualTo(status("lb.example.com"));

    Service external =
        new ServiceBuilder()
            .withNewSpec()
            .withType("ClusterIP")
            .withExternalIPs("198.51.100.7", "198.51.100.8")
            .endSpec()
            .build();
    assertThat(StatusAddress.of(external)).isEqualTo(status("198.51.100.7", "198.51.100.8"));

    Service pending = new ServiceBuilder().withNewSpec().withType("LoadBalancer").endSpec().build();
    assertThat(StatusAddress.of(pending).getIngress()).isEmpty();
  }

  @Test
  void anIngressGetsTheSameAddressesAndPortsInItsOwnTypes() {
    LoadBalancerStatus service =
        new LoadBalancerStatus(
            List.of(
                new LoadBalancerIngressBuilder()
                    .withIp("192.0.2.10")
                    .withPorts(new PortStatus(null, 443, "TCP"))
                    .build(),
                new LoadBalancerIngressBuilder().withHostname("lb.example.com").build()));

    assertThat(IngressStatusWriter.networking(service))
        .isEqualTo(
            new IngressLoadBalancerStatus(
                List.of(
                    new IngressLoadBalancerIngressBuilder()
                        .withIp("192.0.2.10")
                        .withPorts(new IngressPortStatus(null, 443, "TCP"))
                        .build(),
                    new IngressLoadBalancerIngressBuilder()
                        .withHostname("lb.example.com")
                        .build())));
  }
}
