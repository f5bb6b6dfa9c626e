package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.TestCertificates;
import dev.gantry.xds.compile.ServiceResolver;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.ir.WeightedCluster;
import dev.gantry.xds.tls.TlsSecrets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** HTTPProxy TLS and TCP proxy compilation: Contour's TLSError and TCPProxyError reasons. */
class TlsCompilerTest {
  private static final TestCertificates.Issued CERT = TestCertificates.rsa("web", "web.example");
  private static final Map<String, TlsSecrets.Outcome> SECRETS =
      TlsSecrets.validateAll(
          Map.of(
              "demo/cert",
              TestCertificates.tlsSecret("demo/cert", CERT),
              "other/cert",
              TestCertificates.tlsSecret("other/cert", CERT)));
  private static final VirtualHostTls.Certificate SERVED =
      new VirtualHostTls.Certificate("demo/cert", CERT.certificatePem(), CERT.keyPem());
  private static final FederationSnapshot SNAPSHOT =
      new FederationSnapshot(
          Map.of(
              ServiceName.of("demo", "web"),
              Fixtures.service("demo/web")
                  .port("http", 80)
                  .port("https", 443)
                  .cluster("east", 0, 1, "http", "198.18.0.1:8080")
                  .build()),
          Map.of());

  /** Either the host's TLS when valid, or the one error expected. */
  record Case(String name, HTTPProxy proxy, VirtualHostTls tls, ProxyVerdict.Error error) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Fixtures.ProxyBuilder web() {
    return Fixtures.proxy("demo/web").fqdn("web.example");
  }

  private static Case valid(String name, Fixtures.ProxyBuilder proxy, VirtualHostTls tls) {
    return new Case(name, proxy.build(), tls, null);
  }

  private static Case invalid(
      String name, Fixtures.ProxyBuilder proxy, String type, String reason, String message) {
    return new Case(name, proxy.build(), null, new ProxyVerdict.Error(type, reason, message));
  }

  private static VirtualHostTls terminated(VirtualHostTls.Version version) {
    return new VirtualHostTls(SERVED, version, List.of());
  }

  static Stream<Case> cases() {
    String tls = ProxyVerdict.TLS_ERROR;
    String tcp = ProxyVerdict.TCP_PROXY_ERROR;
    String cluster = "demo/web/443/" + ServiceResolver.shortHash("demo/web/443/federated");
    return Stream.of(
        valid("no tls: plain HTTP only", web().route("/", "web", 80, null), null),
        valid(
            "secretName: terminated, TLS 1.2 by default",
            web().tls("cert", null, null).route("/", "web", 80, null),
            terminated(VirtualHostTls.Version.TLS_1_2)),
        valid(
            "secretName as namespace/name of the proxy's own namespace",
            web().tls("demo/cert", null, null).route("/", "web", 80, null),
            terminated(VirtualHostTls.Version.TLS_1_2)),
        valid(
            "minimumProtocolVersion 1.3",
            web().tls("cert", "1.3", null).route("/", "web", 80, null),
            terminated(VirtualHostTls.Version.TLS_1_3)),
        valid(
            "permitInsecure routes (marked on the routes, see below)",
            web()
                .tls("cert", "1.2", false)
                .route("/", "web", 80, null)
                .insecureRoute("/.well-known", "web", 80),
            terminated(VirtualHostTls.Version.TLS_1_2)),
        valid(
            "passthrough to tcpproxy's service, no routes needed",
            web().tls(null, null, true).tcpProxy("web", 443, null),
            new VirtualHostTls(
                null, VirtualHostTls.Version.TLS_1_2, List.of(new WeightedCluster(cluster, 1)))),
        invalid(
            "another namespace's Secret needs a delegation",
            web().tls("other/cert", null, null).route("/", "web", 80, null),
            tls,
            "DelegationNotPermitted",
            "Spec.VirtualHost.TLS Secret \"other/cert\" certificate delegation not permitted: a"
                + " TLSCertificateDelegation in namespace \"other\" must name Secret \"cert\" for"
                + " namespace \"demo\""),
        invalid(
            "missing Secret",
            web().tls("nope", null, null).route("/", "web", 80, null),
            tls,
            "SecretNotValid",
            "Spec.VirtualHost.TLS Secret \"nope\" is invalid: Secret not found in namespace"
                + " \"demo\""),
        invalid(
            "minimumProtocolVersion 1.1",
            web().tls("cert", "1.1", null).route("/", "web", 80, null),
            tls,
            "TLSConfigNotValid",
            "Spec.VirtualHost.TLS.MinimumProtocolVersion \"1.1\" is not supported: use \"1.2\" or"
                + " \"1.3\""),
        invalid(
            "both secretName and passthrough",
            web().tls("cert", null, true).tcpProxy("web", 443, null),
            tls,
            "TLSConfigNotValid",
            "Spec.VirtualHost.TLS: both Passthrough and SecretName were specified"),
        invalid(
            "neither secretName nor passthrough",
            web().tls(null, "1.3", false).route("/", "web", 80, null),
            tls,
            "TLSConfigNotValid",
            "Spec.VirtualHost.TLS: neither Passthrough nor SecretName were specified"),
        invalid(
            "passthrough with routes and no tcpproxy",
            web().tls(null, null, true).route("/", "web", 80, null),
            tls,
            "TLSConfigNotValid",
            "Spec.VirtualHost.TLS.Passthrough requires Spec.TCPProxy: a passthrough virtual host"
                + " forwards the TLS stream to tcpproxy's services and cannot serve routes over"
                + " HTTPS"),
        invalid(
            "tcpproxy without tls",
            web().tcpProxy("web", 443, null),
            tcp,
            "TLSMustBeConfigured",
            "Spec.TCPProxy requires that either Spec.TLS.Passthrough or Spec.TLS.SecretName be"
                + " set"),
        invalid(
            "empty tcpproxy",
            web().tls(null, null, true).tcpProxy(),
            tcp,
            "NothingDefined",
            "Spec.TCPProxy: either services or inclusion must be specified"),
        invalid(
            "tcpproxy to an unknown service",
            web().tls(null, null, true).tcpProxy("nope", 443, null),
            tcp,
            "ServiceUnresolvedReference",
            "spec.tcpproxy.services[0]: service \"demo/nope\" is not found"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void tlsIsCompiledOrExplained(Case c) {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry").compile(List.of(c.proxy()), SNAPSHOT, SECRETS);

    ProxyVerdict verdict = result.verdicts().get(0);
    if (c.error() == null) {
      assertThat(verdict.errors()).isEmpty();
      assertThat(result.table().virtualHosts())
          .singleElement()
          .satisfies(h -> assertThat(h.tls()).isEqualTo(c.tls()));
    } else {
      assertThat(verdict.currentStatus()).isEqualTo(ProxyVerdict.INVALID);
      assertThat(verdict.errors()).containsExactly(c.error());
      assertThat(verdict.description()).isEqualTo(c.error().message());
      assertThat(result.table().virtualHosts()).isEmpty();
    }
  }

  @org.junit.jupiter.api.Test
  void permitInsecureRoutesAreMarkedOnTheirRoutes() {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry")
            .compile(
                List.of(
                    web()
                        .tls("cert", "1.2", false)
                        .route("/", "web", 80, null)
                        .insecureRoute("/.well-known", "web", 80)
                        .build()),
                SNAPSHOT,
                SECRETS);

    assertThat(result.table().virtualHosts().get(0).routes())
        .filteredOn(r -> r.actions().permitInsecure())
        .extracting(RoutingTable.Route::match)
        .containsExactly(RoutingTable.Match.prefix("/.well-known"));
  }
}
