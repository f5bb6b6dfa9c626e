package dev.gantry.api.crd.mcs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * An imported service's status as the MCS API ({@code v1beta1}) defines it: the exporting clusters
 * (a list keyed by {@code cluster}) and conditions (keyed by {@code type}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceImportStatus extends RoundTrippedFields {
  /** The MCS API's condition type: true when the import is ready. */
  public static final String READY = "Ready";

  /** Reason of a true {@link #READY}. */
  public static final String REASON_READY = "Ready";

  /** Reason of a false or unknown {@link #READY} while the import is being created or updated. */
  public static final String REASON_PENDING = "Pending";

  /** {@code endpointSliceObjects}: imported EndpointSlices exist for the import. */
  public static final String ENDPOINT_SLICES_PRESENT = "Present";

  /** {@code endpointSliceObjects}: no imported EndpointSlices exist for the import. */
  public static final String ENDPOINT_SLICES_ABSENT = "Absent";

  private List<ClusterStatus> clusters = new ArrayList<>();
  private List<Condition> conditions;
  private String endpointSliceObjects;

  /** The clusters that export the service. */
  public List<ClusterStatus> getClusters() {
    return clusters;
  }

  public void setClusters(List<ClusterStatus> clusters) {
    this.clusters = clusters;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  /** Present or Absent: whether imported EndpointSlices exist; unset when not known. */
  public String getEndpointSliceObjects() {
    return endpointSliceObjects;
  }

  public void setEndpointSliceObjects(String endpointSliceObjects) {
    this.endpointSliceObjects = endpointSliceObjects;
  }

  /** One exporting cluster. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ClusterStatus extends RoundTrippedFields {
    private String cluster;

    public ClusterStatus() {}

    public ClusterStatus(String cluster) {
      this.cluster = cluster;
    }

    public String getCluster() {
      return cluster;
    }

    public void setCluster(String cluster) {
      this.cluster = cluster;
    }
  }
}
