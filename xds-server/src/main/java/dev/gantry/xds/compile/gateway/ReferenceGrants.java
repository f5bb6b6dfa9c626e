package dev.gantry.xds.compile.gateway;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantFrom;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantTo;
import java.util.List;
import java.util.Objects;

/**
 * Which references across namespaces the ReferenceGrants permit: a grant in the target's namespace
 * naming the referrer's group, kind and namespace and the target's group, kind and (when it names
 * one) name.
 */
final class ReferenceGrants {
  static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

  private final List<ReferenceGrant> grants;

  ReferenceGrants(List<ReferenceGrant> grants) {
    this.grants = List.copyOf(grants);
  }

  /** Whether {@code fromKind} objects of {@code fromNs} may refer to the target. */
  boolean permits(
      String fromGroup,
      String fromKind,
      String fromNs,
      String toGroup,
      String toKind,
      String toNs,
      String toName) {
    if (fromNs.equals(toNs)) {
      return true;
    }
    for (ReferenceGrant grant : grants) {
      if (grant.getMetadata() == null
          || !toNs.equals(grant.getMetadata().getNamespace())
          || grant.getSpec() == null
          || grant.getSpec().getFrom() == null
          || grant.getSpec().getTo() == null) {
        continue;
      }
      boolean from = false;
      for (ReferenceGrantFrom f : grant.getSpec().getFrom()) {
        from |=
            f != null
                && group(f.getGroup()).equals(fromGroup)
                && fromKind.equals(f.getKind())
                && fromNs.equals(f.getNamespace());
      }
      if (!from) {
        continue;
      }
      for (ReferenceGrantTo t : grant.getSpec().getTo()) {
        if (t != null
            && group(t.getGroup()).equals(toGroup)
            && toKind.equals(t.getKind())
            && (t.getName() == null
                || t.getName().isEmpty()
                || Objects.equals(t.getName(), toName))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The core group is written "" or left out. */
  static String group(String group) {
    return group == null ? "" : group;
  }
}
