package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.xds.HostileProxies;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.translate.XdsAssembler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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

  @Test
  void theApiserverRefusesWhatDoesNotParse() {
    for (HostileProxies.Refused r : HostileProxies.refused()) {
      assertThatThrownBy(() -> HostileProxies.parse(r.yaml())).as(r.name()).isNotNull();
    }
  }
}
