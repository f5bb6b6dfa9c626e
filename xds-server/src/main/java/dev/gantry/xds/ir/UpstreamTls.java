package dev.gantry.xds.ir;

import java.util.List;
import java.util.Objects;

/**
 * What Envoy says and checks when it speaks TLS to a service's endpoints ({@code protocol: tls} or
 * {@code h2}): the server name it sends, and how it verifies the endpoint's certificate.
 *
 * @param sni the server name sent; null for none
 * @param validation the CA and names the endpoint's certificate must match; null to accept any
 *     certificate (Contour's behaviour without {@code validation})
 */
public record UpstreamTls(String sni, Validation validation) {
  /**
   * A service's {@code validation}: the endpoint's certificate must chain to {@code caPem} and
   * carry one of {@code subjectNames} as a DNS subject alternative name.
   *
   * @param caSecret the Secret the CA came from, {@code namespace/name}
   */
  public record Validation(String caSecret, String caPem, List<String> subjectNames) {
    public Validation {
      Objects.requireNonNull(caSecret, "caSecret");
      Objects.requireNonNull(caPem, "caPem");
      subjectNames = List.copyOf(subjectNames);
      if (subjectNames.isEmpty()) {
        throw new IllegalArgumentException("validation needs a subject name");
      }
    }

    /** Never prints the CA. */
    @Override
    public String toString() {
      return "Validation[" + caSecret + " " + subjectNames + "]";
    }
  }

  /** What tells this TLS apart from another in a cluster name: not the CA's content. */
  public String identity() {
    return "sni="
        + (sni == null ? "" : sni)
        + (validation == null
            ? ""
            : ";ca="
                + validation.caSecret()
                + ";names="
                + String.join(",", validation.subjectNames()));
  }
}
