package dev.gantry.xds.translate;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes java-control-plane snapshots as {@code Snapshot.create} does, but keeps each message's
 * {@link VersionedResource} (its per-resource version, a digest of its hash, which Delta xDS
 * compares) from one snapshot to the next: a message the translators reused costs a lookup, not a
 * digest. And a type whose version did not change keeps its resources as they were. Used by one
 * thread at a time.
 */
final class Snapshots {
  private final InstanceMemo<Message, VersionedResource<?>> versioned = new InstanceMemo<>();
  private final Map<String, SnapshotResources<?>> byVersion = new java.util.HashMap<>();
  private final Map<String, SnapshotResources<?>> nextByVersion = new java.util.HashMap<>();

  /** The snapshot of these resources, each type with its version (endpoints travel apart). */
  io.envoyproxy.controlplane.cache.v3.Snapshot create(
      List<Cluster> clusters,
      String clustersVersion,
      List<Listener> listeners,
      String listenersVersion,
      List<RouteConfiguration> routes,
      String routesVersion,
      List<Secret> secrets,
      String secretsVersion) {
    return new Made(
        resources("clusters", clusters, clustersVersion),
        resources("endpoints", List.<ClusterLoadAssignment>of(), "none"),
        resources("listeners", listeners, listenersVersion),
        resources("routes", routes, routesVersion),
        resources("secrets", secrets, secretsVersion));
  }

  /** Ends a build: what it used is what the next one finds. */
  void roll() {
    versioned.roll();
    byVersion.clear();
    byVersion.putAll(nextByVersion);
    nextByVersion.clear();
  }

  @SuppressWarnings("unchecked")
  private <T extends Message> SnapshotResources<T> resources(
      String type, List<T> messages, String version) {
    // Keyed by type and version: both kinds of client may share one list (clusters, say).
    String key = type + "/" + version + "/" + messages.size();
    SnapshotResources<T> same = (SnapshotResources<T>) nextByVersion.get(key);
    if (same == null) {
      same = (SnapshotResources<T>) byVersion.get(key);
    }
    if (same == null) {
      List<VersionedResource<T>> versioned = new ArrayList<>(messages.size());
      for (T m : messages) {
        versioned.add(versioned(m));
      }
      same = SnapshotResources.create(versioned, version);
    } else {
      // Unchanged: its messages stay known for the next build.
      for (T m : messages) {
        versioned(m);
      }
    }
    nextByVersion.put(key, same);
    return same;
  }

  @SuppressWarnings("unchecked")
  private <T extends Message> VersionedResource<T> versioned(T m) {
    VersionedResource<T> v = (VersionedResource<T>) versioned.get(m);
    return v != null ? v : (VersionedResource<T>) versioned.put(m, VersionedResource.create(m));
  }

  /** A snapshot of prepared resources. */
  private static final class Made extends io.envoyproxy.controlplane.cache.v3.Snapshot {
    private final SnapshotResources<Cluster> clusters;
    private final SnapshotResources<ClusterLoadAssignment> endpoints;
    private final SnapshotResources<Listener> listeners;
    private final SnapshotResources<RouteConfiguration> routes;
    private final SnapshotResources<Secret> secrets;

    Made(
        SnapshotResources<Cluster> clusters,
        SnapshotResources<ClusterLoadAssignment> endpoints,
        SnapshotResources<Listener> listeners,
        SnapshotResources<RouteConfiguration> routes,
        SnapshotResources<Secret> secrets) {
      this.clusters = clusters;
      this.endpoints = endpoints;
      this.listeners = listeners;
      this.routes = routes;
      this.secrets = secrets;
    }

    // java-control-plane's v3 Snapshot declares this with a type argument javac does not take as
    // overriding its base class's: declared again, raw, as the library's own compiled class has it.
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Map versionedResources(Resources.ResourceType type) {
      return super.versionedResources(type);
    }

    @Override
    public SnapshotResources<Cluster> clusters() {
      return clusters;
    }

    @Override
    public SnapshotResources<ClusterLoadAssignment> endpoints() {
      return endpoints;
    }

    @Override
    public SnapshotResources<Listener> listeners() {
      return listeners;
    }

    @Override
    public SnapshotResources<RouteConfiguration> routes() {
      return routes;
    }

    @Override
    public SnapshotResources<Secret> secrets() {
      return secrets;
    }
  }
}
