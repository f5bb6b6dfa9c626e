package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.xds.compile.Re2Regexes;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable.HeaderMatch;
import dev.gantry.xds.ir.RoutingTable.Match;
import dev.gantry.xds.ir.RoutingTable.PathKind;
import dev.gantry.xds.ir.RoutingTable.QueryMatch;
import dev.gantry.xds.ir.RoutingTable.ValueKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A route's {@code conditions} as one {@link Match}, validated as Contour does: each condition is
 * exactly one of a path ({@code prefix}, {@code exact}, {@code regex}), a {@code header} or a
 * {@code queryParameter}; at most one path condition; header and query conditions complete and not
 * contradicting each other; regular expressions valid for Envoy's RE2. Errors are added to the list
 * and make the result null; nothing is thrown.
 */
public final class MatchConditions {
  static final String PATH = "PathMatchConditionsNotValid";
  static final String HEADER = "HeaderMatchConditionsNotValid";
  static final String QUERY = "QueryParameterMatchConditionsNotValid";

  /** An HTTP header name (RFC 9110 token): Envoy compares nothing else with a header. */

  /** Envoy refuses a longer query parameter name ({@code QueryParameterMatcher.name}). */
  static final int MAX_QUERY_NAME_BYTES = 1024;

  /**
   * Envoy tries routes in order: exact paths, then regexes, then prefixes (plain and path-element
   * ones together, so the longest wins as Ingress asks), longest first.
   */
  public static final Comparator<Match> ENVOY_ORDER =
      Comparator.comparing(
              (Match m) ->
                  switch (m.pathKind()) {
                    case EXACT -> 0;
                    case REGEX -> 1;
                    case PREFIX, SEGMENT_PREFIX -> 2;
                  })
          .thenComparing(m -> -m.path().length())
          .thenComparing(Match::path)
          .thenComparing(m -> -(m.headers().size() + m.queries().size()))
          .thenComparing(Match::toString);

  private MatchConditions() {}

  /**
   * What the includes on the way from the root add to every route of an included proxy: their
   * prefixes, joined ("" for none), and their header and query conditions.
   */
  public record Inherited(String prefix, List<HeaderMatch> headers, List<QueryMatch> queries) {
    public static final Inherited NONE = new Inherited("", List.of(), List.of());

    public Inherited {
      headers = List.copyOf(headers);
      queries = List.copyOf(queries);
    }

    Inherited plus(Inherited more) {
      List<HeaderMatch> h = new ArrayList<>(headers);
      h.addAll(more.headers);
      List<QueryMatch> q = new ArrayList<>(queries);
      q.addAll(more.queries);
      return new Inherited(collapse(prefix + more.prefix), h, q);
    }

    /** The match of a route with no conditions of its own, as the 502 of a missing include. */
    public Match match() {
      return new Match(
          PathKind.PREFIX,
          prefix.isEmpty() ? "/" : prefix,
          headers.stream().sorted(Comparator.comparing(HeaderMatch::toString)).toList(),
          queries.stream().sorted(Comparator.comparing(QueryMatch::toString)).toList());
    }
  }

  /**
   * An include's conditions, validated as Contour does: a prefix (at most one, starting with /),
   * headers and query parameters; exact and regex paths are not allowed. Null when invalid.
   */
  public static Inherited include(
      List<HTTPProxySpec.MatchCondition> conditions,
      String where,
      List<ProxyVerdict.Error> errors) {
    int before = errors.size();
    String prefix = "";
    int prefixes = 0;
    List<HeaderMatch> headers = new ArrayList<>();
    List<QueryMatch> queries = new ArrayList<>();
    List<HTTPProxySpec.MatchCondition> list = conditions == null ? List.of() : conditions;
    for (int i = 0; i < list.size(); i++) {
      HTTPProxySpec.MatchCondition c = list.get(i);
      String cwhere = where + ".conditions[" + i + "]";
      String shape = oneKind(c, "prefix, header, queryParameter");
      if (shape != null) {
        errors.add(includeError(cwhere + shape));
      } else if (c.getExact() != null || c.getRegex() != null) {
        errors.add(
            includeError(cwhere + ": exact and regex conditions are not allowed in includes"));
      } else if (c.getHeader() != null) {
        HeaderMatch h = header(c.getHeader(), cwhere + ".header", errors);
        if (h != null) {
          headers.add(h);
        }
      } else if (c.getQueryParameter() != null) {
        QueryMatch q = query(c.getQueryParameter(), cwhere + ".queryParameter", errors);
        if (q != null) {
          queries.add(q);
        }
      } else if (++prefixes > 1) {
        errors.add(includeError(cwhere + ": more than one prefix"));
      } else if (!c.getPrefix().startsWith("/")) {
        errors.add(includeError(cwhere + ": prefix \"" + c.getPrefix() + "\" must start with /"));
      } else {
        prefix = c.getPrefix();
      }
    }
    contradictions(headers, where, errors);
    queryDuplicates(queries, where, errors);
    return errors.size() > before ? null : new Inherited(collapse(prefix), headers, queries);
  }

  /** Contour joins the prefixes of a delegation chain and folds repeated slashes. */
  static String collapse(String path) {
    return path.replaceAll("//+", "/");
  }

