package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.ArrayList;
import java.util.List;

/**
 * An include: another HTTPProxy, by name and namespace, whose routes are served under this proxy's
 * conditions.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class Include extends UnknownFields {
  @JsonPropertyDescription("Name of the included HTTPProxy.")
  private String name;

  @JsonPropertyDescription(
      "Namespace of the included HTTPProxy; this proxy's namespace when empty.")
  private String namespace;

  @JsonPropertyDescription(
      "Conditions (a prefix, headers) prepended to every route of the included proxy.")
  private List<HTTPProxySpec.MatchCondition> conditions = new ArrayList<>();

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public List<HTTPProxySpec.MatchCondition> getConditions() {
    return conditions;
  }

  public void setConditions(List<HTTPProxySpec.MatchCondition> conditions) {
    this.conditions = conditions;
  }
}
