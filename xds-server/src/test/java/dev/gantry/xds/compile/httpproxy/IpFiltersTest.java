package dev.gantry.xds.compile.httpproxy;

import static dev.gantry.xds.Fixtures.proxy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.IPFilterPolicy;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.RoutingTable.IpFilter;
import dev.gantry.xds.ir.RoutingTable.IpRule;
import dev.gantry.xds.translate.RouteTranslator;
import io.envoyproxy.envoy.config.rbac.v3.RBAC.Action;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ipAllowPolicy} / {@code ipDenyPolicy}: compiled as Contour validates them (type {@code
 * IPFilterError}), and what Envoy gets: the RBAC filter's per-filter config on the virtual host, a
 * route's own replacing it, and no filtered route for proxyless gRPC clients.
 */
class IpFiltersTest {
  static IPFilterPolicy rule(String source, String cidr) {
    IPFilterPolicy p = new IPFilterPolicy();
    p.setSource(source);
    p.setCidr(cidr);
    return p;
  }

  record Case(
      String name,
      List<IPFilterPolicy> allow,
      List<IPFilterPolicy> deny,
      IpFilter expected,
      List<String> errors) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    String f = "spec.virtualhost";
    return Stream.of(
        new Case("none", null, null, null, List.of()),
        new Case("empty lists are none", List.of(), List.of(), null, List.of()),
        new Case(
            "allow: bare addresses become /32 and /128, host bits are cleared",
            List.of(
                rule("Peer", "10.8.0.1"),
                rule("Remote", "192.168.7.9/16"),
                rule("Peer", "fd00::1"),
                rule("Peer", "2001:db8::ff/32"),
                rule("Peer", "0.0.0.0/0")),
            null,
            new IpFilter(
                true,
                List.of(
                    new IpRule(false, "10.8.0.1", 32),
                    new IpRule(true, "192.168.0.0", 16),
                    new IpRule(false, "fd00:0:0:0:0:0:0:1", 128),
                    new IpRule(false, "2001:db8:0:0:0:0:0:0", 32),
                    new IpRule(false, "0.0.0.0", 0))),
            List.of()),
        new Case(
            "deny",
            null,
            List.of(rule("Remote", "172.16.0.0/12")),
            new IpFilter(false, List.of(new IpRule(true, "172.16.0.0", 12))),
            List.of()),
        new Case(
            "both at once",
            List.of(rule("Peer", "10.0.0.0/8")),
            List.of(rule("Peer", "10.1.0.0/16")),
            null,
            List.of(
                "IPFilterError/IncompatibleIPAddressFilters: "
                    + f
                    + ": cannot specify both `ipAllowPolicy` and `ipDenyPolicy`")),
        new Case(
            "every bad CIDR is named, with its index",
            Arrays.asList(
                rule("Peer", "10.0.0.300"),
                rule("Peer", "10.0.0.0/33"),
                rule("Peer", "fd00::/129"),
                rule("Peer", "10.0.0.0/08"),
                rule("Peer", "kuard.example.com"),
                rule("Peer", ""),
                rule("Peer", null),
                rule("Peer", "::ffff:10.0.0.1"),
                rule("Peer", "10.0.0.0/-1"),
                rule("Peer", "1.2.3.4 ")),
            null,
            null,
            List.of(
                bad(f, 0, "\"10.0.0.300\""),
                bad(f, 1, "\"10.0.0.0/33\""),
                bad(f, 2, "\"fd00::/129\""),
                bad(f, 3, "\"10.0.0.0/08\""),
                bad(f, 4, "\"kuard.example.com\""),
                bad(f, 5, "\"\""),
                bad(f, 6, "(none)"),
                bad(f, 7, "\"::ffff:10.0.0.1\""),
                bad(f, 8, "\"10.0.0.0/-1\""),
                bad(f, 9, "\"1.2.3.4 \""))),
        new Case(
            "a source other than Peer or Remote, and a missing rule",
            Arrays.asList(rule("peer", "10.0.0.1"), null),
            null,
            null,
            List.of(
                "IPFilterError/IPFilterPolicyNotValid: "
                    + f
                    + ".ipAllowPolicy[0].source: \"peer\" is not Peer or Remote",
                "IPFilterError/InvalidCIDR: "
                    + f
                    + ".ipAllowPolicy[1]: a rule needs a cidr and a source")));
  }

  private static String bad(String field, int i, String cidr) {
    return "IPFilterError/InvalidCIDR: "
        + field
        + ".ipAllowPolicy["
        + i
        + "].cidr: "
        + cidr
        + " failed to parse: not an address or a CIDR range (10.8.0.0/16, fd00::/8)";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void parses(Case c) {
    Outcome<Optional<IpFilter>> outcome =
        IpFilters.parse(
            c.allow() == null ? null : new ArrayList<>(c.allow()),
            c.deny() == null ? null : new ArrayList<>(c.deny()),
            "spec.virtualhost");

    assertThat(outcome.errors().stream().map(e -> e.type() + "/" + e.reason() + ": " + e.message()))
        .containsExactlyElementsOf(c.errors());
    if (c.errors().isEmpty()) {
      assertThat(outcome.value()).isEqualTo(Optional.ofNullable(c.expected()));
    }
  }

  private static ProxyCompiler.Result compile(dev.gantry.api.crd.contour.HTTPProxy p) {
    return new ProxyCompiler("gantry").compile(List.of(p), ProxyCompilerTest.SNAPSHOT, Map.of());
  }

  @Test
  void aRoutesOwnFilterReplacesTheVirtualHostsInEnvoyAndProxylessClientsGetNeither()
      throws Exception {
    ProxyCompiler.Result result =
        compile(
            proxy("demo/a")
                .fqdn("a.example.com")
                .spec(
                    s ->
                        s.getVirtualhost()
                            .setIpAllowPolicy(new ArrayList<>(List.of(rule("Peer", "10.0.0.0/8")))))
                .route("/open", "kuard", 80, null)
                .lastRoute(
                    r -> r.setIpDenyPolicy(new ArrayList<>(List.of(rule("Remote", "10.9.9.9")))))
                .route("/", "kuard", 80, null)
                .build());
    assertThat(result.verdicts().get(0).currentStatus()).isEqualTo("valid");
    RoutingTable.VirtualHost host = result.table().virtualHosts().get(0);
    assertThat(host.ipFilter())
        .isEqualTo(new IpFilter(true, List.of(new IpRule(false, "10.0.0.0", 8))));

    VirtualHost vhost = RouteTranslator.translate(result.table()).getVirtualHosts(0);
    RBACPerRoute hostRules =
        vhost
            .getTypedPerFilterConfigOrThrow(RouteTranslator.RBAC_FILTER)
            .unpack(RBACPerRoute.class);
    assertThat(hostRules.getRbac().getRules().getAction()).isEqualTo(Action.ALLOW);
    var hostPolicy = hostRules.getRbac().getRules().getPoliciesOrThrow("ip-rules");
    assertThat(hostPolicy.getPermissions(0).getAny()).isTrue();
    assertThat(hostPolicy.getPrincipals(0).getDirectRemoteIp().getAddressPrefix())
        .isEqualTo("10.0.0.0");
    assertThat(hostPolicy.getPrincipals(0).getDirectRemoteIp().getPrefixLen().getValue())
        .isEqualTo(8);
    var open =
        vhost.getRoutesList().stream()
            .filter(r -> r.getMatch().toString().contains("/open"))
            .findFirst()
            .orElseThrow();
    RBACPerRoute routeRules =
        open.getTypedPerFilterConfigOrThrow(RouteTranslator.RBAC_FILTER).unpack(RBACPerRoute.class);
    assertThat(routeRules.getRbac().getRules().getAction()).isEqualTo(Action.DENY);
    assertThat(
            routeRules
                .getRbac()
                .getRules()
                .getPoliciesOrThrow("ip-rules")
                .getPrincipals(0)
                .getRemoteIp()
                .getAddressPrefix())
        .isEqualTo("10.9.9.9");
    assertThat(
            vhost.getRoutesList().stream()
                .filter(r -> !r.getMatch().toString().contains("/open"))
                .map(r -> r.getTypedPerFilterConfigMap().containsKey(RouteTranslator.RBAC_FILTER)))
        .containsOnly(false);

    // A proxyless client calls the backends itself, where no filter applies: no route at all.
    RouteConfiguration proxyless = RouteTranslator.perHost(result.table()).get(0);
    assertThat(proxyless.getVirtualHosts(0).getRoutesList()).isEmpty();
    assertThat(proxyless.getVirtualHosts(0).getTypedPerFilterConfigMap()).isEmpty();
  }

  @Test
  void aBadRouteFilterMakesTheProxyInvalidAndServesNothing() {
    ProxyCompiler.Result result =
        compile(
            proxy("demo/a")
                .fqdn("a.example.com")
                .route("/", "kuard", 80, null)
                .lastRoute(
                    r -> {
                      r.setIpAllowPolicy(new ArrayList<>(List.of(rule("Peer", "10.0.0.1"))));
                      r.setIpDenyPolicy(new ArrayList<>(List.of(rule("Peer", "10.0.0.2"))));
                    })
                .build());

    ProxyVerdict verdict = result.verdicts().get(0);
    assertThat(verdict.currentStatus()).isEqualTo("invalid");
    assertThat(verdict.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type() + "/" + e.reason())
                  .isEqualTo("IPFilterError/IncompatibleIPAddressFilters");
              assertThat(e.message()).startsWith("spec.routes[0]: cannot specify both");
            });
    assertThat(result.table().virtualHosts()).isEmpty();
  }
}
