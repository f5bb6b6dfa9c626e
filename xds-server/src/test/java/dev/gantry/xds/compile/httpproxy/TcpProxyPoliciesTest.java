package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.LoadBalancerPolicy;
import dev.gantry.api.crd.contour.SlowStartPolicy;
import dev.gantry.api.crd.contour.TCPHealthCheckPolicy;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.ir.HealthCheck;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A TCP proxy's {@code loadBalancerPolicy} and {@code healthCheckPolicy}, as Contour reads them.
 */
class TcpProxyPoliciesTest {
  private static final FederatedService DB =
      Fixtures.service("demo/db")
          .port("tcp", 5432)
          .cluster("east", 0, 1, "tcp", "10.0.0.1:5432")
          .build();
  private static final FederationSnapshot SNAPSHOT =
      new FederationSnapshot(Map.of(DB.name(), DB), Map.of());

  private static ProxyCompiler.Result compile(
      Consumer<dev.gantry.api.crd.contour.TCPProxy> policies) {
    HTTPProxy proxy =
        Fixtures.proxy("demo/db")
            .fqdn("db.example.com")
            .tls(null, null, true)
            .tcpProxy("db", 5432, null)
            .build();
    policies.accept(proxy.getSpec().getTcpproxy());
    return new ProxyCompiler("gantry").compile(List.of(proxy), SNAPSHOT, Map.of());
  }

  private static Upstream onlyUpstream(ProxyCompiler.Result result) {
    assertThat(result.table().upstreams()).hasSize(1);
    return result.table().upstreams().values().iterator().next();
  }

  private static LoadBalancerPolicy strategy(String strategy) {
    LoadBalancerPolicy policy = new LoadBalancerPolicy();
    policy.setStrategy(strategy);
    return policy;
  }

  @Test
  void aBalancingStrategyForStreamsIsUsed() {
    ProxyCompiler.Result result =
        compile(tcp -> tcp.setLoadBalancerPolicy(strategy("WeightedLeastRequest")));

    assertThat(result.verdicts().get(0).warnings()).isEmpty();
    assertThat(onlyUpstream(result).strategy()).isEqualTo(Upstream.Strategy.WEIGHTED_LEAST_REQUEST);
  }

  @Test
  void aHashingStrategyIsIgnoredWithAWarningAsInContour() {
    ProxyCompiler.Result result = compile(tcp -> tcp.setLoadBalancerPolicy(strategy("Cookie")));

    assertThat(result.verdicts().get(0).valid()).isTrue();
    assertThat(result.verdicts().get(0).warnings())
        .extracting(e -> e.type() + "/" + e.reason() + ": " + e.message())
        .containsExactly(
            "TCPProxyError/IgnoredField: ignoring field \"Spec.TCPProxy.LoadBalancerPolicy\";"
                + " Cookie load balancer policy is not supported for TCPProxies");
    assertThat(onlyUpstream(result).strategy()).isEqualTo(Upstream.Strategy.ROUND_ROBIN);
  }

  @Test
  void cookieRewritePoliciesOnATcpProxysServiceMakeTheProxyInvalidRatherThanIgnored() {
    ProxyCompiler.Result result =
        compile(
            tcp -> {
              dev.gantry.api.crd.contour.CookieRewritePolicy rule =
                  new dev.gantry.api.crd.contour.CookieRewritePolicy();
              rule.setName("session");
              rule.setSecure(true);
              tcp.getServices().get(0).setCookieRewritePolicies(List.of(rule));
            });

    ProxyVerdict verdict = result.verdicts().get(0);
    assertThat(verdict.valid()).isFalse();
    assertThat(verdict.errors())
        .extracting(e -> e.type() + "/" + e.reason() + ": " + e.message())
        .containsExactly(
            "TCPProxyError/NotImplemented: spec.tcpproxy.services[0].cookieRewritePolicies cannot"
                + " apply to a TCP proxy, which forwards a stream without reading its HTTP: the"
                + " proxy is not served rather than served without it");
    assertThat(result.table().upstreams()).isEmpty();

    // An empty list asks for nothing.
    ProxyCompiler.Result empty =
        compile(tcp -> tcp.getServices().get(0).setCookieRewritePolicies(List.of()));
    assertThat(empty.verdicts().get(0).valid()).isTrue();
  }

  @Test
  void aHealthCheckPolicyIsATcpCheckWithContoursDefaults() {
    ProxyCompiler.Result result =
        compile(tcp -> tcp.setHealthCheckPolicy(new TCPHealthCheckPolicy()));

    assertThat(onlyUpstream(result).healthCheck())
        .isEqualTo(HealthCheck.tcp(Duration.ofSeconds(5), Duration.ofSeconds(2), 3, 2));
    assertThat(onlyUpstream(result).healthCheck().isTcp()).isTrue();
  }

