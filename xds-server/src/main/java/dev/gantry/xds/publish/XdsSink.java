package dev.gantry.xds.publish;

import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/** Where the build loop sends what it built: the xDS server, or a test's recorder. */
public interface XdsSink {
  /**
   * Sets the assignments in {@code changed} (by cluster name) and drops those named in {@code
   * removed}. Called before a {@link #publish} that names new clusters, so no client waits for the
   * endpoints of a cluster it was told of.
   *
   * @param seen when the remote changes the assignments carry were seen, by assignment name and
   *     cluster
   */
  void endpoints(
      Collection<ClusterLoadAssignment> changed,
      Collection<String> removed,
      Map<String, Map<String, Instant>> seen);

  /** Serves new listeners, routes, clusters and secrets: to Envoys, and to proxyless clients. */
  void publish(Snapshot envoy, Snapshot proxyless);
}
