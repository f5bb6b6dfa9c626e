package dev.gantry.xds.compile;

import dev.gantry.api.crd.contour.TLSCertificateDelegation;
import dev.gantry.api.crd.contour.TLSCertificateDelegationSpec;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.tls.TlsSecrets;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
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

  /**
   * By Secret ({@code namespace/name}): the target namespace lists of its delegations, each sorted,
   * as a set, so that the order objects are listed in does not make two equal values differ (and
   * cost a build).
   */
  private final Map<String, Set<List<String>>> bySecret;

  private Delegations(Map<String, Set<List<String>>> bySecret) {
    this.bySecret = bySecret;
  }

  public static Delegations of(Collection<TLSCertificateDelegation> delegations) {
    Map<String, Set<List<String>>> bySecret = new HashMap<>();
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
            .computeIfAbsent(ns + "/" + one.getSecretName(), k -> new HashSet<>())
            .add(one.getTargetNamespaces().stream().filter(t -> t != null).sorted().toList());
      }
    }
    bySecret.replaceAll((k, v) -> Set.copyOf(v));
    return bySecret.isEmpty() ? NONE : new Delegations(Map.copyOf(bySecret));
  }

  /** Whether an object of {@code namespace} may use the Secret {@code secretKey}. */
  public boolean permits(String secretKey, String namespace) {
    if (secretKey.startsWith(namespace + "/")) {
      return true;
    }
    for (List<String> targets : bySecret.getOrDefault(secretKey, Set.of())) {
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

  /**
   * The certificate of the Secret a TLS host names ({@code written}, for an object of {@code
   * namespace}), or Contour's {@code TLSError} why not: {@code DelegationNotPermitted} or {@code
   * SecretNotValid}. For HTTPProxies and Ingresses alike.
   */
  public Outcome<VirtualHostTls.Certificate> certificate(
      String written, String namespace, Map<String, TlsSecrets.Outcome> certificates) {
    String key = key(written, namespace);
    if (key == null) {
      return Outcome.failed(
          new ProxyVerdict.Error(
              ProxyVerdict.TLS_ERROR,
              "DelegationNotPermitted",
              "Spec.VirtualHost.TLS Secret \""
                  + written
                  + "\" certificate delegation not permitted"
                  + howToDelegate(written, namespace)));
    }
    TlsSecrets.Outcome outcome = certificates.getOrDefault(key, TlsSecrets.NOT_FOUND);
    if (outcome.error() != null) {
      return Outcome.failed(
          new ProxyVerdict.Error(
              ProxyVerdict.TLS_ERROR,
              "SecretNotValid",
              "Spec.VirtualHost.TLS Secret \""
                  + written
                  + "\" is invalid: "
                  + outcome.error()
                  + (outcome.error().equals("Secret not found")
                      ? " in namespace \"" + namespace + "\""
                      : "")));
    }
    return Outcome.of(outcome.certificate());
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
