package dev.gantry.xds;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * A JSON Web Key Set server on loopback, over HTTP or HTTPS, publishing one RSA key of its own at
 * {@code /jwks.json}, and the issuer of tokens signed with that key (RS256, JDK crypto only).
 */
public final class JwksBackend implements AutoCloseable {
  public static final String PATH = "/jwks.json";
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private final HttpServer server;
  private final KeyPair key;
  private final String kid;
  private final AtomicInteger fetches = new AtomicInteger();

  private JwksBackend(HttpServer server, String kid) {
    this.server = server;
    this.kid = kid;
    this.key = rsa();
    String body = jwks();
    server.createContext(
        PATH,
        exchange -> {
          fetches.incrementAndGet();
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
  }

  /** A key set over plain HTTP, its key named {@code kid}. */
  public static JwksBackend start(String kid) {
    try {
      return new JwksBackend(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), kid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A key set over HTTPS with the server certificate of {@code tls}. */
  public static JwksBackend startTls(String kid, SSLContext tls) {
    try {
      HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      return new JwksBackend(https, kid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The URI of the key set, {@code scheme://127.0.0.1:port/jwks.json}. */
  public String uri() {
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return scheme + "://127.0.0.1:" + port() + PATH;
  }

  /** How often the key set was fetched. */
  public int fetches() {
    return fetches.get();
  }

  /**
   * A token with these claims (string values quoted, numbers as they are), signed with this
   * server's key.
   */
  public String token(Map<String, Object> claims) {
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
    String payload =
        claims.entrySet().stream()
            .map(e -> "\"" + e.getKey() + "\":" + json(e.getValue()))
            .collect(Collectors.joining(",", "{", "}"));
    String signingInput = encode(header) + "." + encode(payload);
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(key.getPrivate());
      rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + URL.encodeToString(rs256.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String json(Object value) {
    if (value instanceof Number) {
      return value.toString();
    }
    if (value instanceof java.util.List<?> list) {
      return list.stream().map(JwksBackend::json).collect(Collectors.joining(",", "[", "]"));
    }
    return "\"" + value + "\"";
  }

  private String jwks() {
    RSAPublicKey pub = (RSAPublicKey) key.getPublic();
    return "{\"keys\":[{\"kty\":\"RSA\",\"alg\":\"RS256\",\"use\":\"sig\",\"kid\":\""
        + kid
        + "\",\"n\":\""
        + unsigned(pub.getModulus())
        + "\",\"e\":\""
        + unsigned(pub.getPublicExponent())
        + "\"}]}";
  }

  private static String unsigned(BigInteger n) {
    byte[] bytes = n.toByteArray();
    if (bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return URL.encodeToString(bytes);
  }

  private static String encode(String json) {
    return URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
