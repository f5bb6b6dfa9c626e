package dev.gantry.xds;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS client to Envoy on loopback for tests that need what Java's HTTP client does not give: an
 * SNI name apart from the Host header, a client certificate sent whatever CAs the server names, a
 * fixed TLS version, headers a browser never sends. It trusts any server certificate (the tests
 * check the one presented where it matters) and speaks HTTP/1.1, one request per connection.
 *
 * @param port Envoy's HTTPS listener on 127.0.0.1
 * @param sni the server name of the handshake; null: none is sent
 * @param certificate the client certificate, with the key and the chain after it; null: none
 * @param protocols the TLS versions offered, e.g. {@code TLSv1.2}; empty: 1.3 and 1.2
 * @param proxyHeader written before the handshake (a PROXY protocol header); empty: nothing
 */
public record TlsClient(
    int port, String sni, Certificate certificate, List<String> protocols, String proxyHeader) {
  public TlsClient {
    protocols = List.copyOf(protocols);
  }

  /** A client certificate: the leaf first, then the intermediates the client sends. */
  public record Certificate(PrivateKey key, List<X509Certificate> chain) {
    public Certificate {
      chain = List.copyOf(chain);
    }

    /** {@code issued} and the intermediates {@code above} it. */
    public static Certificate of(TestCertificates.Issued issued, TestCertificates.Issued... above) {
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(issued.certificate());
      for (TestCertificates.Issued i : above) {
        chain.add(i.certificate());
      }
      return new Certificate(dev.gantry.xds.tls.TlsSecrets.privateKey(issued.keyPem()), chain);
    }
  }

  /** Sending no SNI (as a client that dials an address), without a client certificate. */
  public static TlsClient withoutSni(int port) {
    return new TlsClient(port, null, null, List.of(), "");
  }

  /** Without a client certificate, offering TLS 1.3 and 1.2. */
  public static TlsClient to(int port, String sni) {
    return new TlsClient(port, sni, null, List.of(), "");
  }

  public TlsClient presenting(Certificate c) {
    return new TlsClient(port, sni, c, protocols, proxyHeader);
  }

  public TlsClient offering(String... versions) {
    return new TlsClient(port, sni, certificate, List.of(versions), proxyHeader);
  }

  /** Sending {@code header} (e.g. a PROXY protocol v1 line) on the connection before TLS. */
  public TlsClient preceded(String header) {
    return new TlsClient(port, sni, certificate, protocols, header);
  }

  /**
   * GET {@code path} with Host {@code host} and header name/value pairs: the whole response, status
   * line first. A refused handshake or a connection closed without a response throws.
   */
  public String get(String host, String path, String... headers) throws IOException {
    return request("GET", host, path, headers);
  }

  /** As {@link #get} with another method. */
  public String request(String method, String host, String path, String... headers)
      throws IOException {
    try (SSLSocket socket = connect()) {
      StringBuilder request =
          new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
      for (int i = 0; i < headers.length; i += 2) {
        request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
      }
      request.append("Connection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (response.isEmpty()) {
        // With TLS 1.3 the server checks the client's certificate after the client's handshake
        // is done: a refusal may come as the connection closing.
        throw new IOException("the connection closed without a response");
      }
      return response;
    }
  }

  /** The certificate the server (Envoy, or a backend behind a passthrough) presents. */
  public X509Certificate presented() throws IOException {
    try (SSLSocket socket = connect()) {
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  /** The TLS version the handshake agreed on. */
  public String handshake() throws IOException {
    try (SSLSocket socket = connect()) {
      return socket.getSession().getProtocol();
    }
  }

  private SSLSocket connect() throws IOException {
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLS");
      context.init(
          certificate == null ? null : new KeyManager[] {new Presenting(certificate)},
          new TrustManager[] {TRUST_ALL},
          null);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    SSLSocket socket;
    if (proxyHeader.isEmpty()) {
      socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    } else {
      java.net.Socket plain = new java.net.Socket("127.0.0.1", port);
      plain.getOutputStream().write(proxyHeader.getBytes(StandardCharsets.US_ASCII));
      plain.getOutputStream().flush();
      socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
    }
    socket.setSoTimeout(5000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
    parameters.setProtocols(
        protocols.isEmpty()
            ? new String[] {"TLSv1.3", "TLSv1.2"}
            : protocols.toArray(String[]::new));
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  private static final TrustManager TRUST_ALL =
      new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      };

  /**
   * Presents the one certificate whatever CAs the server names: Java's own key managers send none
   * when the issuer is not among them, and the tests want Envoy, not the client, to refuse.
   */
  private static final class Presenting extends X509ExtendedKeyManager {
    private static final String ALIAS = "client";
    private final Certificate certificate;

    Presenting(Certificate certificate) {
      this.certificate = certificate;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(
        String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return certificate.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return certificate.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[0];
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
