package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;

/** HTTP active health checks of a route's services. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class HealthCheckPolicy extends UnknownFields {
  @JsonPropertyDescription("Path requested on each endpoint (required).")
  private String path;

  @JsonPropertyDescription("Host header of the check; contour-envoy-healthcheck when empty.")
  private String host;

  @JsonPropertyDescription("Seconds between checks (default 5).")
  private Long intervalSeconds;

  @JsonPropertyDescription("Seconds to wait for an answer (default 2).")
  private Long timeoutSeconds;

  @JsonPropertyDescription("Failed checks before an endpoint is unhealthy (default 3).")
  private Long unhealthyThresholdCount;

  @JsonPropertyDescription("Passed checks before an endpoint is healthy again (default 2).")
  private Long healthyThresholdCount;

  @JsonPropertyDescription(
      "Statuses that pass a check, each a range from start up to, not including, end (default:"
          + " 200 up to 300).")
  private List<StatusRange> expectedStatuses;

  public List<StatusRange> getExpectedStatuses() {
    return expectedStatuses;
  }

  public void setExpectedStatuses(List<StatusRange> expectedStatuses) {
    this.expectedStatuses = expectedStatuses;
  }

  /** A range of HTTP statuses: from {@code start} up to, not including, {@code end}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class StatusRange extends UnknownFields {
    private Long start;
    private Long end;

    public StatusRange() {}

    public StatusRange(Long start, Long end) {
      this.start = start;
      this.end = end;
    }

    public Long getStart() {
      return start;
    }

    public void setStart(Long start) {
      this.start = start;
    }

    public Long getEnd() {
      return end;
    }

    public void setEnd(Long end) {
      this.end = end;
    }
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public Long getIntervalSeconds() {
    return intervalSeconds;
  }

  public void setIntervalSeconds(Long intervalSeconds) {
    this.intervalSeconds = intervalSeconds;
  }

  public Long getTimeoutSeconds() {
    return timeoutSeconds;
  }

  public void setTimeoutSeconds(Long timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  public Long getUnhealthyThresholdCount() {
    return unhealthyThresholdCount;
  }

  public void setUnhealthyThresholdCount(Long unhealthyThresholdCount) {
    this.unhealthyThresholdCount = unhealthyThresholdCount;
  }

  public Long getHealthyThresholdCount() {
    return healthyThresholdCount;
  }

  public void setHealthyThresholdCount(Long healthyThresholdCount) {
    this.healthyThresholdCount = healthyThresholdCount;
  }
}
