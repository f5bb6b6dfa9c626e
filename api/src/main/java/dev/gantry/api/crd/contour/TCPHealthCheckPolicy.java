package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/**
 * Contour's {@code tcpproxy.healthCheckPolicy}: Envoy connects to each endpoint to check it; also
 * the numbers of a route's HTTP checks ({@link HealthCheckPolicy}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class TCPHealthCheckPolicy extends UnknownFields {
  @JsonPropertyDescription("Seconds between checks (5 when unset or 0).")
  private Long intervalSeconds;

  @JsonPropertyDescription("Seconds to wait for a check (2 when unset or 0).")
  private Long timeoutSeconds;

  @JsonPropertyDescription("Failed checks before an endpoint is taken out (3 when unset or 0).")
  private Long unhealthyThresholdCount;

  @JsonPropertyDescription("Passed checks before it is put back (2 when unset or 0).")
  private Long healthyThresholdCount;

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
