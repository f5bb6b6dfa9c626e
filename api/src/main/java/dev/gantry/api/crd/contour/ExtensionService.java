package dev.gantry.api.crd.contour;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Contour's ExtensionService ({@code projectcontour.io/v1alpha1}): a gRPC service Envoy calls on
 * its own, such as an external authorization server that HTTPProxies name in {@code
 * spec.virtualhost.authorization}. Field names follow Contour's CRD so existing objects apply
 * unchanged.
 */
@Group("projectcontour.io")
@Version("v1alpha1")
@Kind("ExtensionService")
@Plural("extensionservices")
@ShortNames({"extensionservice", "extensionservices"})
public class ExtensionService extends CustomResource<ExtensionServiceSpec, ExtensionServiceStatus>
    implements Namespaced {
  public static final String CRD_NAME = "extensionservices.projectcontour.io";

  /** The {@code apiVersion} an {@code extensionRef} names, as Contour requires it. */
  public static final String API_VERSION = "projectcontour.io/v1alpha1";

  private static final long serialVersionUID = 1L;
}
