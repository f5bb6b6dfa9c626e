package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.NetworkNamespace;
import dev.gantry.testbed.Testbed;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.ir.DnsLookupFamily;
import dev.gantry.xds.translate.ListenerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A headless Service that asks to be resolved by the hub's cluster DNS ({@code
 * gantry.dev/upstream-discovery: dns}) through a real Envoy that resolves names only through a DNS
 * server the test runs, standing in for the hub's cluster DNS: the route's cluster is STRICT_DNS of
 * the mirror's name {@code east-web.demo.svc.cluster.local}, dialled at its endpoints' port (not
 * the Service port), without the hub's ExternalName flag; a new DNS answer moves the traffic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HubDnsIT {
  private static final String HOST = "dns.example.com";
  private static final String NAME = "east-web.demo.svc.cluster.local";
  private static final int PORT = 8080;

  private DnsServer dns;
  private NetworkNamespace one;
  private NetworkNamespace two;
  private LoopbackGateway gateway;

  @BeforeAll
  void start() {
    Path logs = Testbed.workDirectory().resolve("hub-dns-" + System.nanoTime());
    one = NetworkNamespace.create();
    two = NetworkNamespace.create();
    one.httpBackend("backend-one", PORT, "one", logs.resolve("one.log"));
    two.httpBackend("backend-two", PORT, "two", logs.resolve("two.log"));
    dns = DnsServer.start();
    dns.answer(NAME, one.address());
  }

  @AfterAll
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {gateway, dns, one, two}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // the others still close
      }
    }
  }

  @Test
  void aServiceAskingForDnsIsAStrictDnsClusterOfItsHubNameThatFollowsTheAnswer() throws Exception {
    // The endpoint's address is never dialled (benchmarking range): Envoy asks DNS.
    FederatedService web =
        Fixtures.service("demo/web")
            .port("http", 80)
            .hubDns("east", 0, 1, NAME, "http", "198.18.0.1:" + PORT)
            .build();
    HTTPProxy proxy = Fixtures.proxy("demo/dns").fqdn(HOST).route("/", "web", 80, null).build();
    gateway =
        LoopbackGateway.start(
            "envoy-hub-dns",
            "DELTA_GRPC",
            List.of(proxy),
            new FederationSnapshot(Map.of(web.name(), web), Map.of(web.name(), web)),
            Map.of(),
            ListenerSettings.contour(),
            new ProxyCompiler("gantry", ExternalNames.DISABLED),
            List.of(),
            bootstrap -> Envoy.withDnsResolver(bootstrap, dns.port()),
            DnsLookupFamily.V4);

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> gateway.get(HOST, "/").body().equals("one"));
    assertThat(gateway.verdicts()).singleElement().satisfies(v -> assertThat(v.valid()).isTrue());
    assertThat(gateway.envoy().admin("/config_dump?resource=dynamic_active_clusters"))
        .contains("STRICT_DNS")
        .contains("\"address\": \"" + NAME + "\"")
        .contains("\"port_value\": " + PORT);
    long asked = dns.queries();
    assertThat(asked).isPositive();

    dns.answer(NAME, two.address());
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> gateway.get(HOST, "/").body().equals("two"));
    assertThat(dns.queries()).isGreaterThan(asked);
  }
}
