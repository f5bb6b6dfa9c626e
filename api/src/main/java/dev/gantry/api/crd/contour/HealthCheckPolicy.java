package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;

/**
 * HTTP active health checks of a route's services: a TCP proxy's numbers ({@link
 * TCPHealthCheckPolicy}), and what to ask.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class HealthCheckPolicy extends TCPHealthCheckPolicy {
  @JsonPropertyDescription("Path requested on each endpoint (required).")
  private String path;

  @JsonPropertyDescription("Host header of the check; contour-envoy-healthcheck when empty.")
  private String host;

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
}
