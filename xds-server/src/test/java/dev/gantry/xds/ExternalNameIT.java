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
import dev.gantry.xds.ir.ProxyVerdict;
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
 * ExternalName Services through a real Envoy that resolves names only through a DNS server the test
 * runs ({@link DnsServer}): with {@code --enable-external-name-service} a route to one is a
 * STRICT_DNS cluster, its name resolving to a backend in a network namespace; a new DNS answer
 * moves the traffic to another backend. Without the flag the proxy is invalid with Contour's reason
 * and nothing is routed. With the lookup family {@code v6} Envoy asks only for IPv6 addresses,
 * which the test's server does not have: nothing is reached.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalNameIT {
  private static final String HOST = "external.example.com";
  private static final String NAME = "web.gantry-external.test";
  private static final int PORT = 8080;

  private DnsServer dns;
  private NetworkNamespace one;
  private NetworkNamespace two;
  private LoopbackGateway enabled;
  private LoopbackGateway disabled;
  private LoopbackGateway v6;

  @BeforeAll
  void start() {
    Path logs = Testbed.workDirectory().resolve("external-name-" + System.nanoTime());
    one = NetworkNamespace.create();
    two = NetworkNamespace.create();
    one.httpBackend("backend-one", PORT, "one", logs.resolve("one.log"));
    two.httpBackend("backend-two", PORT, "two", logs.resolve("two.log"));
    dns = DnsServer.start();
    dns.answer(NAME, one.address());
  }

  @AfterAll
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {enabled, disabled, v6, dns, one, two}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // the others still close
      }
    }
  }

  private static HTTPProxy proxy() {
    return Fixtures.proxy("demo/external").fqdn(HOST).route("/", "web", PORT, null).build();
  }

  private static FederationSnapshot federation() {
    FederatedService web =
        Fixtures.service("demo/web").port("http", PORT).externalName("hub", 0, 1, NAME).build();
    return new FederationSnapshot(Map.of(web.name(), web), Map.of(web.name(), web));
  }

  private LoopbackGateway gateway(String name, ExternalNames externalNames) {
    return gateway(name, externalNames, DnsLookupFamily.AUTO);
  }

  private LoopbackGateway gateway(
      String name, ExternalNames externalNames, DnsLookupFamily family) {
    return LoopbackGateway.start(
        name,
        "DELTA_GRPC",
        List.of(proxy()),
        federation(),
        Map.of(),
        ListenerSettings.contour(),
        new ProxyCompiler("gantry", externalNames),
        List.of(),
        bootstrap -> Envoy.withDnsResolver(bootstrap, dns.port()),
        family);
  }

  @Test
  void withTheV6LookupFamilyANameWithOnlyAnIpv4AddressReachesNothing() throws Exception {
    v6 = gateway("envoy-external-name-v6", ExternalNames.ENABLED, DnsLookupFamily.V6);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> v6.envoy().admin("/clusters").contains("demo/web/"));
    assertThat(v6.envoy().admin("/config_dump?resource=dynamic_active_clusters"))
        .contains("\"dns_lookup_family\": \"V6_ONLY\"");
    // The test's DNS server answers AAAA queries with no address: the cluster stays empty.
    await()
        .pollDelay(Duration.ofSeconds(1))
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> v6.get(HOST, "/").statusCode() == 503);
    assertThat(v6.get(HOST, "/").body()).doesNotContain("one").doesNotContain("two");
  }

  @Test
  void anExternalNameServiceIsADnsClusterThatFollowsTheDnsAnswer() throws Exception {
    enabled = gateway("envoy-external-name", ExternalNames.ENABLED);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> enabled.get(HOST, "/").body().equals("one"));
    assertThat(enabled.verdicts()).singleElement().satisfies(v -> assertThat(v.valid()).isTrue());
    assertThat(enabled.envoy().admin("/config_dump?resource=dynamic_active_clusters"))
        .contains("STRICT_DNS")
        .contains("\"address\": \"" + NAME + "\"");
    long asked = dns.queries();
    assertThat(asked).isPositive();

    // Envoy asks again every 5 s (its default refresh) and takes the new address.
    dns.answer(NAME, two.address());
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> enabled.get(HOST, "/").body().equals("two"));
    assertThat(dns.queries()).isGreaterThan(asked);
  }

  @Test
  void withoutTheFlagTheProxyIsInvalidWithContoursReasonAndNothingIsRouted() throws Exception {
    disabled = gateway("envoy-external-name-off", ExternalNames.DISABLED);
    await().atMost(Duration.ofSeconds(30)).until(() -> !disabled.verdicts().isEmpty());
    ProxyVerdict verdict = disabled.verdicts().get(0);
    assertThat(verdict.valid()).isFalse();
    assertThat(verdict.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo("ServiceError");
              assertThat(e.reason()).isEqualTo("ServiceUnresolvedReference");
              assertThat(e.message())
                  .contains("demo/web is an ExternalName service, these are not currently enabled")
                  .contains("--enable-external-name-service");
            });
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> disabled.envoy().admin("/listeners").contains("ingress_http"));
    assertThat(disabled.get(HOST, "/").statusCode()).isEqualTo(404);
    assertThat(disabled.envoy().admin("/clusters")).doesNotContain("demo/web/");
  }
}
