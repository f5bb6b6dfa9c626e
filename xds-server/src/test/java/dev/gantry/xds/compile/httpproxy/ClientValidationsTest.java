package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.DownstreamValidation;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.TestCertificates;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.tls.TlsSecrets;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTPProxy {@code tls.clientValidation} and {@code tls.maximumProtocolVersion}: what a valid one
 * compiles to, and Contour's TLSError reason (plus Gantry's own where Envoy would refuse what
 * Contour lets through) for each invalid one.
 */
class ClientValidationsTest {
  private static final TestCertificates.Issued SERVING = TestCertificates.rsa("web", "web.example");
  private static final TestCertificates.Issued CA = TestCertificates.authority("client ca");
  private static final String CRL = TestCertificates.crl(CA, BigInteger.TEN);
  private static final Map<String, TlsSecrets.Outcome> SECRETS =
      TlsSecrets.validateAll(
          Map.of(
              "demo/cert", TestCertificates.tlsSecret("demo/cert", SERVING),
              "demo/client-ca", TestCertificates.caSecret("demo/client-ca", CA),
              "demo/tls-with-ca",
                  TestCertificates.secret(
                      "demo/tls-with-ca",
                      "kubernetes.io/tls",
                      Map.of(
                          "tls.crt", SERVING.certificatePem(),
                          "tls.key", SERVING.keyPem(),
                          "ca.crt", CA.certificatePem())),
              "demo/client-crl", TestCertificates.crlSecret("demo/client-crl", CRL),
              "demo/token",
                  TestCertificates.secret(
                      "demo/token",
                      "kubernetes.io/service-account-token",
                      Map.of("ca.crt", CA.certificatePem())),
              "demo/garbage",
                  TestCertificates.secret(
                      "demo/garbage",
                      "Opaque",
                      Map.of("ca.crt", "not a certificate", "crl.pem", "not a list")),
              "other/client-ca", TestCertificates.caSecret("other/client-ca", CA),
              "other/client-crl", TestCertificates.crlSecret("other/client-crl", CRL)));
  private static final VirtualHostTls.Certificate SERVED =
      new VirtualHostTls.Certificate("demo/cert", SERVING.certificatePem(), SERVING.keyPem());
  private static final VirtualHostTls.TrustBundle TRUST =
      VirtualHostTls.TrustBundle.of("demo/client-ca", CA.certificatePem(), null, null);
  private static final FederationSnapshot SNAPSHOT =
      new FederationSnapshot(
          Map.of(
              ServiceName.of("demo", "web"),
              Fixtures.service("demo/web")
                  .port("http", 80)
                  .cluster("east", 0, 1, "http", "198.18.0.1:8080")
                  .build()),
          Map.of());

  /** The host's TLS and the warnings when valid, or the one error expected. */
  record Case(
      String name,
      HTTPProxy proxy,
      VirtualHostTls tls,
      List<ProxyVerdict.Error> warnings,
      ProxyVerdict.Error error) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A terminated host with {@code clientValidation} as {@code how} sets it. */
  private static Fixtures.ProxyBuilder validating(Consumer<DownstreamValidation> how) {
    return web().tls("cert", null, null).clientValidation(how);
  }

  private static Fixtures.ProxyBuilder web() {
    return Fixtures.proxy("demo/web").fqdn("web.example").route("/", "web", 80, null);
  }

  private static Case valid(String name, Fixtures.ProxyBuilder proxy, VirtualHostTls tls) {
    return new Case(name, proxy.build(), tls, List.of(), null);
  }

  private static Case warned(
      String name, Fixtures.ProxyBuilder proxy, VirtualHostTls tls, String reason, String text) {
    return new Case(
        name,
        proxy.build(),
        tls,
        List.of(new ProxyVerdict.Error(ProxyVerdict.TLS_ERROR, reason, text)),
        null);
  }

  private static Case invalid(String name, HTTPProxy proxy, String reason, String message) {
    return new Case(
        name,
        proxy,
        null,
        List.of(),
        new ProxyVerdict.Error(ProxyVerdict.TLS_ERROR, reason, message));
  }

  private static Case invalid(
      String name, Fixtures.ProxyBuilder proxy, String reason, String message) {
    return invalid(name, proxy.build(), reason, message);
  }

  private static VirtualHostTls validated(VirtualHostTls.ClientValidation clients) {
    return new VirtualHostTls(
        SERVED, VirtualHostTls.Version.TLS_1_2, VirtualHostTls.Version.TLS_1_3, clients, List.of());
  }

  private static VirtualHostTls.ClientValidation clients(
      VirtualHostTls.TrustBundle trust, boolean skip, boolean optional) {
    return new VirtualHostTls.ClientValidation(trust, skip, optional, false, null);
  }

  private static VirtualHostTls versions(VirtualHostTls.Version min, VirtualHostTls.Version max) {
    return new VirtualHostTls(SERVED, min, max, null, List.of());
  }

  private static final String INVALID = "Spec.VirtualHost.TLS client validation is invalid: ";

