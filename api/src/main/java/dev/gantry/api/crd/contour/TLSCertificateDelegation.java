package dev.gantry.api.crd.contour;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Contour's TLSCertificateDelegation ({@code projectcontour.io/v1}): in the namespace of some
 * Secrets, lets HTTPProxies and Ingresses of other namespaces use them (certificates, CA bundles,
 * revocation lists). Field names follow Contour's CRD so existing objects apply unchanged.
 */
@Group("projectcontour.io")
@Version("v1")
@Kind("TLSCertificateDelegation")
@Plural("tlscertificatedelegations")
@ShortNames("tlscerts")
public class TLSCertificateDelegation
    extends CustomResource<TLSCertificateDelegationSpec, TLSCertificateDelegationStatus>
    implements Namespaced {
  public static final String CRD_NAME = "tlscertificatedelegations.projectcontour.io";
  private static final long serialVersionUID = 1L;
}
