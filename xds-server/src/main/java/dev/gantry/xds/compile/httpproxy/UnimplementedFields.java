package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.UnknownFields;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.xds.ir.ProxyVerdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of an HTTPProxy that Gantry does not implement: those beyond our model (every field of
 * Contour's CRD is in it; a newer CRD's, or a field a loose CRD lets through, is not). Each makes
 * the proxy invalid: served without it, the proxy would not do what its author wrote (for a field
 * that restricts access, it would be open to everyone).
 */
final class UnimplementedFields {
  static final String REASON = "NotImplemented";

  private UnimplementedFields() {}

  /**
   * An error for each field of {@code proxy}'s spec that the model does not hold, in path order.
   */
  static List<ProxyVerdict.Error> of(HTTPProxy proxy) {
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    if (proxy.getSpec() == null) {
      return errors;
    }
    for (String path : UnknownFields.collect(proxy.getSpec(), "spec").keySet()) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SPEC_ERROR,
              REASON,
              path
                  + " is not implemented by Gantry: the proxy is not served rather than served"
                  + " without it"));
    }
    return errors;
  }
}
