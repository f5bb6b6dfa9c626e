package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.UnknownFields;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.xds.ir.ProxyVerdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The fields of an HTTPProxy that Gantry does not implement (those of Contour's CRD beyond our
 * model, or any other): a field that restricts who may reach what (e.g. an authorization field of a
 * newer CRD) makes the proxy invalid, for served without it the proxy would be open to everyone;
 * any other is a warning that names it.
 */
final class UnimplementedFields {
  static final String REASON = "NotImplemented";

  /** Names of Contour's fields that restrict access, wherever they appear in the spec. */
  private static final Set<String> RESTRICTING = Set.of("authorization", "authPolicy");

  private UnimplementedFields() {}

  /** What {@link #of} found: errors for restricting fields, warnings for the others. */
  record Found(List<ProxyVerdict.Error> errors, List<ProxyVerdict.Error> warnings) {
    Found {
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
    }
  }

  /** The fields of {@code proxy}'s spec that the model does not hold, in path order. */
  static Found of(HTTPProxy proxy) {
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    List<ProxyVerdict.Error> warnings = new ArrayList<>();
    if (proxy.getSpec() == null) {
      return new Found(errors, warnings);
    }
    for (String path : UnknownFields.collect(proxy.getSpec(), "spec").keySet()) {
      String field = path.substring(path.lastIndexOf('.') + 1);
      if (RESTRICTING.contains(field)) {
        errors.add(
            new ProxyVerdict.Error(
                ProxyVerdict.SPEC_ERROR,
                REASON,
                path
                    + " is not implemented by Gantry: the proxy is not served rather than served"
                    + " without this restriction"));
      } else {
        warnings.add(
            new ProxyVerdict.Error(
                ProxyVerdict.SPEC_ERROR,
                REASON,
                path + " is not implemented by Gantry and is ignored"));
      }
    }
    return new Found(errors, warnings);
  }
}
