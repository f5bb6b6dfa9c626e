package dev.gantry.xds.compile.gateway;

import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.Re2Regexes;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An HTTPRoute match as a {@link RoutingTable.Match}, and the order the spec gives matches across
 * every route of a host. Path {@code PathPrefix} matches whole path elements, a trailing "/"
 * ignored; the method is the {@code :method} header; of several header (or query) matches of one
 * name the first counts, as the spec says.
 */
final class RouteMatches {
  static final String METHOD = ":method";

  private RouteMatches() {}

  /** A match and what ranks it, before any rewrite splits it. */
  record Ranked(RoutingTable.Match match, String written, String pathType, boolean method) {
    int pathRank() {
      return switch (pathType) {
        case "Exact" -> 0;
        case "RegularExpression" -> 1;
        default -> 2;
      };
    }

    long headers() {
      return match.headers().stream().filter(h -> !h.name().equals(METHOD)).count();
    }
  }

  /**
   * The spec's precedence: an exact path, then (as Contour) a regular expression, then the longest
   * prefix; a method; more headers; more query parameters. Ties go to the older route, then by
   * namespace/name, then in rule and match order (the caller's stable sort).
   */
  static final Comparator<Ranked> PRECEDENCE =
      Comparator.comparingInt(Ranked::pathRank)
          .thenComparing(r -> -r.written().length())
          .thenComparing(r -> !r.method())
          .thenComparing(r -> -r.headers())
          .thenComparing(r -> -r.match().queries().size());

  static Outcome<Ranked> of(HTTPRouteMatch m, String where) {
    if (m != null && !m.getAdditionalProperties().isEmpty()) {
      return unsupported(where + "." + m.getAdditionalProperties().keySet() + " is not supported");
    }
    HTTPPathMatch path = m == null ? null : m.getPath();
    String type = path == null || path.getType() == null ? "PathPrefix" : path.getType();
    String value = path == null || path.getValue() == null ? "/" : path.getValue();
    RoutingTable.PathKind kind;
    String written = value;
    switch (type) {
      case "Exact" -> {
        if (!value.startsWith("/")) {
          return unsupported(where + ".path.value \"" + value + "\" must start with /");
        }
        kind = RoutingTable.PathKind.EXACT;
      }
      case "PathPrefix" -> {
        if (!value.startsWith("/") || value.contains("?") || value.contains("#")) {
          return unsupported(where + ".path.value \"" + value + "\" is not a path prefix");
        }
        written = value.replaceAll("/+$", "");
        kind =
            written.isEmpty() ? RoutingTable.PathKind.PREFIX : RoutingTable.PathKind.SEGMENT_PREFIX;
        written = written.isEmpty() ? "/" : written;
      }
      case "RegularExpression" -> {
        String problem = Re2Regexes.problem(value);
        if (problem != null) {
          return unsupported(where + ".path.value: " + problem);
        }
        kind = RoutingTable.PathKind.REGEX;
      }
      default -> {
        return unsupported(where + ".path.type " + type + " is not supported");
      }
    }
    List<RoutingTable.HeaderMatch> headers = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<HTTPHeaderMatch> hs = m == null || m.getHeaders() == null ? List.of() : m.getHeaders();
    for (int i = 0; i < hs.size(); i++) {
      HTTPHeaderMatch h = hs.get(i);
      String at = where + ".headers[" + i + "]";
      if (h.getName() == null || !Syntax.token(h.getName())) {
        return unsupported(at + ".name \"" + h.getName() + "\" is not a header name");
      }
      if (!seen.add(h.getName().toLowerCase(Locale.ROOT))) {
        continue;
      }
      RoutingTable.ValueKind vk = valueKind(h.getType(), h.getValue(), at);
      if (vk == null) {
        return unsupported(at + ": type " + h.getType() + " or its value is not supported");
      }
      headers.add(
          new RoutingTable.HeaderMatch(
              h.getName().toLowerCase(Locale.ROOT), vk, h.getValue(), false, false));
    }
    boolean method = m != null && m.getMethod() != null;
    if (method) {
      headers.add(
          new RoutingTable.HeaderMatch(
              METHOD, RoutingTable.ValueKind.EXACT, m.getMethod(), false, false));
    }
    List<RoutingTable.QueryMatch> queries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<HTTPQueryParamMatch> qs =
        m == null || m.getQueryParams() == null ? List.of() : m.getQueryParams();
    for (int i = 0; i < qs.size(); i++) {
      HTTPQueryParamMatch q = qs.get(i);
      String at = where + ".queryParams[" + i + "]";
      if (q.getName() == null || q.getName().isEmpty()) {
        return unsupported(at + ".name is empty");
      }
      if (!names.add(q.getName())) {
        continue;
      }
      RoutingTable.ValueKind vk = valueKind(q.getType(), q.getValue(), at);
      if (vk == null) {
        return unsupported(at + ": type " + q.getType() + " or its value is not supported");
      }
      queries.add(new RoutingTable.QueryMatch(q.getName(), vk, q.getValue(), false));
    }
    return Outcome.of(
        new Ranked(new RoutingTable.Match(kind, written, headers, queries), written, type, method));
  }

  private static RoutingTable.ValueKind valueKind(String type, String value, String where) {
    if (value == null) {
      return null;
    }
    String t = type == null ? "Exact" : type;
    return switch (t) {
      case "Exact" -> RoutingTable.ValueKind.EXACT;
      case "RegularExpression" ->
          Re2Regexes.problem(value) == null ? RoutingTable.ValueKind.REGEX : null;
      default -> null;
    };
  }

  static <T> Outcome<T> unsupported(String message) {
    return Outcome.failed(new ProxyVerdict.Error("Accepted", "UnsupportedValue", message));
  }
}
