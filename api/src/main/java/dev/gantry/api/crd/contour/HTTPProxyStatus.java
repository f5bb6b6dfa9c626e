package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Status as Contour writes it: currentStatus, description, detailed conditions and the addresses
 * clients reach the proxy at.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class HTTPProxyStatus extends UnknownFields {
  private String currentStatus;
  private String description;
  private List<DetailedCondition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "LoadBalancer contains the current status of the load balancer: the Envoy Service's"
          + " addresses (or the hub's --ingress-status-address).")
  private LoadBalancerStatus loadBalancer;

  public LoadBalancerStatus getLoadBalancer() {
    return loadBalancer;
  }

  public void setLoadBalancer(LoadBalancerStatus loadBalancer) {
    this.loadBalancer = loadBalancer;
  }

  public String getCurrentStatus() {
    return currentStatus;
  }

  public void setCurrentStatus(String currentStatus) {
    this.currentStatus = currentStatus;
  }

  public String getDescription() {
    return description;
  }

  public void setDescription(String description) {
    this.description = description;
  }

  public List<DetailedCondition> getConditions() {
    return conditions;
  }

  public void setConditions(List<DetailedCondition> conditions) {
    this.conditions = conditions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HTTPProxyStatus s
        && Objects.equals(currentStatus, s.currentStatus)
        && Objects.equals(description, s.description)
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(loadBalancer, s.loadBalancer);
  }

  @Override
  public int hashCode() {
    return Objects.hash(currentStatus, description, conditions, loadBalancer);
  }

  /** A condition with the errors that explain it (Contour's DetailedCondition). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class DetailedCondition extends UnknownFields {
    private String type;
    private String status;
    private Long observedGeneration;
    private String lastTransitionTime;
    private String reason;
    private String message;
    private List<SubCondition> errors = new ArrayList<>();
    private List<SubCondition> warnings = new ArrayList<>();

    public String getType() {
      return type;
    }

    public void setType(String type) {
      this.type = type;
    }

    public String getStatus() {
      return status;
    }

    public void setStatus(String status) {
      this.status = status;
    }

    public Long getObservedGeneration() {
      return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
      this.observedGeneration = observedGeneration;
    }

    public String getLastTransitionTime() {
      return lastTransitionTime;
    }

    public void setLastTransitionTime(String lastTransitionTime) {
      this.lastTransitionTime = lastTransitionTime;
    }

    public String getReason() {
      return reason;
    }

    public void setReason(String reason) {
      this.reason = reason;
    }

    public String getMessage() {
      return message;
    }

    public void setMessage(String message) {
      this.message = message;
    }

    public List<SubCondition> getErrors() {
      return errors;
    }

    public void setErrors(List<SubCondition> errors) {
      this.errors = errors;
    }

    /** Input that was ignored without making the proxy invalid, as Contour reports it. */
    public List<SubCondition> getWarnings() {
      return warnings;
    }

    public void setWarnings(List<SubCondition> warnings) {
      this.warnings = warnings;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof DetailedCondition c
          && Objects.equals(type, c.type)
          && Objects.equals(status, c.status)
          && Objects.equals(observedGeneration, c.observedGeneration)
          && Objects.equals(reason, c.reason)
          && Objects.equals(message, c.message)
          && Objects.equals(errors, c.errors)
          && Objects.equals(warnings, c.warnings);
    }

    @Override
    public int hashCode() {
      return Objects.hash(type, status, observedGeneration, reason, message, errors, warnings);
    }
  }

  /** One error under a condition: type, reason, message. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class SubCondition extends UnknownFields {
    private String type;
    // Contour's CRD requires it; Contour writes "True" for every error and warning.
    private String status;
    private String reason;
    private String message;

    public SubCondition() {}

    /** An error or warning that holds ({@code status: "True"}), as Contour writes them. */
    public SubCondition(String type, String reason, String message) {
      this.type = type;
      this.status = "True";
      this.reason = reason;
      this.message = message;
    }

    public String getStatus() {
      return status;
    }

    public void setStatus(String status) {
      this.status = status;
    }

    public String getType() {
      return type;
    }

    public void setType(String type) {
      this.type = type;
    }

    public String getReason() {
      return reason;
    }

    public void setReason(String reason) {
      this.reason = reason;
    }

    public String getMessage() {
      return message;
    }

    public void setMessage(String message) {
      this.message = message;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SubCondition c
          && Objects.equals(type, c.type)
          && Objects.equals(status, c.status)
          && Objects.equals(reason, c.reason)
          && Objects.equals(message, c.message);
    }

    @Override
    public int hashCode() {
      return Objects.hash(type, status, reason, message);
    }
  }
}
