package dev.gantry.xds.compile.httpproxy;

import dev.gantry.xds.ir.ProxyVerdict;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the compiler found about one proxy, over every delegation chain that reaches it: errors in
 * order without repeats, and whether one of them keeps the proxy's own routes from serving. Include
 * errors do not: like Contour, the proxy keeps serving its other routes.
 */
final class Findings {
  final Set<ProxyVerdict.Error> errors = new LinkedHashSet<>();
  final Set<ProxyVerdict.Error> warnings = new LinkedHashSet<>();
  private boolean blocked;

  /** An error that leaves the proxy's routes serving (an include's). */
  void add(ProxyVerdict.Error error) {
    errors.add(error);
  }

  /** Errors that keep the proxy's own routes from serving. */
  void fatal(List<ProxyVerdict.Error> found) {
    errors.addAll(found);
    blocked |= !found.isEmpty();
  }

  boolean blocked() {
    return blocked;
  }

  /** What an earlier compilation found, when its result is reused. */
  void restore(
      List<ProxyVerdict.Error> errors, List<ProxyVerdict.Error> warnings, boolean blocked) {
    this.errors.addAll(errors);
    this.warnings.addAll(warnings);
    this.blocked |= blocked;
  }
}
