package dev.gantry.xds.tls;

import dev.gantry.xds.ir.VirtualHostTls;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Validation of {@code kubernetes.io/tls} Secrets before Envoy sees them, as Contour's {@code
 * isValidSecret} does, plus the checks Envoy would otherwise fail on (a key that does not match the
 * certificate, RSA keys under 2048 bits): Envoy would reject the SDS update, and over ADS one
 * rejected secret holds back the others. Pure: no I/O, no clock.
 */
public final class TlsSecrets {
  public static final String TYPE = "kubernetes.io/tls";
  private static final byte[] PROBE = "gantry".getBytes(StandardCharsets.US_ASCII);

  private TlsSecrets() {}

  /**
   * What one Secret can be used as: a certificate with its key (or why not), a CA bundle to verify
   * peers with ({@code ca.crt}), a certificate revocation list ({@code crl.pem}).
   */
  public record Outcome(VirtualHostTls.Certificate certificate, String error, Pem ca, Pem crl) {
    public Outcome(VirtualHostTls.Certificate certificate, String error) {
      this(certificate, error, Pem.invalid(CA_KEY, error), Pem.invalid(CRL_KEY, error));
    }

    static Outcome invalid(String error) {
      return new Outcome(null, error);
    }
  }

  /** Validated PEM text of one data key, or why the Secret cannot give it. */
  public record Pem(String pem, String error) {
    static Pem invalid(String key, String error) {
      return new Pem(null, error == null ? "missing " + key : error);
    }
  }

  /** The data key of a CA bundle, as Kubernetes and Contour name it. */
  public static final String CA_KEY = "ca.crt";

  /** The data key of a certificate revocation list, as Contour names it. */
  public static final String CRL_KEY = "crl.pem";

  /** What a name no Secret has stands for. */
  public static final Outcome NOT_FOUND = Outcome.invalid("Secret not found");

  /**
   * Each Secret validated, by the same keys. Validation parses PEM and signs with the key, so it
   * belongs where Secrets change, not in every build: an outcome in {@code previous} is kept when
   * its Secret's resourceVersion is the same as in {@code previousSecrets}.
   */
  public static Map<String, Outcome> validateAll(
      Map<String, Secret> secrets,
      Map<String, Secret> previousSecrets,
      Map<String, Outcome> previous) {
    Map<String, Outcome> outcomes = new java.util.HashMap<>();
    secrets.forEach(
        (key, secret) -> {
          Secret before = previousSecrets.get(key);
          Outcome kept = previous.get(key);
          boolean unchanged =
              kept != null
                  && before != null
                  && java.util.Objects.equals(
                      before.getMetadata().getResourceVersion(),
                      secret.getMetadata().getResourceVersion())
                  && secret.getMetadata().getResourceVersion() != null;
          outcomes.put(key, unchanged ? kept : validate(secret));
        });
    return Map.copyOf(outcomes);
  }

  /** Each Secret validated, by the same keys. */
  public static Map<String, Outcome> validateAll(Map<String, Secret> secrets) {
    return validateAll(secrets, Map.of(), Map.of());
  }

  /** Validates {@code secret} (null: not found), to be served under {@code namespace/name}. */
  public static Outcome validate(Secret secret) {
    if (secret == null) {
      return NOT_FOUND;
    }
    Outcome certificate = certificate(secret);
    return new Outcome(certificate.certificate(), certificate.error(), ca(secret), crl(secret));
  }

  /**
   * The CA bundle of a Secret of type {@code Opaque} or {@code kubernetes.io/tls}: PEM certificates
   * under {@code ca.crt}, as Contour reads them for client and upstream validation.
   */
  static Pem ca(Secret secret) {
    String pem = publicData(secret, CA_KEY);
    if (pem == null) {
      return Pem.invalid(CA_KEY, typeError(secret));
    }
    try {
      certificates(pem);
    } catch (IllegalArgumentException e) {
      return new Pem(null, "invalid CA certificate bundle (" + CA_KEY + "): " + e.getMessage());
    }
    return new Pem(pem, null);
  }

