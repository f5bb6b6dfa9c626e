package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.HostileProxies;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.translate.XdsAssembler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile proxies through the compiler and the translation to Envoy, all at once next to a
 * valid proxy: each gets its status, the valid one still serves, nothing throws. {@code
 * HostileInputIT} does the same through an apiserver, the hub and Envoy.
 */
class HostileInputTest {
  static List<HostileProxies.Case> cases() {
    return HostileProxies.cases();
  }

  private static final ProxyCompiler.Result RESULT = compileAll();

  private static ProxyCompiler.Result compileAll() {
    List<HTTPProxy> proxies = new ArrayList<>();
    proxies.add(HostileProxies.parse(HostileProxies.valid()));
    HostileProxies.cases().forEach(c -> proxies.add(HostileProxies.parse(c.yaml())));
    return new ProxyCompiler("gantry").compile(proxies, ProxyCompilerTest.SNAPSHOT, Map.of());
  }

  static String status(ProxyVerdict v) {
    return v.currentStatus()
        + (v.errors().isEmpty()
            ? ""
            : ": "
                + v.errors().stream()
                    .map(e -> e.type() + "/" + e.reason())
                    .collect(Collectors.joining(", ")));
  }

  @Test
  void atLeastFortyCases() {
    assertThat(HostileProxies.cases().size() + HostileProxies.refused().size())
        .isGreaterThanOrEqualTo(40);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachGetsItsStatus(HostileProxies.Case c) {
    ProxyVerdict verdict =
        RESULT.verdicts().stream()
            .filter(v -> v.name().equals(c.proxyName()))
            .findFirst()
            .orElseThrow();
    assertThat(status(verdict)).isEqualTo(c.expected());
    assertThat(verdict.description()).isNotBlank();
  }

  @Test
  void theValidProxyServesAndEnvoyConfigurationIsBuilt() {
    assertThat(RESULT.table().virtualHosts())
        .extracting(RoutingTable.VirtualHost::fqdn)
        .contains(HostileProxies.VALID_FQDN);
    var snapshot = new XdsAssembler("127.0.0.1", 8080, 8443).assemble(RESULT.table());
    assertThat(snapshot).isNotNull();
  }

  static Stream<Arguments> externalNames() {
    return HostileProxies.externalNames().stream()
        .flatMap(c -> Stream.of(Arguments.of(c, false), Arguments.of(c, true)));
  }

  private static final Map<Boolean, ProxyCompiler.Result> EXTERNAL_NAMES =
      Map.of(false, compileExternalNames(false), true, compileExternalNames(true));

  /** Every ExternalName case at once next to the valid proxy, with the hub's flag off or on. */
  private static ProxyCompiler.Result compileExternalNames(boolean enabled) {
    Map<ServiceName, FederatedService> federated =
        new HashMap<>(ProxyCompilerTest.SNAPSHOT.federated());
    Map<ServiceName, FederatedService> hub =
        new HashMap<>(ProxyCompilerTest.SNAPSHOT.hubServices());
    List<HTTPProxy> proxies = new ArrayList<>();
    proxies.add(HostileProxies.parse(HostileProxies.valid()));
    for (HostileProxies.ExternalNameCase c : HostileProxies.externalNames()) {
      FederatedService service =
          Fixtures.service("demo/" + c.service())
              .port("http", 80)
              .externalName("hub", 0, 1, c.externalName())
              .build();
      // The hub's own Service: a federated service of one cluster, and a hub Service.
      federated.put(service.name(), service);
      hub.put(service.name(), service);
      proxies.add(HostileProxies.parse(c.yaml()));
    }
    return new ProxyCompiler("gantry", ExternalNames.of(enabled))
        .compile(proxies, new FederationSnapshot(federated, hub), Map.of());
  }

  @ParameterizedTest(name = "{0}, flag on: {1}")
  @MethodSource("externalNames")
  void eachExternalNameGetsItsStatus(HostileProxies.ExternalNameCase c, boolean enabled) {
    ProxyCompiler.Result result = EXTERNAL_NAMES.get(enabled);
    ProxyVerdict verdict =
        result.verdicts().stream()
            .filter(v -> v.name().equals(c.proxyName()))
            .findFirst()
            .orElseThrow();
    assertThat(status(verdict)).isEqualTo(enabled ? c.on() : c.off());
    assertThat(result.table().virtualHosts())
        .extracting(RoutingTable.VirtualHost::fqdn)
        .contains(HostileProxies.VALID_FQDN);
    // Only the one fine name became a DNS cluster, and Envoy's configuration is built.
    assertThat(
            result.table().upstreams().values().stream()
                .flatMap(u -> u.dns().stream())
                .map(d -> d.hostname()))
        .isSubsetOf(List.of("api.example.com"));
    assertThat(new XdsAssembler("127.0.0.1", 8080, 8443).assemble(result.table())).isNotNull();
  }

  @Test
  void theApiserverRefusesWhatDoesNotParse() {
    for (HostileProxies.Refused r : HostileProxies.refused()) {
      assertThatThrownBy(() -> HostileProxies.parse(r.yaml())).as(r.name()).isNotNull();
    }
  }
}
