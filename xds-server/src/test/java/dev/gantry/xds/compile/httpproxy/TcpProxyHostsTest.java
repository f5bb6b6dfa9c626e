package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.TestCertificates;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.tls.TlsSecrets;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A root with {@code tcpproxy}: the virtual host's policies that cannot hold on its TLS stream make
 * it invalid (Contour ignores them), CORS is ignored with a warning.
 */
class TcpProxyHostsTest {
  private static final TestCertificates.Issued CERT = TestCertificates.rsa("db", "db.example");
  private static final Map<String, TlsSecrets.Outcome> SECRETS =
      TlsSecrets.validateAll(Map.of("demo/cert", TestCertificates.tlsSecret("demo/cert", CERT)));
  private static final FederationSnapshot SNAPSHOT =
      new FederationSnapshot(
          Map.of(
              dev.gantry.api.federation.ServiceName.of("demo", "db"),
              Fixtures.service("demo/db")
                  .port("tcp", 5432)
                  .cluster("east", 0, 1, "tcp", "198.18.0.1:5432")
                  .build()),
          Map.of());

  record Case(String name, String virtualhost, List<String> errors, List<String> warnings) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String PASSTHROUGH = "tls: {passthrough: true}";
  private static final String TERMINATED = "tls: {secretName: cert}";

  private static String notImplemented(String field) {
    return "TCPProxyError/NotImplemented: spec.virtualhost."
        + field
        + " cannot apply to the TLS stream of spec.tcpproxy, which Envoy forwards without reading"
        + " its HTTP: the proxy is not served rather than served without it";
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("passthrough alone", PASSTHROUGH, List.of(), List.of()),
        new Case("terminated alone", TERMINATED, List.of(), List.of()),
        new Case(
            "an IP allow list on a passthrough stream",
            PASSTHROUGH + ", ipAllowPolicy: [{cidr: 10.0.0.0/8, source: Peer}]",
            List.of(notImplemented("ipAllowPolicy")),
            List.of()),
        new Case(
            "an IP deny list on a terminated stream",
            TERMINATED + ", ipDenyPolicy: [{cidr: 10.0.0.0/8, source: Remote}]",
            List.of(notImplemented("ipDenyPolicy")),
            List.of()),
        new Case(
            "local and global rate limits",
            PASSTHROUGH
                + ", rateLimitPolicy: {local: {requests: 1, unit: second}, global: {descriptors:"
                + " [{entries: [{remoteAddress: {}}]}]}}",
            List.of(
                "VirtualHostError/RateLimitPolicyNotValid",
                notImplemented("rateLimitPolicy.local"),
                notImplemented("rateLimitPolicy.global")),
            List.of()),
        new Case(
            "global rate limits disabled ask for nothing",
            PASSTHROUGH + ", rateLimitPolicy: {global: {disabled: true}}",
            List.of(),
            List.of()),
        new Case(
            "an authorization server on a terminated stream",
            TERMINATED + ", authorization: {extensionRef: {namespace: auth, name: authz}}",
            List.of(
                "AuthError/ExtensionServiceNotFound",
                "AuthError/AuthNotPermitted: Spec.VirtualHost.Authorization cannot check the TLS"
                    + " stream of Spec.TCPProxy, which Envoy forwards without reading its HTTP:"
                    + " the proxy is not served rather than served unchecked"),
            List.of()),
        new Case(
            "authorization disabled asks for nothing",
            TERMINATED + ", authorization: {authPolicy: {disabled: true}}",
            List.of(),
            List.of()),
        new Case(
            "JWT providers on a terminated stream",
            TERMINATED + ", jwtProviders: [{name: p, remoteJWKS: {uri: \"https://k.test/\"}}]",
            List.of(
                "JWTVerificationError/JWTVerificationNotPermitted: Spec.VirtualHost.JWTProviders"
                    + " cannot verify the TLS stream of Spec.TCPProxy, which Envoy forwards"
                    + " without reading its HTTP: the proxy is not served rather than served"
                    + " unverified"),
            List.of()),
        new Case(
            "client certificate details forwarded from a terminated stream",
            "tls: {secretName: cert, clientValidation: {skipClientCertValidation: true,"
                + " forwardClientCertificate: {subject: true}}}",
            List.of(notImplemented("tls.clientValidation.forwardClientCertificate")),
            List.of()),
        new Case(
            "client certificates checked on a terminated stream still work",
            "tls: {secretName: cert, clientValidation: {skipClientCertValidation: true}}",
            List.of(),
            List.of()),
        new Case(
            "CORS is ignored with a warning",
            PASSTHROUGH + ", corsPolicy: {allowOrigin: [\"*\"], allowMethods: [GET]}",
            List.of(),
            List.of(
                "TCPProxyError/IgnoredField: Spec.VirtualHost.CorsPolicy is ignored on the TLS"
                    + " stream of Spec.TCPProxy, which Envoy forwards without reading its HTTP")));
  }

  private static HTTPProxy proxy(String virtualhost) {
    return Serialization.unmarshal(
        "apiVersion: projectcontour.io/v1\n"
            + "kind: HTTPProxy\n"
            + "metadata: {name: db, namespace: demo}\n"
            + "spec:\n"
            + "  ingressClassName: gantry\n"
            + "  virtualhost: {fqdn: db.example, "
            + virtualhost
            + "}\n"
            + "  tcpproxy: {services: [{name: db, port: 5432}]}\n",
        HTTPProxy.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachPolicyTheStreamCannotHoldIsRefused(Case c) {
    ProxyVerdict verdict =
        new ProxyCompiler("gantry")
            .compile(List.of(proxy(c.virtualhost())), SNAPSHOT, SECRETS)
            .verdicts()
            .get(0);

    // A reason alone stands for an error whose message another test pins down.
    assertThat(verdict.errors())
        .extracting(
            e ->
                c.errors().contains(e.type() + "/" + e.reason())
                    ? e.type() + "/" + e.reason()
                    : e.type() + "/" + e.reason() + ": " + e.message())
        .containsExactlyElementsOf(c.errors());
    assertThat(verdict.valid()).isEqualTo(c.errors().isEmpty());
    assertThat(verdict.warnings())
        .extracting(e -> e.type() + "/" + e.reason() + ": " + e.message())
        .containsExactlyElementsOf(c.warnings());
  }
}