  @Test
  void aNumberOutOfRangeMakesTheProxyInvalid() {
    ProxyVerdict verdict =
        compile(
                tcp -> {
                  TCPHealthCheckPolicy check = new TCPHealthCheckPolicy();
                  check.setIntervalSeconds(-1L);
                  tcp.setHealthCheckPolicy(check);
                })
            .verdicts()
            .get(0);

    assertThat(verdict.valid()).isFalse();
    assertThat(verdict.errors())
        .extracting(e -> e.type() + "/" + e.reason() + ": " + e.message())
        .containsExactly(
            "TCPProxyError/HealthCheckPolicyInvalid: spec.tcpproxy.healthCheckPolicy"
                + ".intervalSeconds: -1 is outside 1..86400 (0 or unset: 5)");
  }

  private static HTTPProxySpec.HeadersPolicy headers(String name, String value) {
    HTTPProxySpec.HeadersPolicy policy = new HTTPProxySpec.HeadersPolicy();
    HTTPProxySpec.HeaderValue header = new HTTPProxySpec.HeaderValue();
    header.setName(name);
    header.setValue(value);
    policy.setSet(List.of(header));
    return policy;
  }

  private static List<String> errors(ProxyCompiler.Result result) {
    return result.verdicts().get(0).errors().stream()
        .map(e -> e.type() + "/" + e.reason() + ": " + e.message())
        .toList();
  }

  private static String streamless(String field) {
    return "TCPProxyError/NotImplemented: spec.tcpproxy.services[0]."
        + field
        + " cannot apply to a TCP proxy, which forwards a stream without reading its HTTP: the"
        + " proxy is not served rather than served without it";
  }

  @Test
  void headerChangesAndAMirrorOnATcpProxysServiceMakeTheProxyInvalidRatherThanIgnored() {
    ProxyCompiler.Result result =
        compile(
            tcp -> {
              HTTPProxySpec.RouteService s = tcp.getServices().get(0);
              s.setRequestHeadersPolicy(headers("x-tenant", "a"));
              HTTPProxySpec.HeadersPolicy response = new HTTPProxySpec.HeadersPolicy();
              response.setRemove(List.of("server"));
              s.setResponseHeadersPolicy(response);
              s.setMirror(true);
            });

    assertThat(result.verdicts().get(0).valid()).isFalse();
    assertThat(errors(result))
        .containsExactly(
            streamless("requestHeadersPolicy"),
            streamless("responseHeadersPolicy"),
            streamless("mirror"));
    assertThat(result.table().upstreams()).isEmpty();

    // Empty policies and mirror: false ask for nothing.
    ProxyCompiler.Result empty =
        compile(
            tcp -> {
              HTTPProxySpec.RouteService s = tcp.getServices().get(0);
              s.setRequestHeadersPolicy(new HTTPProxySpec.HeadersPolicy());
              s.setResponseHeadersPolicy(new HTTPProxySpec.HeadersPolicy());
              s.setMirror(false);
            });
    assertThat(empty.verdicts().get(0).valid()).isTrue();
  }

  @Test
  void aHostRewriteIsTheServerNameOfAServiceSpeakingTlsAndRefusedOnClearText() {
    ProxyCompiler.Result tls =
        compile(
            tcp -> {
              tcp.getServices().get(0).setProtocol("tls");
              tcp.getServices().get(0).setRequestHeadersPolicy(headers("Host", "db.internal"));
            });
    assertThat(tls.verdicts().get(0).valid()).isTrue();
    assertThat(onlyUpstream(tls).tls().sni()).isEqualTo("db.internal");

    ProxyCompiler.Result clear =
        compile(tcp -> tcp.getServices().get(0).setRequestHeadersPolicy(headers("host", "db")));
    assertThat(errors(clear))
        .containsExactly(
            "TCPProxyError/NotImplemented: spec.tcpproxy.services[0].requestHeadersPolicy sets"
                + " Host, which a TCP proxy sends only as the TLS server name of a service"
                + " speaking tls or h2; this one speaks clear text: the proxy is not served rather"
                + " than served without it");
  }

  @Test
  void aSlowStartRampsUpNewEndpointsShareOfTheStreams() {
    SlowStartPolicy slowStart = new SlowStartPolicy();
    slowStart.setWindow("30s");
    ProxyCompiler.Result result =
        compile(tcp -> tcp.getServices().get(0).setSlowStartPolicy(slowStart));

    assertThat(result.verdicts().get(0).warnings()).isEmpty();
    assertThat(onlyUpstream(result).slowStart())
        .isEqualTo(new Upstream.SlowStart(Duration.ofSeconds(30), 1.0, 10));

    ProxyCompiler.Result random =
        compile(
            tcp -> {
              tcp.setLoadBalancerPolicy(strategy("Random"));
              tcp.getServices().get(0).setSlowStartPolicy(slowStart);
            });
    assertThat(errors(random))
        .containsExactly(
            "ServiceError/SlowStartInvalid: spec.tcpproxy.services[0].slowStartPolicy: slow start"
                + " is only supported with RoundRobin or WeightedLeastRequest load balancer"
                + " strategy, not Random");
  }
}
