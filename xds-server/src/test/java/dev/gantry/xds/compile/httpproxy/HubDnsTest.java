package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.translate.XdsAssembler;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Services whose headless Service asks to be resolved by the hub's cluster DNS ({@code
 * gantry.dev/upstream-discovery: dns}): a {@code STRICT_DNS} cluster of each cluster's name in the
 * hub's DNS, at its endpoints' port, with its locality's priority and weight, whatever the hub's
 * ExternalName flag; EDS when not every cluster asks, and for an ExtensionService.
 */
class HubDnsTest {
  private static final FederatedService WEB =
      Fixtures.service("demo/web")
          .port("http", 80)
          .hubDns("east", 0, 3, "east-web.demo.svc.cluster.local", "http", "10.0.0.1:8080")
          .hubDns("west", 1, 1, "west-web.demo.svc.cluster.local", "http", "10.0.1.1:8080")
          .build();
  private static final FederatedService HALF =
      Fixtures.service("demo/half")
          .port("http", 80)
          .hubDns("east", 0, 1, "east-half.demo.svc.cluster.local", "http", "10.0.0.1:8080")
          .cluster("west", 0, 1, "http", "10.0.1.1:8080")
          .build();
  private static final FederationSnapshot SNAPSHOT =
      new FederationSnapshot(
          Map.of(WEB.name(), WEB, HALF.name(), HALF), Map.of(WEB.name(), WEB, HALF.name(), HALF));

  private static ProxyCompiler.Result compile(String service, boolean tls) {
    var proxy =
        Fixtures.proxy("demo/p").fqdn("p.example.com").route("/", service, 80, null).build();
    if (tls) {
      proxy.getSpec().getRoutes().get(0).getServices().get(0).setProtocol("tls");
    }
    return new ProxyCompiler("gantry", ExternalNames.DISABLED)
        .compile(List.of(proxy), SNAPSHOT, Map.of());
  }

  private static Upstream only(ProxyCompiler.Result result) {
    assertThat(result.verdicts().get(0).valid()).isTrue();
    assertThat(result.table().upstreams()).hasSize(1);
    return result.table().upstreams().values().iterator().next();
  }

  @Test
  void everyClusterAskingForDnsIsAStrictDnsClusterOfItsNameAtItsEndpointsPort() {
    Upstream web = only(compile("web", false));

    assertThat(web.dns())
        .containsExactly(
            new Upstream.DnsTarget("east", 0, 3, "east-web.demo.svc.cluster.local", 8080, false),
            new Upstream.DnsTarget("west", 1, 1, "west-web.demo.svc.cluster.local", 8080, false));
    Cluster cluster =
        new XdsAssembler("127.0.0.1", 8080, 8443)
            .assemble(compile("web", false).table())
            .snapshot()
            .clusters()
            .resources()
            .get(web.name());
    assertThat(cluster.getType()).isEqualTo(Cluster.DiscoveryType.STRICT_DNS);
    assertThat(cluster.getLoadAssignment().getEndpointsList())
        .extracting(
            (LocalityLbEndpoints l) ->
                l.getLocality().getRegion()
                    + " "
                    + l.getPriority()
                    + " "
                    + l.getLoadBalancingWeight().getValue()
                    + " "
                    + l.getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getAddress()
                    + ":"
                    + l.getLbEndpoints(0)
                        .getEndpoint()
                        .getAddress()
                        .getSocketAddress()
                        .getPortValue())
        .containsExactly(
            "east 0 3 east-web.demo.svc.cluster.local:8080",
            "west 1 1 west-web.demo.svc.cluster.local:8080");
  }

  @Test
  void theHubsDnsNameIsNoTlsServerName() {
    Upstream web = only(compile("web", true));

    assertThat(web.resolvedByDns()).isTrue();
    assertThat(web.tls() == null ? null : web.tls().sni()).isNull();
  }

  @Test
  void whenNotEveryClusterAsksTheEndpointsGoByEds() {
    Upstream half = only(compile("half", false));

    assertThat(half.resolvedByDns()).isFalse();
  }
}
