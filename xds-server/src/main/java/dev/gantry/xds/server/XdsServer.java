package dev.gantry.xds.server;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The xDS endpoint Envoy (and grpc-java's xDS client) connect to: java-control-plane's discovery
 * server over gRPC, ADS with state of the world and Delta on the same port (chosen per stream by
 * the client), plus the per-type services. Envoys and proxyless gRPC clients each get their own
 * snapshot (see {@link ClientGroup}).
 */
public final class XdsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(XdsServer.class);
  private final SimpleCache<String> cache = new SimpleCache<>(new ClientGroup());
  private final Server server;

  public XdsServer(InetSocketAddress address, XdsMetrics metrics) {
    V3DiscoveryServer discovery = new V3DiscoveryServer(List.of(new XdsCallbacks(metrics)), cache);
    server =
        NettyServerBuilder.forAddress(address)
            .addService(discovery.getAggregatedDiscoveryServiceImpl())
            .addService(discovery.getClusterDiscoveryServiceImpl())
            .addService(discovery.getEndpointDiscoveryServiceImpl())
            .addService(discovery.getListenerDiscoveryServiceImpl())
            .addService(discovery.getRouteDiscoveryServiceImpl())
            .build();
  }

  public XdsServer start() {
    // Clients finish initialising on their first response: give them an empty configuration
    // until the first real snapshot is built.
    Snapshot empty =
        Snapshot.create(List.of(), List.of(), List.of(), List.of(), List.of(), "empty");
    publish(empty, empty);
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve xDS on " + server.getListenSockets(), e);
    }
    log.info("serving xDS (ADS, state of the world and Delta) on {}", server.getListenSockets());
    return this;
  }

  public int port() {
    return server.getPort();
  }

  /** Makes the snapshots what every connected and future client of each kind receives. */
  public void publish(Snapshot envoy, Snapshot proxyless) {
    cache.setSnapshot(ClientGroup.ENVOY, envoy);
    cache.setSnapshot(ClientGroup.PROXYLESS, proxyless);
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
