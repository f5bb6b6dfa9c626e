package dev.gantry.hub;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.runtime.log.LogKeys;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes deleting a RemoteCluster remove its cluster from the hub: the writing replica puts the
 * finalizer {@value RemoteCluster#FINALIZER} on every RemoteCluster, and when one is being deleted
 * it deletes that cluster's mirrors (Services and EndpointSlices labelled with the cluster and
 * managed by Gantry; nothing else) and then lifts the finalizer. The aggregator drops the cluster's
 * endpoints as the mirrors go, so the decommissioned cluster stops taking traffic. Its discoverer,
 * if still running, stops mirroring when it sees the deletion (and removes what it wrote since).
 */
final class ClusterRemovals {
  private static final Logger log = LoggerFactory.getLogger(ClusterRemovals.class);

  private final KubernetesClient hub;
  private final Supplier<List<RemoteCluster>> remotes;
  private final BooleanSupplier writes;
  private final Counter removed;

  ClusterRemovals(
      KubernetesClient hub,
      Supplier<List<RemoteCluster>> remotes,
      BooleanSupplier writes,
      Counter removed) {
    this.hub = hub;
    this.remotes = remotes;
    this.writes = writes;
    this.removed = removed;
  }

  /** Adds missing finalizers and finishes removals in progress; only on the writing replica. */
  void check() {
    if (!writes.getAsBoolean()) {
      return;
    }
    for (RemoteCluster remote : remotes.get()) {
      ObjectMeta meta = remote.getMetadata();
      boolean finalizer =
          meta.getFinalizers() != null && meta.getFinalizers().contains(RemoteCluster.FINALIZER);
      try {
        if (meta.getDeletionTimestamp() == null && !finalizer) {
          hub.resources(RemoteCluster.class)
              .withName(meta.getName())
              .edit(
                  rc -> {
                    if (!rc.getMetadata().getFinalizers().contains(RemoteCluster.FINALIZER)) {
                      rc.getMetadata().getFinalizers().add(RemoteCluster.FINALIZER);
                    }
                    return rc;
                  });
        } else if (meta.getDeletionTimestamp() != null && finalizer) {
          remove(meta.getName());
        }
      } catch (KubernetesClientException e) {
        // 404: gone already; 409: changed meanwhile. Either way the next check looks again.
        if (e.getCode() != 404 && e.getCode() != 409) {
          log.warn("RemoteCluster {}: {}", meta.getName(), e.getMessage());
        }
      }
    }
  }

  private void remove(String cluster) {
    try (LogKeys.Scope ignored = LogKeys.cluster(cluster)) {
      removeMirrors(cluster);
    }
  }

  private void removeMirrors(String cluster) {
    List<Service> services = services(cluster);
    List<EndpointSlice> slices = slices(cluster);
    for (EndpointSlice slice : slices) {
      hub.discovery()
          .v1()
          .endpointSlices()
          .inNamespace(slice.getMetadata().getNamespace())
          .withName(slice.getMetadata().getName())
          .delete();
    }
    for (Service service : services) {
      hub.services()
          .inNamespace(service.getMetadata().getNamespace())
          .withName(service.getMetadata().getName())
          .delete();
    }
    int mirrors = services.size() + slices.size();
    if (mirrors > 0) {
      log.info(
          "cluster {}: RemoteCluster deleted; removed {} mirror(s) from the hub", cluster, mirrors);
      // Lift the finalizer only once a list finds nothing (a discoverer may still have written).
      return;
    }
    hub.resources(RemoteCluster.class)
        .withName(cluster)
        .edit(
            rc -> {
              rc.getMetadata().getFinalizers().remove(RemoteCluster.FINALIZER);
              return rc;
            });
    removed.increment();
    log.info("cluster {}: removed from the hub (no mirror left; finalizer lifted)", cluster);
  }

  /** The cluster's mirrored Services in the hub, as the apiserver lists them now. */
  private List<Service> services(String cluster) {
    return hub.services()
        .inAnyNamespace()
        .withLabel(Labels.CLUSTER, cluster)
        .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
        .list()
        .getItems();
  }

  /** The cluster's mirrored EndpointSlices in the hub, as the apiserver lists them now. */
  private List<EndpointSlice> slices(String cluster) {
    return hub.discovery()
        .v1()
        .endpointSlices()
        .inAnyNamespace()
        .withLabel(Labels.CLUSTER, cluster)
        .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
        .list()
        .getItems();
  }
}
