package dev.gantry.hub.certgen;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The xDS port's mutual TLS material: a CA, the hub's serving pair (the DNS names Envoys dial) and
 * the Envoys' client pair, both signed by the CA. ECDSA P-256 keys, PKCS#8 PEM.
 */
public final class XdsCertificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One certificate and its key, PEM, with the CA certificate that signed it. */
  public record Pair(String certificatePem, String keyPem, String caPem) {}

  /** What {@link #issue} makes. */
  public record Bundle(Pair hub, Pair envoy) {}

  private XdsCertificates() {}

  /**
   * A new CA and the two pairs it signs, valid from now for {@code validity}.
   *
   * @param name the name the subjects start with (e.g. the Helm release's), {@code <name>-xds-ca}
   * @param hubDnsNames the names Envoys reach the hub's xDS port by; the first is the subject
   */
  public static Bundle issue(String name, List<String> hubDnsNames, Duration validity) {
    if (hubDnsNames.isEmpty()) {
      throw new IllegalArgumentException("the hub's certificate needs at least one DNS name");
    }
    try {
      Instant now = Instant.now();
      KeyPair caKey = keyPair();
      X509Certificate ca =
          sign(
              builder(name + "-xds-ca", name + "-xds-ca", caKey, now, validity)
                  .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                  .addExtension(
                      Extension.keyUsage,
                      true,
                      new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
              caKey.getPrivate());
      String caPem = pem(ca);
      KeyPair hubKey = keyPair();
      GeneralName[] names =
          hubDnsNames.stream()
              .map(n -> new GeneralName(GeneralName.dNSName, n))
              .toArray(GeneralName[]::new);
      X509Certificate hub =
          sign(
              leaf(hubDnsNames.get(0), name + "-xds-ca", hubKey, now, validity, caKey)
                  .addExtension(
                      Extension.extendedKeyUsage,
                      false,
                      new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                  .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names)),
              caKey.getPrivate());
      KeyPair envoyKey = keyPair();
      X509Certificate envoy =
          sign(
              leaf(name + "-envoy", name + "-xds-ca", envoyKey, now, validity, caKey)
                  .addExtension(
                      Extension.extendedKeyUsage,
                      false,
                      new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)),
              caKey.getPrivate());
      return new Bundle(
          new Pair(pem(hub), pkcs8(hubKey.getPrivate()), caPem),
          new Pair(pem(envoy), pkcs8(envoyKey.getPrivate()), caPem));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue the xDS certificates: " + e.getMessage(), e);
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(
      String subject, String issuer, KeyPair key, Instant now, Duration validity)
      throws GeneralSecurityException, IOException {
    return new JcaX509v3CertificateBuilder(
            new X500Name("CN=" + issuer),
            new BigInteger(127, RANDOM),
            // A little back-dated: clocks of the hub and the Envoys need not agree to the second.
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(validity)),
            new X500Name("CN=" + subject),
            key.getPublic())
        .addExtension(
            Extension.subjectKeyIdentifier,
            false,
            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key.getPublic()));
  }

  private static X509v3CertificateBuilder leaf(
      String subject, String issuer, KeyPair key, Instant now, Duration validity, KeyPair ca)
      throws GeneralSecurityException, IOException {
    return builder(subject, issuer, key, now, validity)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(
            Extension.keyUsage,
            true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
        .addExtension(
            Extension.authorityKeyIdentifier,
            false,
            new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.getPublic()));
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
  }

  private static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String pkcs8(PrivateKey key) throws IOException {
    return pem(new JcaPKCS8Generator(key, null).generate());
  }
}