  static Stream<Case> cases() {
    VirtualHostTls.Version v12 = VirtualHostTls.Version.TLS_1_2;
    VirtualHostTls.Version v13 = VirtualHostTls.Version.TLS_1_3;
    return Stream.of(
        valid(
            "caSecret, an Opaque Secret's ca.crt: a certificate is required and verified",
            validating(v -> v.setCaSecret("client-ca")),
            validated(clients(TRUST, false, false))),
        valid(
            "caSecret as namespace/name of the proxy's own namespace",
            validating(v -> v.setCaSecret("demo/client-ca")),
            validated(clients(TRUST, false, false))),
        valid(
            "caSecret, the ca.crt of a kubernetes.io/tls Secret",
            validating(v -> v.setCaSecret("tls-with-ca")),
            validated(
                clients(
                    VirtualHostTls.TrustBundle.of(
                        "demo/tls-with-ca", CA.certificatePem(), null, null),
                    false,
                    false))),
        valid(
            "crlSecret with crlOnlyVerifyLeafCert: one validation secret of both Secrets",
            validating(
                v -> {
                  v.setCaSecret("client-ca");
                  v.setCrlSecret("client-crl");
                  v.setCrlOnlyVerifyLeafCert(true);
                }),
            validated(
                new VirtualHostTls.ClientValidation(
                    VirtualHostTls.TrustBundle.of(
                        "demo/client-ca", CA.certificatePem(), "demo/client-crl", CRL),
                    false,
                    false,
                    true,
                    null))),
        valid(
            "optionalClientCertificate: a client without a certificate is served",
            validating(
                v -> {
                  v.setCaSecret("client-ca");
                  v.setOptionalClientCertificate(true);
                }),
            validated(clients(TRUST, false, true))),
        valid(
            "skipClientCertValidation without caSecret: any certificate, or none, is accepted",
            validating(v -> v.setSkipClientCertValidation(true)),
            validated(clients(null, true, false))),
        valid(
            "skipClientCertValidation with caSecret: a certificate is required, not verified",
            validating(
                v -> {
                  v.setCaSecret("client-ca");
                  v.setSkipClientCertValidation(true);
                }),
            validated(clients(TRUST, true, false))),
        valid(
            "forwardClientCertificate: the parts asked for",
            validating(
                v -> {
                  v.setCaSecret("client-ca");
                  DownstreamValidation.ClientCertificateDetails details =
                      new DownstreamValidation.ClientCertificateDetails();
                  details.setSubject(true);
                  details.setUri(true);
                  details.setDns(false);
                  v.setForwardClientCertificate(details);
                }),
            validated(
                new VirtualHostTls.ClientValidation(
                    TRUST,
                    false,
                    false,
                    false,
                    new VirtualHostTls.ForwardedDetails(true, false, false, false, true)))),
        warned(
            "crlOnlyVerifyLeafCert without crlSecret: ignored, with a warning",
            validating(
                v -> {
                  v.setCaSecret("client-ca");
                  v.setCrlOnlyVerifyLeafCert(true);
                }),
            validated(clients(TRUST, false, false)),
            "IgnoredField",
            "Spec.VirtualHost.TLS.ClientValidation.CRLOnlyVerifyLeafCert is ignored without"
                + " CRLSecret: there is no revocation list to check"),
        invalid(
            "neither caSecret nor skipClientCertValidation",
            validating(v -> v.setOptionalClientCertificate(true)),
            "ClientValidationInvalid",
            INVALID + "CA Secret must be specified"),
        invalid(
            "caSecret not found",
            validating(v -> v.setCaSecret("nope")),
            "ClientValidationInvalid",
            INVALID + "invalid CA Secret \"demo/nope\": Secret not found"),
        invalid(
            "caSecret without ca.crt (a serving certificate's Secret)",
            validating(v -> v.setCaSecret("cert")),
            "ClientValidationInvalid",
            INVALID + "invalid CA Secret \"demo/cert\": missing ca.crt"),
        invalid(
            "caSecret of a type that holds no CA bundle for us",
            validating(v -> v.setCaSecret("token")),
            "ClientValidationInvalid",
            INVALID
                + "invalid CA Secret \"demo/token\": Secret type is"
                + " \"kubernetes.io/service-account-token\", not \"Opaque\" or \"kubernetes.io/tls\""),
        invalid(
            "caSecret whose ca.crt is not PEM certificates",
            validating(v -> v.setCaSecret("garbage")),
            "ClientValidationInvalid",
            INVALID
                + "invalid CA Secret \"demo/garbage\": invalid CA certificate bundle (ca.crt):"
                + " failed to locate certificate: no PEM CERTIFICATE block"),
        invalid(
            "caSecret of another namespace needs a delegation",
            validating(v -> v.setCaSecret("other/client-ca")),
            "DelegationNotPermitted",
            "Spec.VirtualHost.TLS CA Secret \"other/client-ca\" is invalid: Certificate delegation"
                + " not permitted: a TLSCertificateDelegation in namespace \"other\" must name"
                + " Secret \"client-ca\" for namespace \"demo\""),
        invalid(
            "crlSecret not found",
            validating(
                v -> {
                  v.setCaSecret("client-ca");
                  v.setCrlSecret("nope");
                }),
            "ClientValidationInvalid",
            INVALID + "invalid CRL Secret \"demo/nope\": Secret not found"),
        invalid(
            "crlSecret whose crl.pem is not PEM revocation lists",
            validating(
                v -> {
                  v.setCaSecret("client-ca");
                  v.setCrlSecret("garbage");
                }),
            "ClientValidationInvalid",
            INVALID
                + "invalid CRL Secret \"demo/garbage\": invalid CRL (crl.pem): no PEM X509 CRL"
                + " block"),
        invalid(
            "crlSecret of another namespace needs a delegation",
            validating(
                v -> {
                  v.setCaSecret("client-ca");
                  v.setCrlSecret("other/client-crl");
                }),
            "DelegationNotPermitted",
            "Spec.VirtualHost.TLS CRL Secret \"other/client-crl\" is invalid: Certificate"
                + " delegation not permitted: a TLSCertificateDelegation in namespace \"other\""
                + " must name Secret \"client-crl\" for namespace \"demo\""),
        invalid(
            "crlSecret without caSecret (skipping verification): Envoy would refuse it",
            validating(
                v -> {
                  v.setSkipClientCertValidation(true);
                  v.setCrlSecret("client-crl");
                }),
            "ClientValidationInvalid",
            INVALID
                + "a CRL Secret needs a CA Secret: Envoy checks revocation lists against the CAs"
                + " it trusts"),
        invalid(
            "clientValidation with passthrough",
            web()
                .tls(null, null, true)
                .clientValidation(v -> v.setCaSecret("client-ca"))
                .tcpProxy("web", 80, null),
            "TLSIncompatibleFeatures",
            "Spec.VirtualHost.TLS passthrough cannot be combined with tls.clientValidation"),
        invalid(
            "clientValidation with a fallback certificate",
            yaml(
                "tls: {secretName: cert, enableFallbackCertificate: true,"
                    + " clientValidation: {caSecret: client-ca}}"),
            "TLSIncompatibleFeatures",
            "Spec.Virtualhost.TLS fallback & client validation are incompatible"),
        valid(
            "maximumProtocolVersion 1.2",
            web().tls("cert", null, null).maximumProtocolVersion("1.2"),
            versions(v12, v12)),
        valid(
            "minimum and maximum 1.3",
            web().tls("cert", "1.3", null).maximumProtocolVersion("1.3"),
            versions(v13, v13)),
        invalid(
            "maximumProtocolVersion 1.4",
            web().tls("cert", null, null).maximumProtocolVersion("1.4"),
            "TLSConfigNotValid",
            "Spec.VirtualHost.TLS.MaximumProtocolVersion \"1.4\" is not supported: use \"1.2\" or"
                + " \"1.3\""),
        invalid(
            "minimumProtocolVersion above maximumProtocolVersion",
            web().tls("cert", "1.3", null).maximumProtocolVersion("1.2"),
            "TLSConfigNotValid",
            "Spec.Virtualhost.TLS the minimum protocol version is greater than the maximum"
                + " protocol version"),
        warned(
            "maximumProtocolVersion with passthrough: ignored, with a warning",
            Fixtures.proxy("demo/web")
                .fqdn("web.example")
                .tls(null, null, true)
                .maximumProtocolVersion("1.2")
                .tcpProxy("web", 80, null),
            null,
            "IgnoredField",
            "Spec.VirtualHost.TLS.MaximumProtocolVersion is ignored with Passthrough: the backend"
                + " negotiates the TLS version"));
  }

