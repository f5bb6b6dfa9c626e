package dev.gantry.api.crd.contour;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.gantry.api.crd.UnknownFields;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;

/**
 * How Envoy verifies the certificate of a service it speaks TLS to ({@code protocol: tls} or {@code
 * h2}): Contour's {@code services[].validation}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class UpstreamValidation extends UnknownFields {
  @JsonPropertyDescription(
      "A Secret (Opaque or kubernetes.io/tls) whose ca.crt holds the CAs the backend's"
          + " certificate must chain to: name, or namespace/name.")
  private String caSecret;

  @JsonPropertyDescription(
      "A name the backend's certificate must carry as a subject alternative name; also sent as"
          + " SNI. Deprecated in favour of subjectNames.")
  private String subjectName;

  @JsonPropertyDescription(
      "Names of which the backend's certificate must carry at least one as a subject alternative"
          + " name; the first must equal subjectName.")
  private List<String> subjectNames;

  public String getCaSecret() {
    return caSecret;
  }

  public void setCaSecret(String caSecret) {
    this.caSecret = caSecret;
  }

  public String getSubjectName() {
    return subjectName;
  }

  public void setSubjectName(String subjectName) {
    this.subjectName = subjectName;
  }

  public List<String> getSubjectNames() {
    return subjectNames;
  }

  public void setSubjectNames(List<String> subjectNames) {
    this.subjectNames = subjectNames;
  }
}
