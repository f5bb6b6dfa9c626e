package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Contour's status of an ExtensionService: a {@code Valid} condition with the errors that make it
 * invalid and the fields it ignores.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class ExtensionServiceStatus extends UnknownFields {
  private List<HTTPProxyStatus.DetailedCondition> conditions = new ArrayList<>();

  public List<HTTPProxyStatus.DetailedCondition> getConditions() {
    return conditions;
  }

  public void setConditions(List<HTTPProxyStatus.DetailedCondition> conditions) {
    this.conditions = conditions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExtensionServiceStatus s && Objects.equals(conditions, s.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(conditions);
  }
}
