package dev.gantry.api.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the discoverer of a remote cluster reports about it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RemoteClusterStatus {
  @JsonPropertyDescription("Ready, Synced and Stale conditions with reasons.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("When the discoverer last completed a full sync of this cluster.")
  private String lastSyncTime;

  @JsonPropertyDescription(
      "Since when the remote cluster has been unreachable; unset when it is reachable.")
  private String staleSince;

  @JsonPropertyDescription(
      "When the discoverer last said it is alive (renewed at its --heartbeat-interval); the hub"
          + " marks the cluster Stale when it stops moving for --cluster-heartbeat-timeout.")
  private String lastHeartbeatTime;

  @JsonPropertyDescription("Number of Services mirrored into the hub.")
  private Integer mirroredServices;

  @JsonPropertyDescription("Number of EndpointSlices mirrored into the hub.")
  private Integer mirroredEndpointSlices;

  @JsonPropertyDescription(
      "Hub objects with a mirror's name that this discoverer does not own and left untouched.")
  private List<String> collisions = new ArrayList<>();

  @JsonPropertyDescription("The discoverer replica that wrote this status.")
  private String observedBy;

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getLastSyncTime() {
    return lastSyncTime;
  }

  public void setLastSyncTime(String lastSyncTime) {
    this.lastSyncTime = lastSyncTime;
  }

  public String getStaleSince() {
    return staleSince;
  }

  public void setStaleSince(String staleSince) {
    this.staleSince = staleSince;
  }

  public String getLastHeartbeatTime() {
    return lastHeartbeatTime;
  }

  public void setLastHeartbeatTime(String lastHeartbeatTime) {
    this.lastHeartbeatTime = lastHeartbeatTime;
  }

  public Integer getMirroredServices() {
    return mirroredServices;
  }

  public void setMirroredServices(Integer mirroredServices) {
    this.mirroredServices = mirroredServices;
  }

  public Integer getMirroredEndpointSlices() {
    return mirroredEndpointSlices;
  }

  public void setMirroredEndpointSlices(Integer mirroredEndpointSlices) {
    this.mirroredEndpointSlices = mirroredEndpointSlices;
  }

  public List<String> getCollisions() {
    return collisions;
  }

  public void setCollisions(List<String> collisions) {
    this.collisions = collisions;
  }

  public String getObservedBy() {
    return observedBy;
  }

  public void setObservedBy(String observedBy) {
    this.observedBy = observedBy;
  }

  /** The condition of {@code type}, or null. */
  public Condition condition(String type) {
    return conditions == null
        ? null
        : conditions.stream()
            .filter(c -> Objects.equals(c.getType(), type))
            .findFirst()
            .orElse(null);
  }
}
