package dev.gantry.xds;

import dev.gantry.xds.tls.TlsSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made by the test (never committed key material): self-signed serving certificates,
 * and a small PKI of CAs, intermediates and client certificates signed by them, with revocation
 * lists; and the Secrets holding them.
 */
public final class TestCertificates {
  private static final SecureRandom random = new SecureRandom();

  private TestCertificates() {}

  /** A certificate with its key in PEM: the key as PKCS#1 ("RSA PRIVATE KEY"), SEC1 or PKCS#8. */
  public record Issued(X509Certificate certificate, String certificatePem, String keyPem) {}

  public static Issued rsa(String commonName, String... dnsNames) {
    return issue(keyPair("RSA", 2048), commonName, false, dnsNames);
  }

  /** A self-signed CA (ECDSA P-256) that may sign certificates and revocation lists. */
  public static Issued authority(String commonName) {
    return issue(keyPair("EC", 256), commonName, null, true);
  }

  /** An intermediate CA signed by {@code issuer}. */
  public static Issued intermediate(Issued issuer, String commonName) {
    return issue(keyPair("EC", 256), commonName, issuer, true);
  }

  /**
   * A certificate signed by {@code issuer} with subject alternative names: a URI where the name has
   * a scheme ({@code spiffe://...}), else a DNS name.
   */
  public static Issued signed(Issued issuer, String commonName, String... names) {
    return issue(keyPair("EC", 256), commonName, issuer, false, names);
  }

  /** The same, with the key as PKCS#8 ("PRIVATE KEY"). */
  public static Issued rsaPkcs8(String commonName, String... dnsNames) {
    return issue(keyPair("RSA", 2048), commonName, true, dnsNames);
  }

  public static Issued rsa1024(String commonName) {
    return issue(keyPair("RSA", 1024), commonName, false, commonName);
  }

  /** ECDSA P-256, the key as SEC1 ("EC PRIVATE KEY"). */
  public static Issued ecdsa(String commonName, String... dnsNames) {
    return issue(keyPair("EC", 256), commonName, false, dnsNames);
  }

  private static KeyPair keyPair(String algorithm, int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) {
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      } else {
        generator.initialize(bits, random);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Issued issue(KeyPair key, String commonName, boolean pkcs8, String... dnsNames) {
    return issue(key, commonName, pkcs8, null, false, dnsNames);
  }

  private static Issued issue(
      KeyPair key, String commonName, Issued issuer, boolean ca, String... names) {
    return issue(key, commonName, false, issuer, ca, names);
  }

  /** Self-signed when {@code issuer} is null. */
  private static Issued issue(
      KeyPair key, String commonName, boolean pkcs8, Issued issuer, boolean ca, String... names) {
    try {
      X500Name name = new X500Name("CN=" + commonName);
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuer == null
                  ? name
                  : X500Name.getInstance(
                      issuer.certificate().getSubjectX500Principal().getEncoded()),
              new BigInteger(64, random),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(2))),
              name,
              key.getPublic());
      if (names.length > 0) {
        GeneralName[] sans = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
          sans[i] =
              names[i].contains("://")
                  ? new GeneralName(GeneralName.uniformResourceIdentifier, names[i])
                  : new GeneralName(GeneralName.dNSName, names[i]);
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
      }
      if (ca) {
        builder.addExtension(
            Extension.basicConstraints,
            true,
            new org.bouncycastle.asn1.x509.BasicConstraints(true));
        builder.addExtension(
            Extension.keyUsage,
            true,
            new org.bouncycastle.asn1.x509.KeyUsage(
                org.bouncycastle.asn1.x509.KeyUsage.keyCertSign
                    | org.bouncycastle.asn1.x509.KeyUsage.cRLSign));
      }
      PrivateKey signer =
          issuer == null ? key.getPrivate() : TlsSecrets.privateKey(issuer.keyPem());
      String signature = signer.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(builder.build(new JcaContentSignerBuilder(signature).build(signer)));
      Object keyObject =
          pkcs8
              ? new JcaPKCS8Generator(key.getPrivate(), null).generate()
              : key.getPrivate() instanceof java.security.interfaces.ECPrivateKey ec
                  ? sec1(ec)
                  : key.getPrivate();
      return new Issued(certificate, pem(certificate), pem(keyObject));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalStateException("cannot make a test certificate", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign a test certificate", e);
    }
  }

  /**
   * SEC1 with the curve named, as openssl writes it (BouncyCastle's writer would drop the curve of
   * a JDK key, leaving a key nobody can use).
   */
  private static org.bouncycastle.util.io.pem.PemObject sec1(
      java.security.interfaces.ECPrivateKey key) throws IOException {
    return new org.bouncycastle.util.io.pem.PemObject(
        "EC PRIVATE KEY",
        new org.bouncycastle.asn1.sec.ECPrivateKey(
                256, key.getS(), org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1)
            .getEncoded());
  }

  public static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A PEM certificate revocation list signed by {@code issuer}, revoking {@code serials}. */
  public static String crl(Issued issuer, BigInteger... serials) {
    try {
      org.bouncycastle.cert.X509v2CRLBuilder builder =
          new org.bouncycastle.cert.X509v2CRLBuilder(
              new X500Name(issuer.certificate().getSubjectX500Principal().getName()),
              Date.from(Instant.now().minus(Duration.ofMinutes(5))));
      builder.setNextUpdate(Date.from(Instant.now().plus(Duration.ofDays(2))));
      for (BigInteger serial : serials) {
        builder.addCRLEntry(serial, new Date(), org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
      }
      java.security.PrivateKey key = dev.gantry.xds.tls.TlsSecrets.privateKey(issuer.keyPem());
      String signature = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      return pem(builder.build(new JcaContentSignerBuilder(signature).build(key)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign a test CRL", e);
    }
  }

  /** A Secret of {@code type} with the given data (values in clear; base64-encoded here). */
  public static Secret secret(String namespaceAndName, String type, Map<String, String> data) {
    String[] parts = namespaceAndName.split("/");
    Map<String, String> encoded = new LinkedHashMap<>();
    data.forEach(
        (k, v) ->
            encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(parts[0])
        .withName(parts[1])
        .endMetadata()
        .withType(type)
        .withData(encoded)
        .build();
  }

  /** An Opaque Secret whose {@code ca.crt} holds the PEM of {@code authorities}. */
  public static Secret caSecret(String namespaceAndName, Issued... authorities) {
    StringBuilder bundle = new StringBuilder();
    for (Issued authority : authorities) {
      bundle.append(authority.certificatePem());
    }
    return secret(namespaceAndName, "Opaque", Map.of("ca.crt", bundle.toString()));
  }

  /** An Opaque Secret whose {@code crl.pem} holds these revocation lists (PEM). */
  public static Secret crlSecret(String namespaceAndName, String... crls) {
    return secret(namespaceAndName, "Opaque", Map.of("crl.pem", String.join("", crls)));
  }

  /** A {@code kubernetes.io/tls} Secret holding {@code issued}. */
  public static Secret tlsSecret(String namespaceAndName, Issued issued) {
    return secret(
        namespaceAndName,
        "kubernetes.io/tls",
        Map.of("tls.crt", issued.certificatePem(), "tls.key", issued.keyPem()));
  }
}
