package dev.gantry.xds.server;

import dev.gantry.xds.publish.XdsMetrics;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts streams, pushes and NACKs, and logs NACKs with the client's reason. */
final class XdsCallbacks implements DiscoveryServerCallbacks {
  private static final Logger log = LoggerFactory.getLogger(XdsCallbacks.class);

  private final XdsMetrics metrics;
  private final Map<Long, String> modes = new ConcurrentHashMap<>();

  XdsCallbacks(XdsMetrics metrics) {
    this.metrics = metrics;
  }

  private static String type(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('.') + 1);
  }

  private void mode(long stream, String mode) {
    if (modes.putIfAbsent(stream, mode) == null) {
      metrics.streamOpened(mode);
    }
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    String mode = modes.remove(streamId);
    if (mode != null) {
      metrics.streamClosed(mode);
    }
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    onStreamClose(streamId, typeUrl);
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    mode(streamId, "sotw");
    if (request.hasErrorDetail()) {
      metrics.nack("sotw", type(request.getTypeUrl()));
      log.warn(
          "NACK from {} for {} version {}: {}",
          request.getNode().getId(),
          type(request.getTypeUrl()),
          request.getVersionInfo(),
          request.getErrorDetail().getMessage());
    }
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
    mode(streamId, "delta");
    if (request.hasErrorDetail()) {
      metrics.nack("delta", type(request.getTypeUrl()));
      log.warn(
          "NACK from {} for {}: {}",
          request.getNode().getId(),
          type(request.getTypeUrl()),
          request.getErrorDetail().getMessage());
    }
  }

  @Override
  public void onV3StreamResponse(
      long streamId, DiscoveryRequest request, DiscoveryResponse response) {
    metrics.push(
        "sotw",
        type(response.getTypeUrl()),
        response.getResourcesCount(),
        response.getSerializedSize());
  }

  @Override
  public void onV3StreamDeltaResponse(
      long streamId, DeltaDiscoveryRequest request, DeltaDiscoveryResponse response) {
    metrics.push(
        "delta",
        type(response.getTypeUrl()),
        response.getResourcesCount() + response.getRemovedResourcesCount(),
        response.getSerializedSize());
  }
}
