package dev.gantry.testbed;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority per test cluster: serving certificates for the apiserver and client
 * certificates for identities (admin in {@code system:masters}, or least-privilege users).
 */
public final class Pki {
  private static final SecureRandom random = new SecureRandom();
  private static final Duration VALIDITY = Duration.ofDays(7);

  private final KeyPair caKey;
  private final X509Certificate caCert;

  private Pki(KeyPair caKey, X509Certificate caCert) {
    this.caKey = caKey;
    this.caCert = caCert;
  }

  /** A new self-signed CA named after the cluster. */
  public static Pki newAuthority(String clusterName) {
    KeyPair key = rsaKey();
    X500Name name = name("gantry-testbed-ca-" + clusterName, List.of());
    X509v3CertificateBuilder builder = builder(name, name, key.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Pki(key, sign(builder, key.getPrivate()));
  }

  /** A CA from an existing certificate and key in PEM (e.g. a kind node's cluster CA). */
  public static Pki fromPem(String caCertPem, String caKeyPem) {
    try (PEMParser certs = new PEMParser(new StringReader(caCertPem));
        PEMParser keys = new PEMParser(new StringReader(caKeyPem))) {
      if (!(certs.readObject() instanceof X509CertificateHolder holder)) {
        throw new IllegalArgumentException("the CA certificate is not a PEM certificate");
      }
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
      Object key = keys.readObject();
      if (!(key instanceof PEMKeyPair) && !(key instanceof PrivateKeyInfo)) {
        throw new IllegalArgumentException("the CA key is not a PEM private key");
      }
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      KeyPair pair =
          key instanceof PEMKeyPair pemPair
              ? converter.getKeyPair(pemPair)
              : new KeyPair(cert.getPublicKey(), converter.getPrivateKey((PrivateKeyInfo) key));
      return new Pki(pair, cert);
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot read the CA certificate and key: " + e.getMessage(), e);
    }
  }

  public X509Certificate caCertificate() {
    return caCert;
  }

  /** A serving certificate for 127.0.0.1, localhost and the in-cluster names of the apiserver. */
  public Issued servingCertificate(String commonName) {
    KeyPair key = rsaKey();
    X509v3CertificateBuilder builder =
        builder(caCert, name(commonName, List.of()), key.getPublic());
    try {
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.dNSName, "kubernetes"),
                new GeneralName(GeneralName.dNSName, "kubernetes.default.svc"),
                new GeneralName(GeneralName.dNSName, "kubernetes.default.svc.cluster.local")
              }));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Issued(key, sign(builder, caKey.getPrivate()), caCert);
  }

  /** A client certificate: the apiserver reads the user from CN and the groups from O. */
  public Issued clientCertificate(String user, List<String> groups) {
    KeyPair key = rsaKey();
    X509v3CertificateBuilder builder = builder(caCert, name(user, groups), key.getPublic());
    try {
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Issued(key, sign(builder, caKey.getPrivate()), caCert);
  }

  /** A key pair in PEM, for service-account token signing. */
  public static String[] serviceAccountKeyPem() {
    KeyPair key = rsaKey();
    return new String[] {pem(key.getPublic()), pem(key.getPrivate())};
  }

  /** A certificate with its private key and the CA that issued it. */
  public record Issued(KeyPair key, X509Certificate certificate, X509Certificate ca) {
    public String certificatePem() {
      return pem(certificate);
    }

    public String privateKeyPem() {
      return pem(key.getPrivate());
    }

    public String caPem() {
      return pem(ca);
    }

    /** An SSL context that presents this certificate and trusts only the CA. */
    public SSLContext sslContext() {
      try {
        char[] password = "testbed".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("key", key.getPrivate(), password, new Certificate[] {certificate, ca});
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), random);
        return context;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot build an SSL context", e);
      }
    }
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

  private static X500Name name(String commonName, List<String> organizations) {
    X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
    for (String organization : new ArrayList<>(organizations)) {
      builder.addRDN(BCStyle.O, organization);
    }
    builder.addRDN(BCStyle.CN, commonName);
    return builder.build();
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(64, random),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(VALIDITY)),
        subject,
        key);
  }

  private static X509v3CertificateBuilder builder(
      X509Certificate issuer, X500Name subject, PublicKey key) {
    return builder(
        X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), subject, key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) {
    try {
      ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withRSA").build(signer);
      return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a certificate", e);
    }
  }

  private static KeyPair rsaKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is required by every Java platform", e);
    }
  }
}