  public static Match parse(
      List<HTTPProxySpec.MatchCondition> conditions,
      String where,
      List<ProxyVerdict.Error> errors) {
    return parse(Inherited.NONE, conditions, where, errors);
  }

  /**
   * A route's conditions under what its includes add: the includes' prefix comes first (a route
   * regex is matched after the prefix, taken literally), their headers and query conditions join
   * the route's own.
   */
  public static Match parse(
      Inherited inherited,
      List<HTTPProxySpec.MatchCondition> conditions,
      String where,
      List<ProxyVerdict.Error> errors) {
    int before = errors.size();
    PathKind kind = PathKind.PREFIX;
    String path = "/";
    int paths = 0;
    List<HeaderMatch> headers = new ArrayList<>();
    List<QueryMatch> queries = new ArrayList<>();
    List<HTTPProxySpec.MatchCondition> list = conditions == null ? List.of() : conditions;
    for (int i = 0; i < list.size(); i++) {
      HTTPProxySpec.MatchCondition c = list.get(i);
      String cwhere = where + ".conditions[" + i + "]";
      String shape = oneKind(c, "prefix, exact, regex, header, queryParameter");
      if (shape != null) {
        errors.add(error(PATH, cwhere + shape));
        continue;
      }
      if (c.getHeader() != null) {
        HeaderMatch h = header(c.getHeader(), cwhere + ".header", errors);
        if (h != null) {
          headers.add(h);
        }
        continue;
      }
      if (c.getQueryParameter() != null) {
        QueryMatch q = query(c.getQueryParameter(), cwhere + ".queryParameter", errors);
        if (q != null) {
          queries.add(q);
        }
        continue;
      }
      if (++paths > 1) {
        errors.add(error(PATH, cwhere + ": more than one path condition (prefix, exact, regex)"));
        continue;
      }
      if (c.getPrefix() != null) {
        kind = PathKind.PREFIX;
        path = c.getPrefix();
        if (!path.startsWith("/")) {
          errors.add(error(PATH, cwhere + ": prefix \"" + path + "\" must start with /"));
        }
      } else if (c.getExact() != null) {
        kind = PathKind.EXACT;
        path = c.getExact();
        if (!path.startsWith("/")) {
          errors.add(error(PATH, cwhere + ": exact \"" + path + "\" must start with /"));
        }
      } else {
        kind = PathKind.REGEX;
        path = c.getRegex();
        String problem = regexProblem(path);
        if (problem != null) {
          errors.add(error(PATH, cwhere + ": regex " + problem));
        }
      }
    }
    if (!inherited.prefix().isEmpty()) {
      if (paths == 0) {
        path = inherited.prefix();
      } else if (kind == PathKind.REGEX) {
        path = Re2Regexes.quote(inherited.prefix()) + path;
        // The include's prefix adds to the program: the whole must still fit Envoy's limit.
        String problem = errors.size() > before ? null : regexProblem(path);
        if (problem != null) {
          errors.add(error(PATH, where + ": regex under the includes' prefix " + problem));
        }
      } else {
        path = collapse(inherited.prefix() + path);
      }
    }
    headers.addAll(0, inherited.headers());
    queries.addAll(0, inherited.queries());
    contradictions(headers, where, errors);
    queryDuplicates(queries, where, errors);
    if (errors.size() > before) {
      return null;
    }
    headers.sort(Comparator.comparing(HeaderMatch::toString));
    queries.sort(Comparator.comparing(QueryMatch::toString));
    return new Match(kind, path, headers, queries);
  }

  private static HeaderMatch header(
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
    String problem = regexProblem(h.getRegex());
    if (problem != null) {
      errors.add(error(HEADER, where + " \"" + name + "\": regex " + problem));
      return null;
    }
    return new HeaderMatch(name, ValueKind.REGEX, h.getRegex(), false, false);
  }

  private static QueryMatch query(
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
    String problem = regexProblem(q.getRegex());
    if (problem != null) {
      errors.add(error(QUERY, where + " \"" + name + "\": regex " + problem));
      return null;
    }
    return new QueryMatch(name, ValueKind.REGEX, q.getRegex(), false);
  }

  /** Conditions no request can meet together, as Contour rejects them. */
  private static void contradictions(
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

  private static void queryDuplicates(
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

  /** Null when Envoy (RE2) accepts {@code regex}, else why not. */
  static String regexProblem(String regex) {
    return Re2Regexes.problem(regex);
  }

  /**
   * Null when {@code c} is exactly one of a path, a header or a query condition; else what is wrong
   * with it, {@code allowed} naming what it may be.
   */
  private static String oneKind(HTTPProxySpec.MatchCondition c, String allowed) {
    int set =
        c == null
            ? 0
            : count(
                c.getPrefix(), c.getExact(), c.getRegex(), c.getHeader(), c.getQueryParameter());
    if (set == 1) {
      return null;
    }
    return (set == 0 ? " is empty: give one of " : " sets more than one of ") + allowed;
  }

  private static ProxyVerdict.Error includeError(String message) {
    return new ProxyVerdict.Error(ProxyVerdict.INCLUDE_ERROR, PATH, message);
  }

  private static int count(Object... values) {
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
