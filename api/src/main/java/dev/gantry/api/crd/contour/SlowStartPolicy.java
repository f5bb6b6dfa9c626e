package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/**
 * Contour's {@code services[].slowStartPolicy}: new endpoints of the service get a growing share of
 * requests over a window (RoundRobin and WeightedLeastRequest only).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class SlowStartPolicy extends UnknownFields {
  @JsonPropertyDescription("How long a new endpoint ramps up, a Go duration (e.g. 30s).")
  private String window;

  @JsonPropertyDescription(
      "How fast the share grows, a decimal greater than 0 (1.0, linear, by default).")
  private String aggression;

  @JsonProperty("minWeightPercent")
  @JsonPropertyDescription("The share a new endpoint starts from, 0-100 percent (10 by default).")
  private Integer minimumWeightPercent;

  public String getWindow() {
    return window;
  }

  public void setWindow(String window) {
    this.window = window;
  }

  public String getAggression() {
    return aggression;
  }

  public void setAggression(String aggression) {
    this.aggression = aggression;
  }

  public Integer getMinimumWeightPercent() {
    return minimumWeightPercent;
  }

  public void setMinimumWeightPercent(Integer minimumWeightPercent) {
    this.minimumWeightPercent = minimumWeightPercent;
  }
}
