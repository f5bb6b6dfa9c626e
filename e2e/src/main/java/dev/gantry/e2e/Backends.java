package dev.gantry.e2e;

import dev.gantry.testbed.GrpcWho;
import dev.gantry.testbed.ManagedProcess;
import dev.gantry.testbed.NetworkNamespace;
import io.grpc.Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Backends in network namespaces of their own, each answering with its name (e.g. {@code east-1}),
 * so a response tells which cluster served it. Their addresses are what EndpointSlices name.
 */
public final class Backends implements AutoCloseable {
  public static final int HTTP_PORT = 8080;
  public static final int GRPC_PORT = 50051;

  private final Path dir;
  private final Map<String, NetworkNamespace> namespaces = new LinkedHashMap<>();
  private final Map<String, ManagedProcess> processes = new LinkedHashMap<>();
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private final List<Server> grpcServers = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Backends whose logs go to {@code dir}. */
  public Backends(Path dir) {
    this.dir = dir;
  }

  /**
   * Starts an HTTP backend answering {@code name} on {@link #HTTP_PORT} in a network namespace of
   * its own; returns once it answers.
   *
   * @return its address, the one to put in an EndpointSlice
   */
  public String startHttp(String name) {
    NetworkNamespace ns = NetworkNamespace.create();
    namespaces.put(name, ns);
    addresses.put(name, ns.address());
    processes.put(name, ns.httpBackend(name, HTTP_PORT, name, dir.resolve(name + ".log")));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!name.equals(direct(ns.address()))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("backend " + name + " did not answer within 20 s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for backend " + name, e);
      }
    }
    return ns.address();
  }

  /**
   * Stops a backend's process without touching the endpoints that name it (a dead endpoint: its
   * address refuses connections). The namespace stays until {@link #close()}, so its address never
   * routes anywhere else.
   */
  public void stop(String name) {
    ManagedProcess process = processes.remove(name);
    if (process != null) {
      process.stop();
    }
  }

  /**
   * Starts a gRPC backend ({@link GrpcWho}) answering {@code name} on port {@link #GRPC_PORT} of
   * this machine's end of a new network namespace's veth pair: in this JVM, at an address the
   * apiserver accepts.
   */
  public String startGrpc(String name) {
    NetworkNamespace ns = NetworkNamespace.create();
    namespaces.put(name, ns);
    grpcServers.add(GrpcWho.serve(ns.hostAddress(), GRPC_PORT, name));
    addresses.put(name, ns.hostAddress());
    return ns.hostAddress();
  }

  /** The address of a started backend, or null. */
  public String address(String name) {
    return addresses.get(name);
  }

  private String direct(String address) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + address + ":" + HTTP_PORT + "/"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (Exception e) {
      return null;
    }
  }

  @Override
  public void close() {
    for (Server server : grpcServers) {
      server.shutdownNow();
    }
    grpcServers.clear();
    namespaces.values().forEach(NetworkNamespace::close);
    namespaces.clear();
  }
}
