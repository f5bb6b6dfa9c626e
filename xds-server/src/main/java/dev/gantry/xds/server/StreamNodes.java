package dev.gantry.xds.server;

import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node of each xDS stream. A client need only send its node in the first request of a stream
 * (gRPC-Go does so; Envoy with {@code set_node_on_first_message_only}); the snapshot a request is
 * answered from depends on the node, so later requests are read as from the stream's node. The
 * server calls {@link #onV3StreamRequest} and then creates the request's watch on the same thread,
 * which is how {@link #current()} knows the stream.
 */
final class StreamNodes implements DiscoveryServerCallbacks {
  private final Map<Long, Node> byStream = new ConcurrentHashMap<>();
  private final ThreadLocal<Node> current = new ThreadLocal<>();
  private final ThreadLocal<Long> currentStream = new ThreadLocal<>();

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    remember(streamId, request.hasNode() ? request.getNode() : null);
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
    remember(streamId, request.hasNode() ? request.getNode() : null);
  }

  private void remember(long streamId, Node node) {
    Node known = node == null ? byStream.get(streamId) : node;
    if (node != null) {
      byStream.putIfAbsent(streamId, node);
    }
    current.set(known);
    currentStream.set(streamId);
  }

  /** The node of the stream whose request this thread is handling, or null. */
  Node current() {
    return current.get();
  }

  /** The stream whose request this thread is handling, or null. */
  Long currentStream() {
    return currentStream.get();
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    byStream.remove(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    byStream.remove(streamId);
  }
}
