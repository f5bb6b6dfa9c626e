package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.ArrayList;
import java.util.List;

/** Which Secrets of the object's namespace other namespaces may use. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class TLSCertificateDelegationSpec extends UnknownFields {
  @JsonPropertyDescription("Each a Secret of this namespace and the namespaces that may use it.")
  private List<Delegation> delegations = new ArrayList<>();

  public List<Delegation> getDelegations() {
    return delegations;
  }

  public void setDelegations(List<Delegation> delegations) {
    this.delegations = delegations;
  }

  /** One Secret and the namespaces that may use it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @PreserveUnknownFields
  public static class Delegation extends UnknownFields {
    @JsonPropertyDescription("The Secret's name, in this object's namespace.")
    private String secretName;

    @JsonPropertyDescription(
        "The namespaces whose HTTPProxies and Ingresses may use the Secret; [\"*\"] is every"
            + " namespace.")
    private List<String> targetNamespaces = new ArrayList<>();

    public Delegation() {}

    public Delegation(String secretName, List<String> targetNamespaces) {
      this.secretName = secretName;
      this.targetNamespaces = new ArrayList<>(targetNamespaces);
    }

    public String getSecretName() {
      return secretName;
    }

    public void setSecretName(String secretName) {
      this.secretName = secretName;
    }

    public List<String> getTargetNamespaces() {
      return targetNamespaces;
    }

    public void setTargetNamespaces(List<String> targetNamespaces) {
      this.targetNamespaces = targetNamespaces;
    }
  }
}
