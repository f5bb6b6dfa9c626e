package dev.gantry.xds;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A real rate limit service (Envoy's {@code envoy.service.ratelimit.v3.RateLimitService} over gRPC
 * in clear text, {@code h2c}) for tests: it counts the requests of each descriptor of each domain
 * and answers OVER_LIMIT for a request one of whose descriptors has been seen more than {@code
 * limit} times (per hour, never reset during a test); it keeps every descriptor it was asked about,
 * written {@code key=value,key=value}.
 */
public final class RateLimitBackend implements AutoCloseable {
  private final int limit;
  private final Map<String, Integer> counts = new ConcurrentHashMap<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final List<String> domains = new CopyOnWriteArrayList<>();
  private final Server server;

  private RateLimitBackend(String address, int limit) {
    this.limit = limit;
    try {
      server =
          NettyServerBuilder.forAddress(new InetSocketAddress(address, 0))
              .addService(new Limits())
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the rate limit server", e);
    }
  }

  /** A server on loopback allowing {@code limit} requests per descriptor. */
  public static RateLimitBackend start(int limit) {
    return new RateLimitBackend("127.0.0.1", limit);
  }

  public int port() {
    return server.getPort();
  }

  /** Every descriptor asked about so far, in order, e.g. {@code generic_key=web}. */
  public List<String> descriptors() {
    return List.copyOf(seen);
  }

  /** The domains of the requests so far. */
  public List<String> domains() {
    return List.copyOf(domains);
  }

  /** How often {@code descriptor} was asked about. */
  public int count(String descriptor) {
    return seen.stream().filter(descriptor::equals).mapToInt(d -> 1).sum();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  static String written(RateLimitDescriptor d) {
    return d.getEntriesList().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  private final class Limits extends RateLimitServiceGrpc.RateLimitServiceImplBase {
    @Override
    public void shouldRateLimit(
        RateLimitRequest request, StreamObserver<RateLimitResponse> answer) {
      domains.add(request.getDomain());
      RateLimitResponse.Builder response =
          RateLimitResponse.newBuilder().setOverallCode(RateLimitResponse.Code.OK);
      for (RateLimitDescriptor d : request.getDescriptorsList()) {
        String descriptor = written(d);
        seen.add(descriptor);
        int count =
            counts.merge(
                request.getDomain() + " " + descriptor,
                request.getHitsAddend() == 0 ? 1 : request.getHitsAddend(),
                Integer::sum);
        boolean over = count > limit;
        if (over) {
          response.setOverallCode(RateLimitResponse.Code.OVER_LIMIT);
        }
        response.addStatuses(
            RateLimitResponse.DescriptorStatus.newBuilder()
                .setCode(over ? RateLimitResponse.Code.OVER_LIMIT : RateLimitResponse.Code.OK)
                .setCurrentLimit(
                    RateLimitResponse.RateLimit.newBuilder()
                        .setRequestsPerUnit(limit)
                        .setUnit(RateLimitResponse.RateLimit.Unit.HOUR))
                .setLimitRemaining(Math.max(0, limit - count)));
      }
      answer.onNext(response.build());
      answer.onCompleted();
    }
  }
}
