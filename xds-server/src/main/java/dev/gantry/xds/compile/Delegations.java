package dev.gantry.xds.compile;

import dev.gantry.api.crd.contour.TLSCertificateDelegation;
import dev.gantry.api.crd.contour.TLSCertificateDelegationSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which Secrets TLSCertificateDelegations let other namespaces use, as Contour reads them: a
 * delegation in the Secret's namespace names the Secret and the target namespaces, where {@code
 * ["*"]} (that alone) is every namespace. A Secret of the referring object's own namespace needs
 * none. Immutable.
 */
public final class Delegations {
  public static final Delegations NONE = new Delegations(Map.of());

  /** By Secret ({@code namespace/name}): the target namespace lists of its delegations. */
  private final Map<String, List<List<String>>> bySecret;

  private Delegations(Map<String, List<List<String>>> bySecret) {
    this.bySecret = bySecret;
  }

  public static Delegations of(Collection<TLSCertificateDelegation> delegations) {
    Map<String, List<List<String>>> bySecret = new HashMap<>();
    for (TLSCertificateDelegation d : delegations) {
      if (d == null || d.getSpec() == null || d.getSpec().getDelegations() == null) {
        continue;
      }
      String ns = d.getMetadata().getNamespace();
      for (TLSCertificateDelegationSpec.Delegation one : d.getSpec().getDelegations()) {
        if (one == null || one.getSecretName() == null || one.getTargetNamespaces() == null) {
          continue;
        }
        bySecret
            .computeIfAbsent(ns + "/" + one.getSecretName(), k -> new ArrayList<>())
            .add(List.copyOf(one.getTargetNamespaces().stream().filter(t -> t != null).toList()));
      }
    }
    return bySecret.isEmpty() ? NONE : new Delegations(Map.copyOf(bySecret));
  }

  /** Whether an object of {@code namespace} may use the Secret {@code secretKey}. */
  public boolean permits(String secretKey, String namespace) {
    if (secretKey.startsWith(namespace + "/")) {
      return true;
    }
    for (List<String> targets : bySecret.getOrDefault(secretKey, List.of())) {
      if (targets.equals(List.of("*")) || Set.copyOf(targets).contains(namespace)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The {@code namespace/name} of the Secret written {@code written} ({@code name} in the object's
   * own namespace, or {@code namespace/name}) for an object of {@code namespace}; null when it is
   * another namespace's and not delegated to this one.
   */
  public String key(String written, String namespace) {
    String key = written.indexOf('/') < 0 ? namespace + "/" + written : written;
    return permits(key, namespace) ? key : null;
  }

  /** What a refusal adds to Contour's message: how to allow it. */
  public static String howToDelegate(String written, String namespace) {
    int slash = written.indexOf('/');
    return slash < 0
        ? ""
        : ": a TLSCertificateDelegation in namespace \""
            + written.substring(0, slash)
            + "\" must name Secret \""
            + written.substring(slash + 1)
            + "\" for namespace \""
            + namespace
            + "\"";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Delegations other && bySecret.equals(other.bySecret);
  }

  @Override
  public int hashCode() {
    return bySecret.hashCode();
  }
}
