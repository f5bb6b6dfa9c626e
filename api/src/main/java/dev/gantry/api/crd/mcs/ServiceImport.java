package dev.gantry.api.crd.mcs;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The Multi-Cluster Services API's view of a federated service ({@code multicluster.x-k8s.io}
 * ServiceImport), so {@code kubectl get serviceimports} and other MCS tools see which clusters
 * export {@code ns/svc} and on which ports.
 *
 * <p>The CRD is the MCS API's own ({@code sigs.k8s.io/mcs-api}'s {@code
 * config/crd/multicluster.x-k8s.io_serviceimports.yaml}, vendored by the chart): no CRD is
 * generated from this model. It serves {@code v1alpha1} and {@code v1beta1} with the same schema
 * and stores {@code v1beta1}, which this model reads and writes.
 */
@Group(ServiceImport.GROUP)
@Version(ServiceImport.VERSION)
@Kind("ServiceImport")
@Plural("serviceimports")
public class ServiceImport extends CustomResource<ServiceImportSpec, ServiceImportStatus>
    implements Namespaced {
  public static final String GROUP = "multicluster.x-k8s.io";
  public static final String VERSION = "v1beta1";
  public static final String CRD_NAME = "serviceimports." + GROUP;

  /**
   * The exporting clusters, comma-separated, for the Clusters column of the CRD Gantry generated
   * before it installed the MCS API's. Nothing reads it any more: the aggregator removes it from
   * the ServiceImports it manages ({@code status.clusters} lists the clusters).
   */
  public static final String CLUSTERS_ANNOTATION = "gantry.dev/clusters";

  private static final long serialVersionUID = 1L;
}
