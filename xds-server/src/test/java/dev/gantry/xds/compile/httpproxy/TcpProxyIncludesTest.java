package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.WeightedCluster;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code tcpproxy.include}: a root's TCP proxy served by another proxy's {@code tcpproxy}, followed
 * as Contour follows it, with its reasons on the proxy whose link fails, and each proxy's status.
 */
class TcpProxyIncludesTest {
  /**
   * A case: proxies as {@code name: spec} (namespace demo unless the name has one), the statuses
   * expected by name ("valid", "orphaned", or "invalid: Type/Reason, ..."), and the clusters the
   * root's stream goes to (none: the root is not served).
   */
  record Case(
      String name, Map<String, String> proxies, Map<String, String> statuses, List<String> tcp) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String ROOT = "virtualhost: {fqdn: tcp.test, tls: {passthrough: true}}\n";
  private static final String SERVICES = "tcpproxy: {services: [{name: kuard, port: 80}]}";

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "include: the child's services serve the root's stream",
            Map.of("root", ROOT + "tcpproxy: {include: {name: child}}", "child", SERVICES),
            Map.of("root", "valid", "child", "valid"),
            List.of(ProxyCompilerTest.KUARD)),
        new Case(
            "a chain of two, across a namespace given explicitly",
            Map.of(
                "root",
                ROOT + "tcpproxy: {include: {name: a, namespace: demo}}",
                "a",
                "tcpproxy: {include: {name: b}}",
                "b",
                "tcpproxy: {services: [{name: east-kuard, port: 80}]}"),
            Map.of("root", "valid", "a", "valid", "b", "valid"),
            List.of(ProxyCompilerTest.EAST_KUARD)),
        new Case(
            "the deprecated includes; include wins when both are set",
            Map.of(
                "root",
                ROOT + "tcpproxy: {include: {name: child}, includes: {name: other}}",
                "child",
                SERVICES,
                "old",
                ROOT.replace("tcp.test", "old.test") + "tcpproxy: {includes: {name: other}}",
                "other",
                "tcpproxy: {services: [{name: west-kuard, port: 80}]}"),
            Map.of("root", "valid", "child", "valid", "old", "valid", "other", "valid"),
            List.of(ProxyCompilerTest.KUARD)),
        new Case(
            "services and include: invalid, and the include is not followed",
            Map.of(
                "root",
                ROOT + "tcpproxy: {services: [{name: kuard, port: 80}], include: {name: child}}",
                "child",
                SERVICES),
            Map.of("root", "invalid: TCPProxyError/NoServicesAndInclude", "child", "orphaned"),
            List.of()),
        new Case(
            "a missing target",
            Map.of("root", ROOT + "tcpproxy: {include: {name: nowhere}}"),
            Map.of("root", "invalid: TCPProxyIncludeError/IncludeNotFound"),
            List.of()),
        new Case(
            "a root as target",
            Map.of(
                "root",
                ROOT + "tcpproxy: {include: {name: other}}",
                "other",
                ROOT.replace("tcp.test", "other.test") + SERVICES),
            Map.of("root", "invalid: TCPProxyIncludeError/RootIncludesRoot", "other", "valid"),
            List.of()),
        new Case(
            "a cycle below the root: on the proxy that closes it, and on the root",
            Map.of(
                "root",
                ROOT + "tcpproxy: {include: {name: a}}",
                "a",
                "tcpproxy: {include: {name: b}}",
                "b",
                "tcpproxy: {include: {name: a}}"),
            Map.of(
                "root",
                "invalid: TCPProxyIncludeError/IncludeCreatesCycle",
                "a",
                "valid",
                "b",
                "invalid: TCPProxyIncludeError/IncludeCreatesCycle"),
            List.of()),
        new Case(
            "a target without tcpproxy: nothing to serve (Contour serves nothing, silently)",
            Map.of(
                "root",
                ROOT + "tcpproxy: {include: {name: child}}",
                "child",
                "routes: [{services: [{name: kuard, port: 80}]}]"),
            Map.of("root", "invalid: TCPProxyIncludeError/NothingDefined", "child", "valid"),
            List.of()),
        new Case(
            "a target whose service does not resolve: its error, and the root's",
            Map.of(
                "root",
                ROOT + "tcpproxy: {include: {name: child}}",
                "child",
                "tcpproxy: {services: [{name: nowhere, port: 80}]}"),
            Map.of(
                "root",
                "invalid: TCPProxyIncludeError/ServiceUnresolvedReference",
                "child",
                "invalid: TCPProxyError/ServiceUnresolvedReference"),
            List.of()),
        new Case(
            "a target with an empty tcpproxy",
            Map.of("root", ROOT + "tcpproxy: {include: {name: child}}", "child", "tcpproxy: {}"),
            Map.of(
                "root",
                "invalid: TCPProxyIncludeError/NothingDefined",
                "child",
                "invalid: TCPProxyError/NothingDefined"),
            List.of()));
  }

  @org.junit.jupiter.api.Test
  void aCycleNamesItsPathOnTheProxyThatClosesItAndOnTheRoot() {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry")
            .compile(
                List.of(
                    parse("root", ROOT + "tcpproxy: {include: {name: a}}"),
                    parse("a", "tcpproxy: {include: {name: b}}"),
                    parse("b", "tcpproxy: {include: {name: a}}")),
                ProxyCompilerTest.SNAPSHOT,
                Map.of());

    Map<String, List<String>> messages = new TreeMap<>();
    result
        .verdicts()
        .forEach(v -> messages.put(v.name(), v.errors().stream().map(e -> e.message()).toList()));
    assertThat(messages)
        .containsEntry(
            "b", List.of("include creates a cycle: demo/root -> demo/a -> demo/b -> demo/a"))
        .containsEntry(
            "root",
            List.of(
                "spec.tcpproxy.include: demo/b: include creates a cycle: demo/root -> demo/a ->"
                    + " demo/b -> demo/a"));
  }

  private static HTTPProxy parse(String name, String spec) {
    return Serialization.unmarshal(
        "apiVersion: projectcontour.io/v1\nkind: HTTPProxy\n"
            + "metadata: {name: "
            + name
            + ", namespace: demo}\n"
            + "spec:\n  ingressClassName: gantry\n"
            + spec.indent(2),
        HTTPProxy.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void followsTheChainAsContour(Case c) {
    List<HTTPProxy> proxies =
        c.proxies().entrySet().stream()
            .map(
                e ->
                    Serialization.unmarshal(
                        "apiVersion: projectcontour.io/v1\nkind: HTTPProxy\n"
                            + "metadata: {name: "
                            + e.getKey()
                            + ", namespace: demo}\n"
                            + "spec:\n  ingressClassName: gantry\n"
                            + e.getValue().indent(2),
                        HTTPProxy.class))
            .toList();

    ProxyCompiler.Result result =
        new ProxyCompiler("gantry").compile(proxies, ProxyCompilerTest.SNAPSHOT, Map.of());

    Map<String, String> statuses = new TreeMap<>();
    for (ProxyVerdict v : result.verdicts()) {
      statuses.put(
          v.name(),
          v.currentStatus()
              + (v.valid() || v.errors().isEmpty() || v.currentStatus().equals("orphaned")
                  ? ""
                  : ": "
                      + v.errors().stream()
                          .map(e -> e.type() + "/" + e.reason())
                          .collect(Collectors.joining(", "))));
    }
    assertThat(statuses).isEqualTo(new TreeMap<>(c.statuses()));
    List<String> served =
        result.table().virtualHosts().stream()
            .filter(h -> h.fqdn().equals("tcp.test"))
            .map(RoutingTable.VirtualHost::tls)
            .flatMap(t -> t.tcpProxy().stream())
            .map(WeightedCluster::cluster)
            .toList();
    assertThat(served).isEqualTo(c.tcp());
    assertThat(result.table().upstreams().keySet()).containsAll(c.tcp());
    if (c.tcp().isEmpty()) {
      assertThat(result.table().virtualHosts())
          .extracting(RoutingTable.VirtualHost::fqdn)
          .doesNotContain("tcp.test");
    }
  }
}
