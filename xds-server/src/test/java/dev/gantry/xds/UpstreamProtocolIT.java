package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.GrpcWho;
import dev.gantry.testbed.Pki;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.UpstreamProtocol;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.server.XdsServer;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A service's {@code protocol} through a real Envoy: a gRPC backend reached by gRPC clients over
 * {@code h2c}, with many client connections sharing one upstream connection; a gRPC backend that
 * speaks only TLS reached over {@code h2}; an HTTPS backend reached over {@code tls}. The backends
 * present a certificate made in the test by a throwaway CA that Envoy does not know (Contour does
 * not verify without {@code upstreamValidation}). No apiserver is involved, so the backends are on
 * loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamProtocolIT {
  private static final String GRPC_HOST = "grpc.example.com";
  private static final String GRPC_TLS_HOST = "grpc-tls.example.com";
  private static final String WEB_TLS_HOST = "web-tls.example.com";
  private static final int CLIENTS = 20;

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<List<ProxyVerdict>> verdicts = new AtomicReference<>(List.of());
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Server> grpcBackends = new ArrayList<>();

  /** TLS protocol and ALPN of each call the TLS gRPC backend served. */
  private final Set<String> tlsCalls = ConcurrentHashMap.newKeySet();

  private final List<ManagedChannel> channels = new ArrayList<>();
  private HttpsServer webTls;
  private XdsServer server;
  private Envoy envoy;
  private int port;
  private String h2cCluster;

  @BeforeAll
  void start() throws IOException {
    Pki.Issued certificate = Pki.newAuthority("upstream-tls").servingCertificate("backend");
    Server grpc = GrpcWho.serve("127.0.0.1", 0, "grpc");
    grpcBackends.add(grpc);
    Server grpcTls = tlsGrpcBackend(certificate);
    grpcBackends.add(grpcTls);
    webTls = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webTls.setHttpsConfigurator(new HttpsConfigurator(certificate.sslContext()));
    webTls.createContext(
        "/",
        exchange -> {
          SSLSession session = ((HttpsExchange) exchange).getSSLSession();
          byte[] body =
              ("web-tls " + exchange.getProtocol() + " " + session.getProtocol())
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    webTls.start();

    List<HTTPProxy> proxies = proxies();
    FederationSnapshot snapshot =
        new FederationSnapshot(
            Map.of(
                ServiceName.of("demo", "grpc"),
                service("demo/grpc", 50051, grpc.getPort()),
                ServiceName.of("demo", "grpc-tls"),
                service("demo/grpc-tls", 443, grpcTls.getPort()),
                ServiceName.of("demo", "web-tls"),
                service("demo/web-tls", 443, webTls.getAddress().getPort())),
            Map.of());
    h2cCluster =
        new ProxyCompiler("gantry")
            .compile(proxies, snapshot, Map.of()).table().upstreams().values().stream()
                .filter(u -> u.protocol() == UpstreamProtocol.H2C)
                .map(Upstream::name)
                .findFirst()
                .orElseThrow();
    server = new XdsServer(new InetSocketAddress("127.0.0.1", 0), metrics, null).start();
    port = Ports.freeLoopbackPort();
    Fixtures.publishing(executor, server, metrics, port, verdicts::set, proxies, snapshot);
    envoy =
        Envoy.start(
            "envoy-protocol",
            Envoy.adsBootstrap("envoy-protocol", "GRPC", server.port()),
            Testbed.workDirectory().resolve("protocol-" + System.nanoTime()));
  }

  @AfterAll
  void stop() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (envoy != null) {
      envoy.close();
    }
    if (server != null) {
      server.close();
    }
    executor.shutdownNow();
    for (Server backend : grpcBackends) {
      backend.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (webTls != null) {
      webTls.stop(0);
    }
  }

  private static FederatedService service(String key, int port, int backendPort) {
    return Fixtures.service(key)
        .port("p", port)
        .cluster("east", 0, 1, "p", "127.0.0.1:" + backendPort)
        .build();
  }

  private static List<HTTPProxy> proxies() {
    // gRPC over h2c; requests carrying x-plain go to the same service without a protocol, which
    // Envoy then speaks HTTP/1.1 to: a cluster of its own that gRPC cannot use.
    HTTPProxySpec.Route plain = new HTTPProxySpec.Route();
    plain.getConditions().add(Fixtures.header("x-plain", h -> h.setPresent(true)));
    plain.getServices().add(Fixtures.routeService("grpc", 50051, null));
    HTTPProxy grpc =
        Fixtures.proxy("demo/grpc")
            .fqdn(GRPC_HOST)
            .rawRoute(plain)
            .rawRoute(route("grpc", 50051, "h2c"))
            .build();
    HTTPProxy grpcTls =
        Fixtures.proxy("demo/grpc-tls")
            .fqdn(GRPC_TLS_HOST)
            .rawRoute(route("grpc-tls", 443, "h2"))
            .build();
    HTTPProxy webTls =
        Fixtures.proxy("demo/web-tls")
            .fqdn(WEB_TLS_HOST)
            .rawRoute(route("web-tls", 443, "tls"))
            .build();
    return List.of(grpc, grpcTls, webTls);
  }

  private static HTTPProxySpec.Route route(String service, int port, String protocol) {
    HTTPProxySpec.Route r = new HTTPProxySpec.Route();
    r.getConditions().add(Fixtures.prefix("/"));
    HTTPProxySpec.RouteService s = Fixtures.routeService(service, port, null);
    s.setProtocol(protocol);
    r.getServices().add(s);
    return r;
  }

  /** A gRPC backend that speaks only TLS and records each call's TLS protocol and ALPN. */
  private Server tlsGrpcBackend(Pki.Issued certificate) throws IOException {
    ServerServiceDefinition who =
        ServerServiceDefinition.builder("gantry.test.Backend")
            .addMethod(
                GrpcWho.WHO,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      response.onNext("grpc-tls");
                      response.onCompleted();
                    }))
            .build();
    ServerInterceptor recordTls =
        new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            tlsCalls.add(session == null ? "plaintext" : session.getProtocol());
            return next.startCall(call, headers);
          }
        };
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(
            GrpcSslContexts.configure(
                    SslContextBuilder.forServer(
                        certificate.key().getPrivate(), certificate.certificate()))
                .build())
        .addService(ServerInterceptors.intercept(who, recordTls))
        .build()
        .start();
  }

  /** A plaintext gRPC client connection to Envoy, for {@code host}. */
  private ManagedChannel channel(String host) {
    ManagedChannel c =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
            .overrideAuthority(host)
            .build();
    channels.add(c);
    return c;
  }

  private static String who(Channel channel) {
    return ClientCalls.blockingUnaryCall(
        channel, GrpcWho.WHO, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "who");
  }

  @Test
  void grpcClientsReachAGrpcBackendOverH2cAndShareOneUpstreamConnection() throws Exception {
    ManagedChannel first = channel(GRPC_HOST);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> who(first), "grpc"::equals);
    assertThat(verdicts.get()).allSatisfy(v -> assertThat(v.valid()).isTrue());

    // The same service without h2c: Envoy speaks HTTP/1.1 to a gRPC server, which refuses it.
    Metadata plainHeader = new Metadata();
    plainHeader.put(Metadata.Key.of("x-plain", Metadata.ASCII_STRING_MARSHALLER), "yes");
    Channel plain =
        ClientInterceptors.intercept(first, MetadataUtils.newAttachHeadersInterceptor(plainHeader));
    assertThatThrownBy(() -> who(plain)).isInstanceOf(StatusRuntimeException.class);

    // 20 client connections, each sending 10 calls at the same time as the others.
    List<ManagedChannel> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(channel(GRPC_HOST));
    }
    ExecutorService callers = Executors.newFixedThreadPool(CLIENTS);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<List<String>>> answers = new ArrayList<>();
      for (ManagedChannel client : clients) {
        answers.add(
            callers.submit(
                () -> {
                  go.await();
                  List<String> got = new ArrayList<>();
                  for (int call = 0; call < 10; call++) {
                    got.add(who(client));
                  }
                  return got;
                }));
      }
      go.countDown();
      for (Future<List<String>> a : answers) {
        assertThat(a.get(60, TimeUnit.SECONDS)).hasSize(10).containsOnly("grpc");
      }
    } finally {
      callers.shutdownNow();
    }
    String stats = "cluster." + h2cCluster.replace('/', '_');
    assertThat(envoy.stat(stats + ".upstream_rq_total")).isGreaterThanOrEqualTo(CLIENTS * 10 + 1);
    // One Envoy worker (--concurrency 1), one endpoint: HTTP/2 multiplexes every call on one
    // connection; allow one more for a reconnect.
    assertThat(envoy.stat(stats + ".upstream_cx_total")).isBetween(1L, 2L);
    assertThat(envoy.stat(stats + ".upstream_cx_http2_total"))
        .isEqualTo(envoy.stat(stats + ".upstream_cx_total"));
    assertThat(metrics.scrape()).doesNotContainPattern("gantry_xds_nacks_total\\{[^}]*} [1-9]");
  }

  @Test
  void grpcReachesATlsOnlyBackendOverH2() {
    ManagedChannel client = channel(GRPC_TLS_HOST);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> who(client), "grpc-tls"::equals);
    assertThat(tlsCalls)
        .isNotEmpty()
        .doesNotContain("plaintext")
        .allMatch(p -> p.startsWith("TLS"));
  }

  @Test
  void httpReachesAnHttpsBackendOverTlsAsHttp11() {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              HttpResponse<String> response =
                  http.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                          .header("Host", WEB_TLS_HOST)
                          .timeout(Duration.ofSeconds(5))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              assertThat(response.statusCode()).isEqualTo(200);
              assertThat(response.body()).matches("web-tls HTTP/1\\.1 TLSv1\\.[23]");
            });
  }
}
