package dev.gantry.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class PkiTest {
  private final Pki pki = Pki.newAuthority("east");

  @Test
  void clientCertificateCarriesUserAsCommonNameAndGroupsAsOrganizations() throws Exception {
    Pki.Issued issued = pki.clientCertificate("alice", List.of("system:masters", "devs"));
    X509Certificate cert = issued.certificate();

    cert.verify(pki.caCertificate().getPublicKey());
    String subject = cert.getSubjectX500Principal().getName();
    assertThat(subject).contains("CN=alice").contains("O=system:masters").contains("O=devs");
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
  }

  @Test
  void servingCertificateNamesLoopbackAndInClusterNames() throws Exception {
    X509Certificate cert = pki.servingCertificate("kube-apiserver").certificate();

    cert.verify(pki.caCertificate().getPublicKey());
    assertThat(cert.getSubjectAlternativeNames())
        .extracting(san -> (Object) san.get(1))
        .contains((Object) "127.0.0.1", "localhost", "kubernetes.default.svc");
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
  }

  @Test
  void anotherAuthorityDoesNotVerify() {
    X509Certificate cert = pki.clientCertificate("bob", List.of()).certificate();
    Pki other = Pki.newAuthority("west");

    assertThatThrownBy(() -> cert.verify(other.caCertificate().getPublicKey()))
        .isInstanceOf(SignatureException.class);
  }

  @Test
  void authorityReadBackFromPemIssuesVerifiableCertificates() throws Exception {
    Pki.Issued caMaterial = pki.clientCertificate("unused", List.of());
    // Round-trip a CA through PEM the way the kind provider reads a node's CA.
    Pki copy = Pki.fromPem(Pki.pem(pki.caCertificate()), caKeyPem());
    X509Certificate cert = copy.clientCertificate("carol", List.of()).certificate();

    cert.verify(pki.caCertificate().getPublicKey());
    assertThat(caMaterial.caPem()).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void unreadablePemIsAClearError() {
    assertThatThrownBy(() -> Pki.fromPem("not a pem", "nor this"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read the CA");
  }

  private String caKeyPem() throws Exception {
    var field = Pki.class.getDeclaredField("caKey");
    field.setAccessible(true);
    return Pki.pem(((java.security.KeyPair) field.get(pki)).getPrivate());
  }
}
