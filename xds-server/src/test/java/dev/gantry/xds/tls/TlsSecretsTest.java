package dev.gantry.xds.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.xds.TestCertificates;
import dev.gantry.xds.ir.VirtualHostTls;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TlsSecretsTest {
  private static final TestCertificates.Issued RSA = TestCertificates.rsa("web", "web.example.com");
  private static final TestCertificates.Issued OTHER = TestCertificates.rsa("other", "other");

  record Case(String name, Secret secret, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Secret tls(Map<String, String> data) {
    return TestCertificates.secret("demo/cert", "kubernetes.io/tls", data);
  }

  static Stream<Case> invalid() {
    String notBase64Pem = "-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n";
    return Stream.of(
        new Case("not found", null, "Secret not found"),
        new Case(
            "wrong type",
            TestCertificates.secret(
                "demo/cert",
                "Opaque",
                Map.of("tls.crt", RSA.certificatePem(), "tls.key", RSA.keyPem())),
            "Secret type is \"Opaque\", not \"kubernetes.io/tls\""),
        new Case(
            "no tls.crt",
            tls(Map.of("tls.key", RSA.keyPem())),
            "missing TLS certificate (data key tls.crt)"),
        new Case(
            "no tls.key",
            tls(Map.of("tls.crt", RSA.certificatePem())),
            "missing TLS private key (data key tls.key)"),
        new Case(
            "tls.crt is not PEM",
            tls(Map.of("tls.crt", "hello", "tls.key", RSA.keyPem())),
            "invalid TLS certificate (tls.crt): failed to locate certificate: no PEM CERTIFICATE"
                + " block"),
        new Case(
            "tls.crt holds a key",
            tls(Map.of("tls.crt", RSA.keyPem(), "tls.key", RSA.keyPem())),
            "invalid TLS certificate (tls.crt): unexpected PEM block PEMKeyPair"),
        new Case(
            "tls.key holds a certificate",
            tls(Map.of("tls.crt", RSA.certificatePem(), "tls.key", RSA.certificatePem())),
            "invalid TLS private key (tls.key): unexpected PEM block CERTIFICATE"),
        new Case(
            "two keys",
            tls(Map.of("tls.crt", RSA.certificatePem(), "tls.key", RSA.keyPem() + OTHER.keyPem())),
            "invalid TLS private key (tls.key): multiple private keys"),
        new Case(
            "key of another certificate",
            tls(Map.of("tls.crt", RSA.certificatePem(), "tls.key", OTHER.keyPem())),
            "the private key (tls.key) does not match the certificate (tls.crt)"),
        new Case(
            "RSA 1024",
            TestCertificates.tlsSecret("demo/cert", TestCertificates.rsa1024("small")),
            "the certificate's RSA key has 1024 bits; Envoy accepts 2048 or more"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidSecretsSayWhy(Case c) {
    TlsSecrets.Outcome outcome = TlsSecrets.validate(c.secret());

    assertThat(outcome.certificate()).isNull();
    assertThat(outcome.error()).isEqualTo(c.error());
  }

  @Test
  void aCertificateBlockThatIsNotBase64IsUnparseable() {
    Secret secret =
        tls(
            Map.of(
                "tls.crt",
                "-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n",
                "tls.key",
                RSA.keyPem()));

    assertThat(TlsSecrets.validate(secret).error())
        .startsWith("invalid TLS certificate (tls.crt): failed to parse PEM block");
  }

  static Stream<TestCertificates.Issued> validKeys() {
    return Stream.of(
        RSA, TestCertificates.rsaPkcs8("pkcs8", "p"), TestCertificates.ecdsa("ec", "e"));
  }

  @ParameterizedTest
  @MethodSource("validKeys")
  void pkcs1Pkcs8AndSec1KeysAreAcceptedAndServedUnderNamespaceAndName(
      TestCertificates.Issued issued) {
    TlsSecrets.Outcome outcome =
        TlsSecrets.validate(TestCertificates.tlsSecret("demo/cert", issued));

    assertThat(outcome.error()).isNull();
    assertThat(outcome.certificate())
        .isEqualTo(
            new VirtualHostTls.Certificate("demo/cert", issued.certificatePem(), issued.keyPem()));
    assertThat(outcome.certificate().toString())
        .isEqualTo("Certificate[demo/cert]")
        .doesNotContain("PRIVATE");
  }

  @Test
  void aChainWithTheLeafFirstIsAccepted() {
    TestCertificates.Issued ca = TestCertificates.rsa("ca", "ca");
    Secret secret =
        tls(Map.of("tls.crt", RSA.certificatePem() + ca.certificatePem(), "tls.key", RSA.keyPem()));

    assertThat(TlsSecrets.validate(secret).error()).isNull();
  }

  static Stream<Case> caBundles() {
    return Stream.of(
        new Case("not found", null, "Secret not found"),
        new Case(
            "service account token",
            TestCertificates.secret(
                "demo/ca", "kubernetes.io/service-account-token", Map.of("ca.crt", pem(RSA))),
            "Secret type is \"kubernetes.io/service-account-token\", not \"Opaque\" or"
                + " \"kubernetes.io/tls\""),
        new Case(
            "no ca.crt",
            TestCertificates.secret("demo/ca", "Opaque", Map.of("tls.crt", pem(RSA))),
            "missing ca.crt"),
        new Case(
            "ca.crt holds a key",
            TestCertificates.secret("demo/ca", "Opaque", Map.of("ca.crt", RSA.keyPem())),
            "invalid CA certificate bundle (ca.crt): unexpected PEM block PEMKeyPair"),
        new Case(
            "Opaque",
            TestCertificates.secret("demo/ca", "Opaque", Map.of("ca.crt", pem(RSA) + pem(OTHER))),
            null),
        new Case(
            "kubernetes.io/tls with ca.crt",
            TestCertificates.secret(
                "demo/ca",
                "kubernetes.io/tls",
                Map.of("tls.crt", pem(RSA), "tls.key", RSA.keyPem(), "ca.crt", pem(OTHER))),
            null),
        new Case(
            "no type is Opaque",
            TestCertificates.secret("demo/ca", null, Map.of("ca.crt", pem(RSA))),
            null));
  }

  private static String pem(TestCertificates.Issued issued) {
    return issued.certificatePem();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caBundles")
  void aCaBundleIsTheCertificatesUnderCaCrtOfAnOpaqueOrTlsSecret(Case c) {
    TlsSecrets.Pem ca = TlsSecrets.validate(c.secret()).ca();

    assertThat(ca.error()).isEqualTo(c.error());
    assertThat(ca.pem() != null).isEqualTo(c.error() == null);
  }

  @Test
  void aCrlIsTheX509CrlBlocksUnderCrlPem() {
    String crl = TestCertificates.crl(RSA, java.math.BigInteger.TEN);
    Secret secret = TestCertificates.secret("demo/crl", "Opaque", Map.of("crl.pem", crl));

    assertThat(TlsSecrets.validate(secret).crl()).isEqualTo(new TlsSecrets.Pem(crl, null));
    assertThat(TlsSecrets.validate(secret).ca().error()).isEqualTo("missing ca.crt");
    assertThat(
            TlsSecrets.validate(
                    TestCertificates.secret("demo/crl", "Opaque", Map.of("crl.pem", pem(RSA))))
                .crl()
                .error())
        .isEqualTo("invalid CRL (crl.pem): unexpected PEM block CERTIFICATE");
    assertThat(
            TlsSecrets.validate(
                    TestCertificates.secret("demo/crl", "Opaque", Map.of("crl.pem", "hello")))
                .crl()
                .error())
        .isEqualTo("invalid CRL (crl.pem): no PEM X509 CRL block");
  }

  private static Secret versioned(Secret secret, String resourceVersion) {
    Secret copy = new io.fabric8.kubernetes.api.model.SecretBuilder(secret).build();
    copy.getMetadata().setResourceVersion(resourceVersion);
    return copy;
  }

  @Test
  void validateAllKeepsTheOutcomesOfUnchangedSecretsAndRedoesChangedOnes() {
    TestCertificates.Issued v1 = TestCertificates.rsa("a v1", "a.example");
    TestCertificates.Issued v2 = TestCertificates.rsa("a v2", "a.example");
    Map<String, Secret> first =
        Map.of(
            "demo/a", versioned(TestCertificates.tlsSecret("demo/a", v1), "1"),
            "demo/b", versioned(TestCertificates.tlsSecret("demo/b", v1), "1"));
    Map<String, TlsSecrets.Outcome> before = TlsSecrets.validateAll(first);

    Map<String, Secret> second =
        Map.of(
            "demo/a", versioned(TestCertificates.tlsSecret("demo/a", v2), "2"),
            "demo/b", versioned(TestCertificates.tlsSecret("demo/b", v1), "1"));
    Map<String, TlsSecrets.Outcome> after = TlsSecrets.validateAll(second, first, before);

    assertThat(after.get("demo/b")).isSameAs(before.get("demo/b"));
    assertThat(after.get("demo/a")).isNotSameAs(before.get("demo/a"));
    assertThat(after.get("demo/a").certificate().chainPem()).isEqualTo(v2.certificatePem());
    assertThat(TlsSecrets.validateAll(Map.of(), first, before)).isEmpty();
  }
}
