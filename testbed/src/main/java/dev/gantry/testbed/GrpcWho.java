package dev.gantry.testbed;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC service for xDS tests without generated code: one unary method, {@code
 * gantry.test.Backend/Who}, that answers with the backend's name, so a caller sees which backend
 * served it. Also the bootstrap a proxyless grpc-java client needs to reach an xDS server.
 */
public final class GrpcWho {
  /** The unary method, UTF-8 strings both ways. */
  public static final MethodDescriptor<String, String> WHO =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("gantry.test.Backend", "Who"))
          .setRequestMarshaller(new Utf8Marshaller())
          .setResponseMarshaller(new Utf8Marshaller())
          .build();

  private GrpcWho() {}

  /** Starts a backend answering {@code name} on {@code host:port} (port 0: any free one). */
  public static Server serve(String host, int port, String name) {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("gantry.test.Backend")
            .addMethod(
                WHO,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      response.onNext(name);
                      response.onCompleted();
                    }))
            .build();
    try {
      return NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
          .addService(service)
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start gRPC backend " + name + " on " + host, e);
    }
  }

  /** Which backends answered {@code calls} calls on {@code channel}, with how many answers each. */
  public static Map<String, Integer> answers(Channel channel, int calls) {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < calls; i++) {
      String backend =
          ClientCalls.blockingUnaryCall(
              channel, WHO, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "who");
      counts.merge(backend, 1, Integer::sum);
    }
    return counts;
  }

  /**
   * The bootstrap of a grpc-java xDS client: the xDS server on loopback over plaintext, and a node.
   * grpc-java reads it from the system property {@code io.grpc.xds.bootstrapConfig} once, when its
   * first {@code xds:///} channel resolves.
   */
  public static String xdsBootstrap(String nodeId, int xdsPort) {
    return """
        {
          "xds_servers": [{
            "server_uri": "127.0.0.1:%d",
            "channel_creds": [{"type": "insecure"}],
            "server_features": ["xds_v3"]
          }],
          "node": {"id": "%s", "cluster": "gantry"}
        }
        """
        .formatted(xdsPort, nodeId);
  }

  /** UTF-8 strings on the wire. */
  private static final class Utf8Marshaller implements MethodDescriptor.Marshaller<String> {
    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
