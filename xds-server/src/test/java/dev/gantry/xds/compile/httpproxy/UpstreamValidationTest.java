package dev.gantry.xds.compile.httpproxy;

import static dev.gantry.xds.compile.httpproxy.ClusterPoliciesTest.KUARD;
import static dev.gantry.xds.compile.httpproxy.ClusterPoliciesTest.PLAIN;
import static dev.gantry.xds.compile.httpproxy.ClusterPoliciesTest.SNAPSHOT;
import static dev.gantry.xds.compile.httpproxy.ClusterPoliciesTest.route;
import static dev.gantry.xds.compile.httpproxy.ClusterPoliciesTest.routes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.UpstreamValidation;
import dev.gantry.xds.TestCertificates;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.UpstreamProtocol;
import dev.gantry.xds.ir.UpstreamTls;
import dev.gantry.xds.tls.TlsSecrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A service's {@code validation} and the server name Envoy sends to a TLS service, compiled through
 * {@link ProxyCompiler}: the CA comes from an Opaque or TLS Secret of the proxy's namespace, the
 * names from {@code subjectName}/{@code subjectNames}; each distinct setting is a cluster of its
 * own; bad settings make the proxy invalid with Contour's reasons.
 */
class UpstreamValidationTest {
  private static final TestCertificates.Issued CA = TestCertificates.rsa("ca", "ca");
  private static final TestCertificates.Issued OTHER_CA = TestCertificates.rsa("other", "other");

  // Literal names: a cluster's name must not change between releases (see ProxyCompilerTest).
  static final String VERIFIED = "demo/kuard/80/2a5672b659";
  static final String VERIFIED_H2 = "demo/kuard/80/c97231fdaf";
  static final String TWO_NAMES = "demo/kuard/80/9d4edffa33";
  static final String SERVICE_HOST = "demo/kuard/80/48c329e892";
  static final String ROUTE_HOST = "demo/kuard/80/8d83296377";
  static final String SNI_ONLY = "demo/kuard/80/58cc87b1c0";

  private static final Map<String, TlsSecrets.Outcome> SECRETS =
      TlsSecrets.validateAll(
          Map.of(
              "demo/ca",
              TestCertificates.secret("demo/ca", "Opaque", Map.of("ca.crt", CA.certificatePem())),
              "demo/no-ca",
              TestCertificates.secret("demo/no-ca", "Opaque", Map.of("other", "x")),
              "other/ca",
              TestCertificates.secret(
                  "other/ca", "Opaque", Map.of("ca.crt", CA.certificatePem()))));

