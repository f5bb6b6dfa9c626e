package dev.gantry.xds.server;

import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.publish.XdsSink;
import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DefaultExecutorGroup;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The xDS endpoint Envoy (and grpc-java's xDS client) connect to: java-control-plane's discovery
 * server over gRPC, ADS with state of the world and Delta on the same port (chosen per stream by
 * the client), plus the per-type services. Envoys and proxyless gRPC clients each get their own
 * snapshot (see {@link ClientGroup}).
 */
public final class XdsServer implements XdsSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(XdsServer.class);
  private final SimpleCache<String> cache = new SimpleCache<>(new ClientGroup());
  private final StreamNodes nodes = new StreamNodes();
  private final EndpointCache endpoints;
  private final Server server;
  private Runnable stopReload = () -> {};
  private ScheduledExecutorService reloader;
  private final boolean tls;

  /**
   * @param tls mutual TLS of the port; null serves plain text (anyone who can connect gets every
   *     secret the snapshot holds)
   */
  public XdsServer(InetSocketAddress address, XdsMetrics metrics, XdsTls tls) {
    endpoints = new EndpointCache(Clock.systemUTC(), metrics::propagation);
    V3DiscoveryServer discovery =
        new V3DiscoveryServer(
            List.of(nodes, new XdsCallbacks(metrics), new DeltaSubscriptions()),
            new Watcher(),
            new DefaultExecutorGroup(),
            new PackedResources());
    NettyServerBuilder builder;
    this.tls = tls != null;
    if (tls == null) {
      builder = NettyServerBuilder.forAddress(address);
    } else {
      reloader =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "gantry-xds-tls-reload");
                t.setDaemon(true);
                return t;
              });
      XdsTls.Credentials credentials = tls.credentials(reloader);
      stopReload = credentials.stop();
      builder = NettyServerBuilder.forAddress(address, credentials.credentials());
    }
    server =
        builder
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
    log.info(
        "serving xDS (ADS, state of the world and Delta) on {} {}",
        server.getListenSockets(),
        tls ? "over mutual TLS" : "in plain text");
    return this;
  }

  public int port() {
    return server.getPort();
  }

  /**
   * Makes the snapshots (listeners, routes, clusters, secrets: everything but endpoints) what every
   * connected and future client of each kind receives. Publish the endpoints of new clusters first
   * ({@link #endpoints()}), so a client never waits for an assignment of a cluster it was given.
   */
  @Override
  public void publish(Snapshot envoy, Snapshot proxyless) {
    Set<String> redefined = new HashSet<>();
    synchronized (this) {
      redefined(published.put(ClientGroup.ENVOY, envoy), envoy, redefined);
      redefined(published.put(ClientGroup.PROXYLESS, proxyless), proxyless, redefined);
    }
    // Before the clusters go out: the requests their warming causes must find this.
    endpoints.redefined(redefined);
    cache.setSnapshot(ClientGroup.ENVOY, envoy);
    cache.setSnapshot(ClientGroup.PROXYLESS, proxyless);
  }

  /** Adds the clusters of {@code now} that {@code before} held with another definition. */
  private static void redefined(Snapshot before, Snapshot now, Set<String> out) {
    if (before == null) {
      return;
    }
    var old = before.clusters().resources();
    now.clusters()
        .resources()
        .forEach(
            (name, cluster) -> {
              var was = old.get(name);
              if (was != null && !was.equals(cluster)) {
                out.add(name);
              }
            });
  }

  @Override
  public void endpoints(
      Collection<ClusterLoadAssignment> changed,
      Collection<String> removed,
      Map<String, Map<String, Instant>> seen) {
    endpoints.update(changed, removed, seen);
  }

  /** The endpoints every client receives, sent as they change. */
  public EndpointCache endpoints() {
    return endpoints;
  }

  /** The last snapshots published by client group, to tell which clusters they redefine. */
  private final Map<String, Snapshot> published = new HashMap<>();

  /** The request as from its stream's node when it carries none (see {@link StreamNodes}). */
  private XdsRequest withStreamNode(XdsRequest request) {
    Node node = nodes.current();
    return request.v3Request().hasNode() || node == null
        ? request
        : XdsRequest.create(request.v3Request().toBuilder().setNode(node).build());
  }

  private DeltaXdsRequest withStreamNode(DeltaXdsRequest request) {
    Node node = nodes.current();
    return request.v3Request().hasNode() || node == null
        ? request
        : DeltaXdsRequest.create(request.v3Request().toBuilder().setNode(node).build());
  }

  /** Tells the endpoint cache what each Delta stream subscribes to, request by request. */
  private final class DeltaSubscriptions implements DiscoveryServerCallbacks {
    @Override
    public void onV3StreamRequest(long streamId, DiscoveryRequest request) {}

    @Override
    public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
      if (Resources.V3.ENDPOINT_TYPE_URL.equals(request.getTypeUrl())) {
        endpoints.deltaRequest(streamId, request);
      }
    }

    @Override
    public void onStreamClose(long streamId, String typeUrl) {
      endpoints.streamClosed(streamId);
    }

    @Override
    public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
      endpoints.streamClosed(streamId);
    }
  }

  /** EDS from the endpoint cache, every other type from the snapshots. */
  private final class Watcher implements ConfigWatcher {
    @Override
    public Watch createWatch(
        boolean ads,
        XdsRequest request,
        Set<String> knownResourceNames,
        Consumer<Response> responseConsumer,
        boolean hasClusterChanged,
        boolean allowDefaultEmptyEdsUpdate) {
      request = withStreamNode(request);
      if (request.getResourceType() == Resources.ResourceType.ENDPOINT) {
        return endpoints.createWatch(
            ads, request, responseConsumer, hasClusterChanged, allowDefaultEmptyEdsUpdate);
      }
      return cache.createWatch(
          ads,
          request,
          knownResourceNames,
          responseConsumer,
          hasClusterChanged,
          allowDefaultEmptyEdsUpdate);
    }

    @Override
    public DeltaWatch createDeltaWatch(
        DeltaXdsRequest request,
        String requesterVersion,
        Map<String, String> resourceVersions,
        Set<String> pendingResources,
        boolean isWildcard,
        Consumer<DeltaResponse> responseConsumer,
        boolean hasClusterChanged) {
      request = withStreamNode(request);
      if (request.getResourceType() == Resources.ResourceType.ENDPOINT) {
        return endpoints.createDeltaWatch(
            nodes.currentStream(),
            request,
            requesterVersion,
            resourceVersions,
            pendingResources,
            isWildcard,
            responseConsumer,
            hasClusterChanged);
      }
      return cache.createDeltaWatch(
          request,
          requesterVersion,
          resourceVersions,
          pendingResources,
          isWildcard,
          responseConsumer,
          hasClusterChanged);
    }
  }

  @Override
  public void close() {
    stopReload.run();
    if (reloader != null) {
      reloader.shutdownNow();
    }
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