  /** A root on web.example whose virtual host also has {@code virtualhostYaml}. */
  private static HTTPProxy yaml(String virtualhostYaml) {
    return Serialization.unmarshal(
        "apiVersion: projectcontour.io/v1\nkind: HTTPProxy\n"
            + "metadata: {name: web, namespace: demo}\nspec:\n  ingressClassName: gantry\n"
            + "  virtualhost:\n    fqdn: web.example\n    "
            + virtualhostYaml
            + "\n  routes: [{services: [{name: web, port: 80}]}]\n",
        HTTPProxy.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void clientValidationIsCompiledOrExplained(Case c) {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry").compile(List.of(c.proxy()), SNAPSHOT, SECRETS);

    ProxyVerdict verdict = result.verdicts().get(0);
    if (c.error() == null) {
      assertThat(verdict.errors()).isEmpty();
      assertThat(verdict.warnings()).containsExactlyElementsOf(c.warnings());
      if (c.tls() != null) {
        assertThat(result.table().virtualHosts())
            .singleElement()
            .satisfies(h -> assertThat(h.tls()).isEqualTo(c.tls()));
      }
    } else {
      assertThat(verdict.currentStatus()).isEqualTo(ProxyVerdict.INVALID);
      assertThat(verdict.errors()).containsExactly(c.error());
      assertThat(result.table().virtualHosts()).isEmpty();
    }
  }
}
