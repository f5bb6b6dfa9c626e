package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.xds.compile.Re2Regexes;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable.HeaderMatch;
import dev.gantry.xds.ir.RoutingTable.QueryMatch;
import dev.gantry.xds.ir.RoutingTable.ValueKind;
import java.util.List;
import java.util.Locale;

/**
 * The header and query parameter conditions of routes and includes, validated as Contour does:
 * complete, not contradicting each other, regular expressions valid for Envoy's RE2. Each check
 * adds its errors to the list of the conditions it belongs to.
 */
final class HeaderQueryConditions {
  static final String HEADER = "HeaderMatchConditionsNotValid";
  static final String QUERY = "QueryParameterMatchConditionsNotValid";

  /** Envoy refuses a longer query parameter name ({@code QueryParameterMatcher.name}). */
  static final int MAX_QUERY_NAME_BYTES = 1024;

  private HeaderQueryConditions() {}

  static HeaderMatch header(
      HTTPProxySpec.HeaderMatchCondition h, String where, List<ProxyVerdict.Error> errors) {
    if (h.getName() == null || h.getName().isBlank()) {
      errors.add(error(HEADER, where + ": name is required"));
      return null;
    }
    String name = h.getName().strip().toLowerCase(Locale.ROOT);
    if (!Syntax.token(name)) {
      errors.add(error(HEADER, where + ".name: \"" + name + "\" is not a valid header name"));
      return null;
    }
    int set =
        count(
            Boolean.TRUE.equals(h.getPresent()) ? "" : null,
            Boolean.TRUE.equals(h.getNotpresent()) ? "" : null,
            h.getContains(),
            h.getNotcontains(),
            h.getExact(),
            h.getNotexact(),
            h.getRegex());
    if (set != 1) {
      errors.add(
          error(
              HEADER,
              where
                  + " \""
                  + name
                  + "\": give exactly one of present, notpresent, contains, notcontains, exact,"
                  + " notexact, regex"));
      return null;
    }
    boolean ignoreCase = Boolean.TRUE.equals(h.getIgnoreCase());
    // Envoy refuses an empty contains matcher (StringMatcher.contains has min_len 1).
    for (String[] v :
        new String[][] {{"contains", h.getContains()}, {"notcontains", h.getNotcontains()}}) {
      if ("".equals(v[1])) {
        errors.add(error(HEADER, where + "." + v[0] + " of \"" + name + "\": must not be empty"));
        return null;
      }
    }
    return headerMatch(h, name, ignoreCase, where, errors);
  }

  /** The match of a header condition that sets exactly one way to compare. */
  private static HeaderMatch headerMatch(
      HTTPProxySpec.HeaderMatchCondition h,
      String name,
      boolean ignoreCase,
      String where,
      List<ProxyVerdict.Error> errors) {
    if (Boolean.TRUE.equals(h.getPresent())) {
      return new HeaderMatch(name, ValueKind.PRESENT, null, false, false);
    }
    if (Boolean.TRUE.equals(h.getNotpresent())) {
      return new HeaderMatch(name, ValueKind.PRESENT, null, false, true);
    }
    if (h.getContains() != null) {
      return new HeaderMatch(name, ValueKind.CONTAINS, h.getContains(), false, false);
    }
    boolean treatMissingAsEmpty = Boolean.TRUE.equals(h.getTreatMissingAsEmpty());
    if (h.getNotcontains() != null) {
      return new HeaderMatch(
          name, ValueKind.CONTAINS, h.getNotcontains(), false, true, treatMissingAsEmpty);
    }
    if (h.getNotexact() != null) {
      return new HeaderMatch(
          name, ValueKind.EXACT, h.getNotexact(), ignoreCase, true, treatMissingAsEmpty);
    }
    if (h.getExact() != null) {
      return new HeaderMatch(name, ValueKind.EXACT, h.getExact(), ignoreCase, false);
    }
    String problem = Re2Regexes.problem(h.getRegex());
    if (problem != null) {
      errors.add(error(HEADER, where + " \"" + name + "\": regex " + problem));
      return null;
    }
    return new HeaderMatch(name, ValueKind.REGEX, h.getRegex(), false, false);
  }

