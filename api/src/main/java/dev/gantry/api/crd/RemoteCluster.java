package dev.gantry.api.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A remote cluster whose Services the hub federates: its routing preferences in the spec, and in
 * the status what its discoverer last saw (readiness, staleness, counts, collisions). Cluster
 * scoped and named after the cluster, so {@code kubectl get remoteclusters} lists them all.
 */
@Group(RemoteCluster.GROUP)
@Version(RemoteCluster.VERSION)
@Kind("RemoteCluster")
@Plural("remoteclusters")
@ShortNames("rc")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Stale",
    jsonPath = ".status.conditions[?(@.type==\"Stale\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Services",
    jsonPath = ".status.mirroredServices",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Slices",
    jsonPath = ".status.mirroredEndpointSlices",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Last-Sync",
    jsonPath = ".status.lastSyncTime",
    type = AdditionalPrinterColumn.Type.DATE)
public class RemoteCluster extends CustomResource<RemoteClusterSpec, RemoteClusterStatus> {
  public static final String GROUP = "gantry.dev";
  public static final String VERSION = "v1alpha1";
  public static final String CRD_NAME = "remoteclusters." + GROUP;

  /**
   * Finalizer the hub puts on every RemoteCluster: deleting one removes the cluster's mirrors from
   * the hub before the object goes, so a decommissioned cluster stops taking traffic.
   */
  public static final String FINALIZER = GROUP + "/mirrors";

  private static final long serialVersionUID = 1L;
}
