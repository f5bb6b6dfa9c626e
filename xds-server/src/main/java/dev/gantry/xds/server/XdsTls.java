package dev.gantry.xds.server;

import dev.gantry.api.Digests;
import dev.gantry.xds.tls.TlsSecrets;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS of the xDS port: the hub presents {@code certificate} (PEM, with its chain) and {@code
 * key} (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC), and accepts only clients whose certificate {@code ca}
 * signed. The files are read again every {@code reload}, so a renewed Secret (cert-manager, the
 * chart, {@code gantry certgen}) takes effect without a restart: new connections get the new pair,
 * open streams stay up. Files that do not parse are reported and the previous pair is kept.
 */
public record XdsTls(Path certificate, Path key, Path ca, Duration reload) {
  private static final Logger log = LoggerFactory.getLogger(XdsTls.class);

  public XdsTls {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(ca, "ca");
    if (reload == null || reload.isNegative() || reload.isZero()) {
      throw new IllegalArgumentException("the TLS reload period must be positive");
    }
  }

  /**
   * Which TLS grpc-java speaks on the port: its own BoringSSL (native) where its library loads,
   * else the JDK's.
   */
  public static String engine() {
    return io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl.isAvailable()
        ? "BoringSSL"
        : "the JDK's TLS";
  }

  /**
   * Credentials from the files as they are now, kept up to date on {@code executor}; fails when the
   * files do not hold a certificate, its key and a CA.
   */
  Credentials credentials(ScheduledExecutorService executor) {
    try {
      AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
      // Clients are not identified by host name: the CA's signature is the authentication.
      AdvancedTlsX509TrustManager trust =
          AdvancedTlsX509TrustManager.newBuilder()
              .setVerification(
                  AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
              .build();
      Loader loader = new Loader(keys, trust);
      loader.load();
      ScheduledFuture<?> task =
          executor.scheduleWithFixedDelay(
              loader::reload, reload.toMillis(), reload.toMillis(), TimeUnit.MILLISECONDS);
      ServerCredentials credentials =
          TlsServerCredentials.newBuilder()
              .keyManager(keys)
              .trustManager(trust)
              .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
              .build();
      return new Credentials(credentials, () -> task.cancel(false));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the xDS TLS files: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the xDS TLS files: " + e.getMessage(), e);
    }
  }

  /** Server credentials and how to stop re-reading their files. */
  record Credentials(ServerCredentials credentials, Runnable stop) {}

  /** Reads the three files and hands a changed pair or CA to the managers. */
  private final class Loader {
    private final AdvancedTlsX509KeyManager keys;
    private final AdvancedTlsX509TrustManager trust;
    private String loaded = "";

    Loader(AdvancedTlsX509KeyManager keys, AdvancedTlsX509TrustManager trust) {
      this.keys = keys;
      this.trust = trust;
    }

    /** Loads the files if they changed; throws when they do not parse. */
    void load() throws IOException, GeneralSecurityException {
      String certPem = Files.readString(certificate, StandardCharsets.US_ASCII);
      String keyPem = Files.readString(key, StandardCharsets.US_ASCII);
      String caPem = Files.readString(ca, StandardCharsets.US_ASCII);
      String digest = Digests.sha256Hex(certPem + "\n" + keyPem + "\n" + caPem);
      if (digest.equals(loaded)) {
        return;
      }
      List<X509Certificate> chain;
      List<X509Certificate> authorities;
      try {
        chain = TlsSecrets.certificates(certPem);
        authorities = TlsSecrets.certificates(caPem);
        keys.updateIdentityCredentials(
            chain.toArray(X509Certificate[]::new), TlsSecrets.privateKey(keyPem));
      } catch (IllegalArgumentException e) {
        throw new GeneralSecurityException(e.getMessage(), e);
      }
      trust.updateTrustCredentials(authorities.toArray(X509Certificate[]::new));
      boolean first = loaded.isEmpty();
      loaded = digest;
      log.info(
          "xDS TLS {}: serving as {} (valid until {}), clients signed by {}",
          first ? "loaded" : "reloaded",
          chain.get(0).getSubjectX500Principal().getName(),
          chain.get(0).getNotAfter().toInstant(),
          authorities.get(0).getSubjectX500Principal().getName());
    }

    void reload() {
      try {
        load();
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        log.warn("xDS TLS files not reloaded, the previous ones stay in use: {}", e.getMessage());
      }
    }
  }
}
