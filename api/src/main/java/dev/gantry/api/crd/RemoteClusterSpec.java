package dev.gantry.api.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How the hub routes to a remote cluster's endpoints in federated services. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RemoteClusterSpec {
  @JsonPropertyDescription(
      "Envoy locality priority of this cluster's endpoints in federated services; 0 is"
          + " preferred, higher values take traffic only when lower ones are unhealthy.")
  @Min(0)
  @Max(128)
  private Integer priority;

  @JsonPropertyDescription(
      "Relative locality weight of this cluster among clusters of the same priority (1-1000).")
  @Min(1)
  @Max(1000)
  private Integer weight;

  public Integer getPriority() {
    return priority;
  }

  public void setPriority(Integer priority) {
    this.priority = priority;
  }

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }
}
