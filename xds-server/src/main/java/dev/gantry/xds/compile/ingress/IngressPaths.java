package dev.gantry.xds.compile.ingress;

import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.ServiceResolver;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import java.util.Comparator;
import java.util.List;

/**
 * Reads one Ingress path into the routing model: its path and {@code pathType} as a {@link
 * RoutingTable.Match}, its backend as an {@link Upstream}. Each step fails with a message naming
 * the field. Pure.
 */
final class IngressPaths {
  static final String IMPLEMENTATION_SPECIFIC = "ImplementationSpecific";

  /**
   * Envoy takes the first route that matches: exact paths first, then prefixes, longest first; of a
   * path-element prefix and a plain prefix of the same path the path-element one first, as Contour
   * orders them: it is the more specific, and after the plain one it would never match. Ingress
   * matches have no header or query conditions.
   */
  static final Comparator<RoutingTable.Route> ORDER =
      Comparator.comparing(
          RoutingTable.Route::match,
          Comparator.comparing(
                  (RoutingTable.Match m) -> m.pathKind() != RoutingTable.PathKind.EXACT)
              .thenComparing(m -> -m.path().length())
              .thenComparing(RoutingTable.Match::path)
              .thenComparing(m -> m.pathKind() != RoutingTable.PathKind.SEGMENT_PREFIX));

  private IngressPaths() {}

  /** The path as written, "/" when empty (Kubernetes: all paths). */
  static String path(HTTPIngressPath p) {
    return p.getPath() == null || p.getPath().isEmpty() ? "/" : p.getPath();
  }

  /** The path type, ImplementationSpecific when unset (as Contour). */
  static String type(HTTPIngressPath p) {
    return p.getPathType() == null ? IMPLEMENTATION_SPECIFIC : p.getPathType();
  }

  /**
   * The match of a path. As Contour does: {@code Exact} is an exact path; {@code Prefix} matches by
   * whole path elements, ignoring a trailing "/" ({@code Prefix /} matches everything, a plain
   * prefix); {@code ImplementationSpecific} is a plain string prefix.
   */
  static Outcome<RoutingTable.Match> match(HTTPIngressPath p, String where) {
    String path = path(p);
    String type = type(p);
    if (!path.startsWith("/")) {
      return failed(where + ".path \"" + path + "\" must start with /");
    }
    return switch (type) {
      case "Exact" -> Outcome.of(match(RoutingTable.PathKind.EXACT, path));
      case "Prefix" -> prefix(path, where);
      case IMPLEMENTATION_SPECIFIC -> Outcome.of(RoutingTable.Match.prefix(path));
      default ->
          failed(
              where
                  + ".pathType \""
                  + type
                  + "\" is not one of Exact, Prefix, ImplementationSpecific");
    };
  }

  private static Outcome<RoutingTable.Match> prefix(String path, String where) {
    if (path.contains("?") || path.contains("#")) {
      return failed(where + ".path \"" + path + "\" contains ? or #");
    }
    String trimmed = path.replaceAll("/+$", "");
    return Outcome.of(
        trimmed.isEmpty()
            ? RoutingTable.Match.prefix("/")
            : match(RoutingTable.PathKind.SEGMENT_PREFIX, trimmed));
  }

  private static RoutingTable.Match match(RoutingTable.PathKind kind, String path) {
    return new RoutingTable.Match(kind, path, List.of(), List.of());
  }

  /** The upstream of a service backend in namespace {@code ns}, resolved once. */
  static Outcome<Upstream> backend(
      String ns,
      IngressBackend backend,
      String where,
      FederationSnapshot snapshot,
      ExternalNames externalNames) {
    if (backend == null || (backend.getService() == null && backend.getResource() == null)) {
      return failed(where + " has no service");
    }
    if (backend.getResource() != null) {
      return failed(where + ": resource backends are not supported");
    }
    IngressServiceBackend s = backend.getService();
    if (s.getName() == null || s.getName().isBlank()) {
      return failed(where + ".service.name is empty");
    }
    Integer number = s.getPort() == null ? null : s.getPort().getNumber();
    String name = s.getPort() == null ? null : s.getPort().getName();
    if (name != null && name.isEmpty()) {
      name = null;
    }
    if ((number == null) == (name == null)) {
      return failed(where + ".service.port needs exactly one of number, name");
    }
    if (number != null && (number < 1 || number > 65535)) {
      return failed(where + ".service.port.number " + number + " is not 1-65535");
    }
    return ServiceResolver.resolve(ns, s.getName(), number, name, snapshot, externalNames, where);
  }

  private static <T> Outcome<T> failed(String message) {
    return Outcome.failed(
        new ProxyVerdict.Error(ProxyVerdict.ROUTE_ERROR, "IngressPathInvalid", message));
  }
}
