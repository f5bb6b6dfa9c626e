package dev.gantry.runtime.kube;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.Utils;
import io.fabric8.kubernetes.client.vertx5.TlsWarmup;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.ObjectMapper;

/**
 * The Kubernetes clients of Gantry's processes and of its one-shot commands (link, unlink, check,
 * certgen): over TLS they speak HTTP/2, as client-go does, so one connection to an apiserver
 * carries the requests (lists, reads, writes) in flight, up to the server's limit of streams per
 * connection. fabric8's informers watch over WebSockets, which keep a connection each as before. A
 * connection the server has sent nothing on for {@link #READ_IDLE} is closed, and the next request
 * opens another.
 *
 * <p>Over HTTP/1.1 each request in flight needs a connection of its own. The pool grew to the
 * writes in flight and shrank again once they were idle (the client closes an idle connection after
 * 60 s, the apiserver after 90 s), so the first burst of writes after a quiet spell opened a
 * connection per writer, each with a TLS handshake on a JVM whose handshake code had gone cold: in
 * the default-size benchmark, handshakes were half of the discoverers' CPU samples over the first
 * seconds of a load, a fifth over the whole series. Over HTTP/2 such a burst needs one connection
 * at most.
 *
 * <p>They read objects without {@code metadata.managedFields}: Gantry never reads them, and they
 * are a large part of every object (each field each writer set, as a tree), so every watch event
 * and every write's answer was parsed with them into maps that {@link
 * dev.gantry.runtime.informer.LeanItemStore} then dropped. An object written back has none, which
 * leaves the server's as they are.
 *
 * <p>They accept gzip, as client-go does, so the apiserver compresses its answers of 128 KiB or
 * more, the lists an informer starts with: a hub listing every mirror of the estate at start reads
 * an eighth of the bytes or less, and decrypts and frames that much, on a JVM whose TLS and HTTP/2
 * code is still cold. Where the network is fast and the apiserver's CPU short, {@link
 * #COMPRESSION_DISABLE} turns it off, as {@code kubectl --disable-compression} does.
 *
 * <p>A plain-HTTP server (an apiserver's insecure port, a test's proxy) keeps HTTP/1.1: without TLS
 * there is no ALPN to agree on HTTP/2 with.
 */
public final class KubeClients {
  private KubeClients() {}

  /**
   * How long the HTTP/2 connection may go without a byte from the server before it is closed: a
   * request that times out resets only its stream, and Vert.x sends no PING, so a connection that
   * died without a reset (a load balancer or NAT that dropped it) would otherwise take every later
   * request until the kernel gave up on it, many minutes. client-go pings after 30 s of silence and
   * waits 15 s for the answer.
   */
  static final Duration READ_IDLE = Duration.ofSeconds(45);

  /**
   * What keeps a client on HTTP/1.1: the system property, or the environment variable {@code
   * KUBERNETES_HTTP2_DISABLE}, fabric8's own switch.
   */
  static final String HTTP2_DISABLE = "kubernetes.http2.disable";

  /**
   * What makes a client ask for answers uncompressed: the system property, or the environment
   * variable {@code KUBERNETES_COMPRESSION_DISABLE}.
   */
  static final String COMPRESSION_DISABLE = "kubernetes.compression.disable";

  /**
   * What keeps a client on the JDK's TLS: the system property, or the environment variable {@code
   * KUBERNETES_OPENSSL_DISABLE}.
   */
  static final String OPENSSL_DISABLE = "kubernetes.openssl.disable";

  /**
   * A client for {@code config}, over HTTP/2 when the server is reached over TLS and neither the
   * config nor {@link #HTTP2_DISABLE} disables it.
   */
  public static KubernetesClient of(Config config) {
    return of(config, READ_IDLE);
  }

  static KubernetesClient of(Config config, Duration readIdle) {
    boolean tls =
        config.getMasterUrl() != null
            && config.getMasterUrl().toLowerCase(Locale.ROOT).startsWith("https:");
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(
            new Factory(
                tls && !http2Disabled(config),
                readIdle,
                !Utils.getSystemPropertyOrEnvVar(COMPRESSION_DISABLE, false),
                openSsl()))
        .withKubernetesSerialization(new LeanSerialization())
        .build();
  }

  /**
   * Whether HTTP/2 is off for {@code config}. fabric8 applies its switch to a config it
   * autoconfigures only: one read with {@code Config.fromKubeconfig}, as the hub's and the
   * discoverers' kubeconfig files are, never sees it, so it is read here as well.
   */
  static boolean http2Disabled(Config config) {
    return config.isHttp2Disable() || Utils.getSystemPropertyOrEnvVar(HTTP2_DISABLE, false);
  }