  record Case(
      String name,
      HTTPProxy proxy,
      Map<String, Upstream> upstreams,
      List<String> errors,
      List<String> warnings) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "tls with validation: the CA and the name, sent as SNI",
            routes(route("/", tls("tls", validation("ca", "kuard.internal")))),
            Map.of(
                VERIFIED,
                upstream(
                    VERIFIED,
                    UpstreamProtocol.TLS,
                    new UpstreamTls("kuard.internal", verified("kuard.internal")))),
            List.of(),
            List.of()),
        new Case(
            "h2 with validation, the Secret named with its own namespace",
            routes(route("/", tls("h2", validation("demo/ca", "kuard.internal")))),
            Map.of(
                VERIFIED_H2,
                upstream(
                    VERIFIED_H2,
                    UpstreamProtocol.H2,
                    new UpstreamTls("kuard.internal", verified("kuard.internal")))),
            List.of(),
            List.of()),
        new Case(
            "subjectNames: any of them, the first sent as SNI",
            routes(
                route("/", tls("tls", validation("ca", "a.internal", "a.internal", "b.internal")))),
            Map.of(
                TWO_NAMES,
                upstream(
                    TWO_NAMES,
                    UpstreamProtocol.TLS,
                    new UpstreamTls("a.internal", verified("a.internal", "b.internal")))),
            List.of(),
            List.of()),
        new Case(
            "a service's Host rewrite is the SNI, as in Contour",
            routes(
                route(
                    "/",
                    tls("tls", validation("ca", "kuard.internal"))
                        .andThen(serviceHost("backend.example.com")))),
            Map.of(
                SERVICE_HOST,
                upstream(
                    SERVICE_HOST,
                    UpstreamProtocol.TLS,
                    new UpstreamTls("backend.example.com", verified("kuard.internal")))),
            List.of(),
            List.of()),
        new Case(
            "else the route's Host rewrite",
            routes(
                route(
                    "/",
                    tls("tls", validation("ca", "kuard.internal"))
                        .andThen(routeHost("route.example.com")))),
            Map.of(
                ROUTE_HOST,
                upstream(
                    ROUTE_HOST,
                    UpstreamProtocol.TLS,
                    new UpstreamTls("route.example.com", verified("kuard.internal")))),
            List.of(),
            List.of()),
        new Case(
            "tls without validation sends the Host rewrite as SNI and verifies nothing",
            routes(route("/", tls("tls", null).andThen(serviceHost("backend.example.com")))),
            Map.of(
                SNI_ONLY,
                upstream(
                    SNI_ONLY, UpstreamProtocol.TLS, new UpstreamTls("backend.example.com", null))),
            List.of(),
            List.of()),
        new Case(
            "clear text: validation is ignored with a warning, the plain cluster",
            routes(route("/", tls(null, validation("ca", "kuard.internal")))),
            Map.of(PLAIN, upstream(PLAIN, UpstreamProtocol.HTTP1, null)),
            List.of(),
            List.of(
                "ServiceError/TLSUpstreamValidationIgnored: spec.routes[0].services[0].validation"
                    + " is ignored: the service speaks clear text (set protocol tls or h2 to"
                    + " verify its certificate)")),
        new Case(
            "a CA Secret that does not exist",
            routes(route("/", tls("tls", validation("missing", "kuard.internal")))),
            Map.of(),
            List.of(
                "ServiceError/TLSUpstreamValidation: spec.routes[0].services[0]: Service"
                    + " [kuard:80] TLS upstream validation policy error: invalid CA Secret"
                    + " \"demo/missing\": Secret not found"),
            List.of()),
        new Case(
            "a Secret without ca.crt",
            routes(route("/", tls("tls", validation("no-ca", "kuard.internal")))),
            Map.of(),
            List.of(
                "ServiceError/TLSUpstreamValidation: spec.routes[0].services[0]: Service"
                    + " [kuard:80] TLS upstream validation policy error: invalid CA Secret"
                    + " \"demo/no-ca\": missing ca.crt"),
            List.of()),
        new Case(
            "a CA Secret of another namespace: no delegation",
            routes(route("/", tls("tls", validation("other/ca", "kuard.internal")))),
            Map.of(),
            List.of(
                "TLSError/CACertificateNotDelegated: spec.routes[0].services[0]:"
                    + " service.UpstreamValidation.CACertificate Secret \"other/ca\" is not"
                    + " configured for certificate delegation: a TLSCertificateDelegation in"
                    + " namespace \"other\" must name Secret \"ca\" for namespace \"demo\""),
            List.of()),
        new Case(
            "no subject name",
            routes(route("/", tls("tls", validation("ca", null)))),
            Map.of(),
            List.of(
                "ServiceError/TLSUpstreamValidation: spec.routes[0].services[0]: Service"
                    + " [kuard:80] TLS upstream validation policy error: missing subject"
                    + " alternative name"),
            List.of()),
        new Case(
            "subjectNames not starting with subjectName",
            routes(route("/", tls("tls", validation("ca", "a.internal", "b.internal")))),
            Map.of(),
            List.of(
                "ServiceError/TLSUpstreamValidation: spec.routes[0].services[0]: Service"
                    + " [kuard:80] TLS upstream validation policy error: first entry of"
                    + " SubjectNames (b.internal) does not match SubjectName (a.internal)"),
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void compiles(Case c) {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry").compile(List.of(c.proxy()), SNAPSHOT, SECRETS);

    assertThat(result.table().upstreams()).isEqualTo(c.upstreams());
    assertThat(result.verdicts())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.errors())
                  .extracting(UpstreamValidationTest::describe)
                  .isEqualTo(c.errors());
              assertThat(v.warnings())
                  .extracting(UpstreamValidationTest::describe)
                  .isEqualTo(c.warnings());
              assertThat(v.valid()).isEqualTo(c.errors().isEmpty());
            });
  }

  @Test
  void aRotatedCaKeepsTheClusterNameAndChangesItsContent() {
    HTTPProxy proxy = routes(route("/", tls("tls", validation("ca", "kuard.internal"))));
    Map<String, TlsSecrets.Outcome> rotated =
        TlsSecrets.validateAll(
            Map.of(
                "demo/ca",
                TestCertificates.secret(
                    "demo/ca", "Opaque", Map.of("ca.crt", OTHER_CA.certificatePem()))));

    Upstream before =
        new ProxyCompiler("gantry")
            .compile(List.of(proxy), SNAPSHOT, SECRETS)
            .table()
            .upstreams()
            .get(VERIFIED);
    Upstream after =
        new ProxyCompiler("gantry")
            .compile(List.of(proxy), SNAPSHOT, rotated)
            .table()
            .upstreams()
            .get(VERIFIED);

    assertThat(after.tls().validation().caPem()).isEqualTo(OTHER_CA.certificatePem());
    assertThat(after).isNotEqualTo(before);
  }

  private static HTTPProxy tcpProxy(String protocol, UpstreamValidation validation) {
    HTTPProxy proxy = dev.gantry.xds.Fixtures.proxy("demo/a").fqdn("kuard.example.com").build();
    proxy.getSpec().getVirtualhost().setTls(new dev.gantry.api.crd.contour.TLS());
    proxy.getSpec().getVirtualhost().getTls().setPassthrough(true);
    dev.gantry.api.crd.contour.TCPProxy tcp = new dev.gantry.api.crd.contour.TCPProxy();
    HTTPProxySpec.RouteService s = dev.gantry.xds.Fixtures.routeService("kuard", 80, null);
    s.setProtocol(protocol);
    s.setValidation(validation);
    tcp.setServices(new ArrayList<>(List.of(s)));
    proxy.getSpec().setTcpproxy(tcp);
    return proxy;
  }

  @Test
  void aTcpProxyServiceSpeakingTlsIsVerifiedAsARouteServiceIs() {
    ProxyCompiler.Result verified =
        new ProxyCompiler("gantry")
            .compile(
                List.of(tcpProxy("tls", validation("ca", "kuard.internal"))), SNAPSHOT, SECRETS);
    ProxyVerdict missing =
        new ProxyCompiler("gantry")
            .compile(
                List.of(tcpProxy("tls", validation("missing", "kuard.internal"))),
                SNAPSHOT,
                SECRETS)
            .verdicts()
            .get(0);

    assertThat(verified.verdicts().get(0).errors()).isEmpty();
    assertThat(verified.table().upstreams().values())
        .singleElement()
        .satisfies(
            u ->
                assertThat(u.tls())
                    .isEqualTo(new UpstreamTls("kuard.internal", verified("kuard.internal"))));
    assertThat(missing.valid()).isFalse();
    assertThat(missing.errors())
        .extracting(UpstreamValidationTest::describe)
        .containsExactly(
            "ServiceError/TLSUpstreamValidation: spec.tcpproxy.services[0]: Service [kuard:80]"
                + " TLS upstream validation policy error: invalid CA Secret \"demo/missing\":"
                + " Secret not found");
  }

  @Test
  void aSubjectNameThatIsNotAHostNameIsNotSentAsServerName() {
    Upstream wildcard =
        new ProxyCompiler("gantry")
            .compile(
                List.of(routes(route("/", tls("tls", validation("ca", "*.internal"))))),
                SNAPSHOT,
                SECRETS)
            .table()
            .upstreams()
            .values()
            .iterator()
            .next();

    assertThat(wildcard.tls()).isEqualTo(new UpstreamTls(null, verified("*.internal")));
  }

  @Test
  void aNullSubjectNameInTheListIsAnErrorNotACrash() {
    UpstreamValidation v = validation("ca", "a.internal");
    v.setSubjectNames(new ArrayList<>(java.util.Arrays.asList("a.internal", null)));

    ProxyVerdict verdict =
        new ProxyCompiler("gantry")
            .compile(List.of(routes(route("/", tls("tls", v)))), SNAPSHOT, SECRETS)
            .verdicts()
            .get(0);

    assertThat(verdict.errors())
        .extracting(UpstreamValidationTest::describe)
        .containsExactly(
            "ServiceError/TLSUpstreamValidation: spec.routes[0].services[0]: Service [kuard:80]"
                + " TLS upstream validation policy error: a subject name is empty");
  }

  private static String describe(ProxyVerdict.Error e) {
    return e.type() + "/" + e.reason() + ": " + e.message();
  }

  private static UpstreamTls.Validation verified(String... names) {
    return new UpstreamTls.Validation("demo/ca", CA.certificatePem(), List.of(names));
  }

  static UpstreamValidation validation(String caSecret, String subjectName, String... names) {
    UpstreamValidation v = new UpstreamValidation();
    v.setCaSecret(caSecret);
    v.setSubjectName(subjectName);
    if (names.length > 0) {
      v.setSubjectNames(new ArrayList<>(List.of(names)));
    }
    return v;
  }

  static Consumer<HTTPProxySpec.Route> tls(String protocol, UpstreamValidation validation) {
    return r ->
        r.getServices()
            .forEach(
                s -> {
                  s.setProtocol(protocol);
                  s.setValidation(validation);
                });
  }

  private static Consumer<HTTPProxySpec.Route> serviceHost(String host) {
    return r ->
        r.getServices()
            .forEach(
                s -> {
                  HTTPProxySpec.HeadersPolicy policy = new HTTPProxySpec.HeadersPolicy();
                  policy.getSet().add(new HTTPProxySpec.HeaderValue("Host", host));
                  s.setRequestHeadersPolicy(policy);
                });
  }

  private static Consumer<HTTPProxySpec.Route> routeHost(String host) {
    return r -> {
      HTTPProxySpec.HeadersPolicy policy = new HTTPProxySpec.HeadersPolicy();
      policy.getSet().add(new HTTPProxySpec.HeaderValue("Host", host));
      r.setRequestHeadersPolicy(policy);
    };
  }

  private static Upstream upstream(String name, UpstreamProtocol protocol, UpstreamTls tls) {
    return Upstream.of(name, KUARD, KUARD.ports().get(0), true).protocol(protocol).tls(tls).build();
  }
}
