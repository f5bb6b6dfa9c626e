package dev.gantry.api.crd.mcs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** Which clusters currently export the service. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class ServiceImportStatus extends UnknownFields {
  @JsonPropertyDescription("The clusters that export the service, the hub's own included.")
  private List<ClusterStatus> clusters = new ArrayList<>();

  public List<ClusterStatus> getClusters() {
    return clusters;
  }

  public void setClusters(List<ClusterStatus> clusters) {
    this.clusters = clusters;
  }

  /** One exporting cluster. */
  @PreserveUnknownFields
  public static class ClusterStatus extends UnknownFields {
    @Required private String cluster;

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