  /**
   * Whether the clients speak TLS through BoringSSL (netty-tcnative, on the class path for Linux on
   * x86-64 and ARM64): its AES-GCM runs in native code with the CPU's AES instructions. The JDK's
   * runs them through intrinsics of the second JIT compiler only, so on a JVM that stops at the
   * first (the chart's processes do) every byte to and from an apiserver was encrypted in Java:
   * under a steady load of endpoint changes at the default benchmark size, a third of a
   * discoverer's Java CPU samples were under Netty's TLS handler. Elsewhere, or with {@link
   * #OPENSSL_DISABLE}, the JDK's.
   */
  static boolean openSsl() {
    return !openSslDisabled() && OpenSSLEngineOptions.isAvailable();
  }

  private static boolean openSslDisabled() {
    return Utils.getSystemPropertyOrEnvVar(OPENSSL_DISABLE, false);
  }

  /**
   * Which TLS the clients made now speak, and why not BoringSSL if not: for a process's start-up
   * line (the one-shot commands print nothing of it, as their output may be YAML).
   */
  public static String tlsEngine() {
    if (openSsl()) {
      return "BoringSSL (netty-tcnative)";
    }
    if (openSslDisabled()) {
      return "the JDK's (" + OPENSSL_DISABLE + " is set)";
    }
    return "the JDK's (BoringSSL unavailable: " + innermost(OpenSsl.unavailabilityCause()) + ")";
  }

  /**
   * The message of the deepest cause of {@code t}, or of what it suppressed: Netty reports each
   * library name it tried as a suppressed error, the missing shared library in the innermost.
   */
  static String innermost(Throwable t) {
    Throwable deepest = t;
    for (int depth = 0; depth < 20; depth++) {
      if (deepest.getCause() != null && deepest.getCause() != deepest) {
        deepest = deepest.getCause();
      } else if (deepest.getSuppressed().length > 0) {
        deepest = deepest.getSuppressed()[0];
      } else {
        break;
      }
    }
    return deepest.getMessage() == null ? deepest.toString() : deepest.getMessage();
  }

  /**
   * fabric8's Vert.x factory with HTTP/2 offered through ALPN; a server that answers with HTTP/1.1
   * is spoken to in HTTP/1.1. Each client gets a factory, and so a Vert.x instance, of its own, as
   * with fabric8's default.
   */
  static final class Factory extends Vertx5HttpClientFactory {
    private final boolean http2;
    private final Duration readIdle;
    private final boolean gzip;
    private final boolean openSsl;

    Factory(boolean http2, Duration readIdle, boolean gzip, boolean openSsl) {
      this.http2 = http2;
      this.readIdle = readIdle;
      this.gzip = gzip;
      this.openSsl = openSsl;
      if (openSsl) {
        // fabric8 warms the JDK's TLS once per process as its first client is built (a JDK
        // context made and dropped): start-up work for a TLS these clients do not speak.
        setTlsWarmup(TlsWarmup.OFF);
      }
    }

    @Override
    protected void additionalConfig(
        WebClientOptions options, WebSocketClientOptions webSockets, PoolOptions pool) {
      // Accept-Encoding: gzip, as client-go sends it: the apiserver compresses an answer of 128
      // KiB or more (a list), never a watch's events.
      options.setDecompressionSupported(gzip);
      if (openSsl) {
        // fabric8 has set the JDK's engine with its trust and key managers, which BoringSSL
        // calls as they are.
        options.setSslEngineOptions(new OpenSSLEngineOptions());
        webSockets.setSslEngineOptions(new OpenSSLEngineOptions());
      }
      if (http2) {
        options
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setUseAlpn(true)
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
            .setReadIdleTimeout((int) readIdle.toMillis());
      }
    }
  }

  /** fabric8's serialization, with {@code metadata.managedFields} skipped as they are read. */
  static final class LeanSerialization extends KubernetesSerialization {
    @Override
    protected ObjectMapper configureMapper(ObjectMapper mapper) {
      return super.configureMapper(mapper)
          .rebuild()
          .addMixIn(ObjectMeta.class, WithoutManagedFields.class)
          .build();
    }
  }

  @JsonIgnoreProperties({"managedFields"})
  private abstract static class WithoutManagedFields {}
}
