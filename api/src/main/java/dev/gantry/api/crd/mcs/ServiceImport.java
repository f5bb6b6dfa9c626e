package dev.gantry.api.crd.mcs;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The Multi-Cluster Services API's view of a federated service ({@code multicluster.x-k8s.io}
 * ServiceImport), so {@code kubectl get serviceimports} shows which clusters serve {@code ns/svc}
 * and on which ports. Shaped like the upstream CRD, so the upstream CRD can be installed instead.
 */
@Group(ServiceImport.GROUP)
@Version(ServiceImport.VERSION)
@Kind("ServiceImport")
@Plural("serviceimports")
@ShortNames("svcim")
@AdditionalPrinterColumn(
    name = "Type",
    jsonPath = ".spec.type",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Clusters",
    jsonPath = ".metadata.annotations.gantry\\.dev/clusters",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ServiceImport extends CustomResource<ServiceImportSpec, ServiceImportStatus>
    implements Namespaced {
  public static final String GROUP = "multicluster.x-k8s.io";
  public static final String VERSION = "v1alpha1";
  public static final String CRD_NAME = "serviceimports." + GROUP;

  /**
   * The exporting clusters, comma-separated, for the Clusters column: a printer column shows only
   * the first element of a list such as {@code status.clusters}, and extra status fields would be
   * pruned by the upstream CRD's schema.
   */
  public static final String CLUSTERS_ANNOTATION = "gantry.dev/clusters";

  private static final long serialVersionUID = 1L;
}