  static QueryMatch query(
      HTTPProxySpec.QueryParameterMatchCondition q, String where, List<ProxyVerdict.Error> errors) {
    if (q.getName() == null || q.getName().isBlank()) {
      errors.add(error(QUERY, where + ": name is required"));
      return null;
    }
    String name = q.getName();
    int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > MAX_QUERY_NAME_BYTES) {
      errors.add(
          error(
              QUERY,
              where
                  + ".name: "
                  + bytes
                  + " bytes long, more than Envoy's "
                  + MAX_QUERY_NAME_BYTES));
      return null;
    }
    int set =
        count(
            q.getExact(),
            q.getPrefix(),
            q.getSuffix(),
            q.getRegex(),
            q.getContains(),
            Boolean.TRUE.equals(q.getPresent()) ? "" : null);
    if (set != 1) {
      errors.add(
          error(
              QUERY,
              where
                  + " \""
                  + name
                  + "\": give exactly one of exact, prefix, suffix, regex, contains, present"));
      return null;
    }
    boolean ignoreCase = Boolean.TRUE.equals(q.getIgnoreCase());
    // Envoy refuses empty prefix, suffix and contains matchers (min_len 1).
    for (String[] v :
        new String[][] {
          {"prefix", q.getPrefix()}, {"suffix", q.getSuffix()}, {"contains", q.getContains()}
        }) {
      if ("".equals(v[1])) {
        errors.add(error(QUERY, where + "." + v[0] + " of \"" + name + "\": must not be empty"));
        return null;
      }
    }
    return queryMatch(q, name, ignoreCase, where, errors);
  }

  /** The match of a query parameter condition that sets exactly one way to compare. */
  private static QueryMatch queryMatch(
      HTTPProxySpec.QueryParameterMatchCondition q,
      String name,
      boolean ignoreCase,
      String where,
      List<ProxyVerdict.Error> errors) {
    if (q.getExact() != null) {
      return new QueryMatch(name, ValueKind.EXACT, q.getExact(), ignoreCase);
    }
    if (q.getPrefix() != null) {
      return new QueryMatch(name, ValueKind.PREFIX, q.getPrefix(), ignoreCase);
    }
    if (q.getSuffix() != null) {
      return new QueryMatch(name, ValueKind.SUFFIX, q.getSuffix(), ignoreCase);
    }
    if (q.getContains() != null) {
      return new QueryMatch(name, ValueKind.CONTAINS, q.getContains(), ignoreCase);
    }
    if (Boolean.TRUE.equals(q.getPresent())) {
      return new QueryMatch(name, ValueKind.PRESENT, null, false);
    }
    String problem = Re2Regexes.problem(q.getRegex());
    if (problem != null) {
      errors.add(error(QUERY, where + " \"" + name + "\": regex " + problem));
      return null;
    }
    return new QueryMatch(name, ValueKind.REGEX, q.getRegex(), false);
  }

  /** Conditions no request can meet together, as Contour rejects them. */
  static void contradictions(
      List<HeaderMatch> headers, String where, List<ProxyVerdict.Error> errors) {
    for (int i = 0; i < headers.size(); i++) {
      for (int j = i + 1; j < headers.size(); j++) {
        HeaderMatch a = headers.get(i);
        HeaderMatch b = headers.get(j);
        if (!a.name().equals(b.name())) {
          continue;
        }
        if (a.kind() == ValueKind.EXACT
            && b.kind() == ValueKind.EXACT
            && !a.invert()
            && !b.invert()) {
          errors.add(
              error(
                  HEADER,
                  where + ": header \"" + a.name() + "\" has more than one exact condition"));
        } else if (a.kind() == b.kind()
            && a.invert() != b.invert()
            && java.util.Objects.equals(a.value(), b.value())) {
          errors.add(
              error(
                  HEADER,
                  where
                      + ": header \""
                      + a.name()
                      + "\" both must and must not "
                      + (a.kind() == ValueKind.PRESENT
                          ? "be present"
                          : (a.kind() == ValueKind.EXACT ? "equal" : "contain")
                              + " \""
                              + a.value()
                              + "\"")));
        }
      }
    }
  }

  static void queryDuplicates(
      List<QueryMatch> queries, String where, List<ProxyVerdict.Error> errors) {
    for (int i = 0; i < queries.size(); i++) {
      for (int j = i + 1; j < queries.size(); j++) {
        if (queries.get(i).name().equals(queries.get(j).name())
            && queries.get(i).kind() == ValueKind.EXACT
            && queries.get(j).kind() == ValueKind.EXACT) {
          errors.add(
              error(
                  QUERY,
                  where
                      + ": query parameter \""
                      + queries.get(i).name()
                      + "\" has more than one exact condition"));
        }
      }
    }
  }

  static int count(Object... values) {
    int n = 0;
    for (Object v : values) {
      if (v != null) {
        n++;
      }
    }
    return n;
  }

  private static ProxyVerdict.Error error(String reason, String message) {
    return new ProxyVerdict.Error(ProxyVerdict.ROUTE_ERROR, reason, message);
  }
}