  /** The certificate revocation lists of a Secret under {@code crl.pem}: PEM X509 CRL blocks. */
  static Pem crl(Secret secret) {
    String pem = publicData(secret, CRL_KEY);
    if (pem == null) {
      return Pem.invalid(CRL_KEY, typeError(secret));
    }
    int lists = 0;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (!(o instanceof org.bouncycastle.cert.X509CRLHolder)) {
          return new Pem(
              null, "invalid CRL (" + CRL_KEY + "): unexpected PEM block " + describe(o));
        }
        lists++;
      }
    } catch (IOException | RuntimeException e) {
      return new Pem(null, "invalid CRL (" + CRL_KEY + "): " + e.getMessage());
    }
    return lists == 0
        ? new Pem(null, "invalid CRL (" + CRL_KEY + "): no PEM X509 CRL block")
        : new Pem(pem, null);
  }

  private static final String OPAQUE = "Opaque";

  /** The decoded value of {@code key} of an Opaque or TLS Secret; null if absent or blank. */
  private static String publicData(Secret secret, String key) {
    if (typeError(secret) != null || secret.getData() == null) {
      return null;
    }
    String value = decode(secret.getData().get(key));
    return value == null || value.isBlank() ? null : value;
  }

  private static String typeError(Secret secret) {
    String type = secret.getType() == null ? OPAQUE : secret.getType();
    return type.equals(OPAQUE) || type.equals(TYPE)
        ? null
        : "Secret type is \"" + type + "\", not \"" + OPAQUE + "\" or \"" + TYPE + "\"";
  }

  private static Outcome certificate(Secret secret) {
    if (!TYPE.equals(secret.getType())) {
      return Outcome.invalid("Secret type is \"" + secret.getType() + "\", not \"" + TYPE + "\"");
    }
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    String chain = decode(data.get("tls.crt"));
    if (chain == null || chain.isBlank()) {
      return Outcome.invalid("missing TLS certificate (data key tls.crt)");
    }
    List<X509Certificate> certificates;
    try {
      certificates = certificates(chain);
    } catch (IllegalArgumentException e) {
      return Outcome.invalid("invalid TLS certificate (tls.crt): " + e.getMessage());
    }
    String key = decode(data.get("tls.key"));
    if (key == null || key.isBlank()) {
      return Outcome.invalid("missing TLS private key (data key tls.key)");
    }
    PrivateKey privateKey;
    try {
      privateKey = privateKey(key);
    } catch (IllegalArgumentException e) {
      return Outcome.invalid("invalid TLS private key (tls.key): " + e.getMessage());
    }
    PublicKey publicKey = certificates.get(0).getPublicKey();
    if (publicKey instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
      return Outcome.invalid(
          "the certificate's RSA key has "
              + rsa.getModulus().bitLength()
              + " bits; Envoy accepts 2048 or more");
    }
    if (!matches(privateKey, publicKey)) {
      return Outcome.invalid("the private key (tls.key) does not match the certificate (tls.crt)");
    }
    String name = secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName();
    return new Outcome(new VirtualHostTls.Certificate(name, chain, key), null);
  }

  private static String decode(String base64) {
    if (base64 == null) {
      return null;
    }
    try {
      return new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** Every PEM block must be a parseable CERTIFICATE; at least one must be there. */
  public static List<X509Certificate> certificates(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (!(o instanceof X509CertificateHolder holder)) {
          throw new IllegalArgumentException("unexpected PEM block " + describe(o));
        }
        out.add(new JcaX509CertificateConverter().getCertificate(holder));
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException("failed to parse PEM block: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("failed to locate certificate: no PEM CERTIFICATE block");
    }
    return out;
  }

  /** Exactly one unencrypted key (PKCS#8, PKCS#1 RSA or SEC1 EC); EC PARAMETERS are ignored. */
  public static PrivateKey privateKey(String pem) {
    List<PrivateKey> keys = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PEMKeyPair pair) {
          keys.add(jdkKey(withCurve(pair)));
        } else if (o instanceof PrivateKeyInfo info) {
          keys.add(jdkKey(info));
        } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new IllegalArgumentException("encrypted private keys are not supported");
        } else if (!(o instanceof ASN1ObjectIdentifier)) {
          throw new IllegalArgumentException("unexpected PEM block " + describe(o));
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException("failed to parse PEM block: " + e.getMessage());
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("failed to locate private key: no PEM key block");
    }
    if (keys.size() > 1) {
      throw new IllegalArgumentException("multiple private keys");
    }
    return keys.get(0);
  }

  /**
   * A SEC1 EC key's PKCS#8 form may lack the curve in its algorithm identifier, which the JDK
   * requires: take it from the key pair's public half, which names it.
   */
  private static PrivateKeyInfo withCurve(PEMKeyPair pair) throws IOException {
    PrivateKeyInfo info = pair.getPrivateKeyInfo();
    if (info.getPrivateKeyAlgorithm().getParameters() == null
        && pair.getPublicKeyInfo() != null
        && pair.getPublicKeyInfo().getAlgorithm().getParameters() != null) {
      return new PrivateKeyInfo(pair.getPublicKeyInfo().getAlgorithm(), info.parsePrivateKey());
    }
    return info;
  }

  /** With the JDK's own providers (BouncyCastle parses, it is not registered as a provider). */
  private static PrivateKey jdkKey(PrivateKeyInfo info) throws IOException {
    String oid = info.getPrivateKeyAlgorithm().getAlgorithm().getId();
    String algorithm =
        switch (oid) {
          case "1.2.840.113549.1.1.1" -> "RSA";
          case "1.2.840.10045.2.1" -> "EC";
          case "1.3.101.112" -> "Ed25519";
          case "1.3.101.113" -> "Ed448";
          default -> throw new IllegalArgumentException("unsupported key algorithm " + oid);
        };
    try {
      return KeyFactory.getInstance(algorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "failed to parse " + algorithm + " key: " + e.getMessage());
    }
  }

  private static String describe(Object o) {
    return o instanceof X509CertificateHolder ? "CERTIFICATE" : o.getClass().getSimpleName();
  }

  /** Signs with the private key and verifies with the certificate's public key. */
  private static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    String algorithm =
        switch (privateKey.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> privateKey.getAlgorithm(); // Ed25519, Ed448 sign without a digest name
        };
    if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
