package dev.gantry.xds;

import com.google.rpc.Code;
import com.google.rpc.Status;
import dev.gantry.xds.tls.TlsSecrets;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A real external authorization server (Envoy's {@code envoy.service.auth.v3.Authorization} over
 * gRPC, in clear text or over TLS) for tests: it allows a request whose {@code x-auth} header is
 * {@code allow} and denies any other with 403, answers {@code x-auth-delay-ms} milliseconds late
 * when asked, and sends the context extensions it received back in the {@code x-auth-context}
 * response header ({@code key=value} pairs, sorted, comma-separated).
 */
public final class AuthorizationBackend implements AutoCloseable {
  public static final String DECISION = "x-auth";
  public static final String DELAY = "x-auth-delay-ms";
  public static final String CONTEXT = "x-auth-context";

  private final ScheduledExecutorService late = Executors.newSingleThreadScheduledExecutor();
  private final AtomicInteger checks = new AtomicInteger();
  private final Server server;

  private AuthorizationBackend(String address, TestCertificates.Issued certificate) {
    try {
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(new InetSocketAddress(address, 0)).addService(new Checks());
      if (certificate != null) {
        builder.sslContext(
            GrpcSslContexts.configure(
                    SslContextBuilder.forServer(
                        TlsSecrets.privateKey(certificate.keyPem()), certificate.certificate()))
                .build());
      }
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the authorization server", e);
    }
  }

  /** A server on loopback. */
  public static AuthorizationBackend start() {
    return start("127.0.0.1");
  }

  /** A server on {@code address}, e.g. a test network namespace's host address. */
  public static AuthorizationBackend start(String address) {
    return new AuthorizationBackend(address, null);
  }

  /** A server on loopback speaking gRPC over TLS ({@code h2}) with {@code certificate}. */
  public static AuthorizationBackend startTls(TestCertificates.Issued certificate) {
    return new AuthorizationBackend("127.0.0.1", certificate);
  }

  public int port() {
    return server.getPort();
  }

  /** How many check requests arrived so far. */
  public int checks() {
    return checks.get();
  }

  @Override
  public void close() {
    server.shutdownNow();
    late.shutdownNow();
  }

  private final class Checks extends AuthorizationGrpc.AuthorizationImplBase {
    @Override
    public void check(CheckRequest request, StreamObserver<CheckResponse> answer) {
      checks.incrementAndGet();
      Map<String, String> headers = request.getAttributes().getRequest().getHttp().getHeadersMap();
      String context =
          new TreeMap<>(request.getAttributes().getContextExtensionsMap())
              .entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(","));
      HeaderValueOption echo =
          HeaderValueOption.newBuilder()
              .setHeader(HeaderValue.newBuilder().setKey(CONTEXT).setValue(context))
              .build();
      CheckResponse response =
          "allow".equals(headers.get(DECISION))
              ? CheckResponse.newBuilder()
                  .setStatus(Status.newBuilder().setCode(Code.OK_VALUE))
                  .setOkResponse(OkHttpResponse.newBuilder().addResponseHeadersToAdd(echo))
                  .build()
              : CheckResponse.newBuilder()
                  .setStatus(Status.newBuilder().setCode(Code.PERMISSION_DENIED_VALUE))
                  .setDeniedResponse(
                      DeniedHttpResponse.newBuilder()
                          .setStatus(HttpStatus.newBuilder().setCode(StatusCode.Forbidden))
                          .addHeaders(echo)
                          .setBody("denied"))
                  .build();
      long delay = headers.containsKey(DELAY) ? Long.parseLong(headers.get(DELAY)) : 0;
      late.schedule(
          () -> {
            answer.onNext(response);
            answer.onCompleted();
          },
          delay,
          TimeUnit.MILLISECONDS);
    }
  }
}
