package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.Re2Regexes;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable.HeaderMatch;
import dev.gantry.xds.ir.RoutingTable.Match;
import dev.gantry.xds.ir.RoutingTable.PathKind;
import dev.gantry.xds.ir.RoutingTable.QueryMatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A route's {@code conditions} as one {@link Match}, validated as Contour does: each condition is
 * exactly one of a path ({@code prefix}, {@code exact}, {@code regex}), a {@code header} or a
 * {@code queryParameter}; at most one path condition; header and query conditions complete and not
 * contradicting each other; regular expressions valid for Envoy's RE2. Errors make a failed
 * outcome; nothing is thrown.
 */
public final class MatchConditions {
  static final String PATH = "PathMatchConditionsNotValid";
  static final String HEADER = HeaderQueryConditions.HEADER;
  static final String QUERY = HeaderQueryConditions.QUERY;

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
   * headers and query parameters; exact and regex paths are not allowed.
   */
  public static Outcome<Inherited> include(
      List<HTTPProxySpec.MatchCondition> conditions, String where) {
    List<ProxyVerdict.Error> errors = new ArrayList<>();
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
      } else if (c.getHeader() != null || c.getQueryParameter() != null) {
        headerOrQuery(c, cwhere, headers, queries, errors);
      } else if (++prefixes > 1) {
        errors.add(includeError(cwhere + ": more than one prefix"));
      } else if (!c.getPrefix().startsWith("/")) {
        errors.add(includeError(cwhere + ": prefix \"" + c.getPrefix() + "\" must start with /"));
      } else {
        prefix = c.getPrefix();
      }
    }
    HeaderQueryConditions.contradictions(headers, where, errors);
    HeaderQueryConditions.queryDuplicates(queries, where, errors);
    String joined = collapse(prefix);
    return Outcome.unless(errors, () -> new Inherited(joined, headers, queries));
  }

  /** Adds the header or query condition {@code c} to its list when it is valid. */
  private static void headerOrQuery(
      HTTPProxySpec.MatchCondition c,
      String where,
      List<HeaderMatch> headers,
      List<QueryMatch> queries,
      List<ProxyVerdict.Error> errors) {
    if (c.getHeader() != null) {
      HeaderMatch h = HeaderQueryConditions.header(c.getHeader(), where + ".header", errors);
      if (h != null) {
        headers.add(h);
      }
    } else {
      QueryMatch q =
          HeaderQueryConditions.query(c.getQueryParameter(), where + ".queryParameter", errors);
      if (q != null) {
        queries.add(q);
      }
    }
  }

  /** Contour joins the prefixes of a delegation chain and folds repeated slashes. */
  static String collapse(String path) {
    return path.replaceAll("//+", "/");
  }

  public static Outcome<Match> parse(List<HTTPProxySpec.MatchCondition> conditions, String where) {
    return parse(Inherited.NONE, conditions, where);
  }

  /**
   * A route's conditions under what its includes add: the includes' prefix comes first (a route
   * regex is matched after the prefix, taken literally), their headers and query conditions join
   * the route's own.
   */
  public static Outcome<Match> parse(
      Inherited inherited, List<HTTPProxySpec.MatchCondition> conditions, String where) {
    RouteConditions route = new RouteConditions();
    List<HTTPProxySpec.MatchCondition> list = conditions == null ? List.of() : conditions;
    for (int i = 0; i < list.size(); i++) {
      route.add(list.get(i), where + ".conditions[" + i + "]");
    }
    route.under(inherited, where);
    return route.match(where);
  }

  /** A route's conditions as they are read, with the errors found so far. */
  private static final class RouteConditions {
    final List<ProxyVerdict.Error> errors = new ArrayList<>();
    final List<HeaderMatch> headers = new ArrayList<>();
    final List<QueryMatch> queries = new ArrayList<>();
    PathKind kind = PathKind.PREFIX;
    String path = "/";
    int paths;

    void add(HTTPProxySpec.MatchCondition c, String where) {
      String shape = oneKind(c, "prefix, exact, regex, header, queryParameter");
      if (shape != null) {
        errors.add(error(PATH, where + shape));
      } else if (c.getHeader() != null || c.getQueryParameter() != null) {
        headerOrQuery(c, where, headers, queries, errors);
      } else if (++paths > 1) {
        errors.add(error(PATH, where + ": more than one path condition (prefix, exact, regex)"));
      } else {
        path(c, where);
      }
    }

    private void path(HTTPProxySpec.MatchCondition c, String where) {
      if (c.getPrefix() != null) {
        kind = PathKind.PREFIX;
        path = c.getPrefix();
        if (!path.startsWith("/")) {
          errors.add(error(PATH, where + ": prefix \"" + path + "\" must start with /"));
        }
      } else if (c.getExact() != null) {
        kind = PathKind.EXACT;
        path = c.getExact();
        if (!path.startsWith("/")) {
          errors.add(error(PATH, where + ": exact \"" + path + "\" must start with /"));
        }
      } else {
        kind = PathKind.REGEX;
        path = c.getRegex();
        String problem = regexProblem(path);
        if (problem != null) {
          errors.add(error(PATH, where + ": regex " + problem));
        }
      }
    }

    /** Puts the path under the includes' prefix and adds their header and query conditions. */
    void under(Inherited inherited, String where) {
      if (!inherited.prefix().isEmpty()) {
        if (paths == 0) {
          path = inherited.prefix();
        } else if (kind == PathKind.REGEX) {
          path = Re2Regexes.quote(inherited.prefix()) + path;
          // The include's prefix adds to the program: the whole must still fit Envoy's limit.
          String problem = errors.isEmpty() ? regexProblem(path) : null;
          if (problem != null) {
            errors.add(error(PATH, where + ": regex under the includes' prefix " + problem));
          }
        } else {
          path = collapse(inherited.prefix() + path);
        }
      }
      headers.addAll(0, inherited.headers());
      queries.addAll(0, inherited.queries());
    }

    Outcome<Match> match(String where) {
      HeaderQueryConditions.contradictions(headers, where, errors);
      HeaderQueryConditions.queryDuplicates(queries, where, errors);
      headers.sort(Comparator.comparing(HeaderMatch::toString));
      queries.sort(Comparator.comparing(QueryMatch::toString));
      return Outcome.unless(errors, () -> new Match(kind, path, headers, queries));
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
            : HeaderQueryConditions.count(
                c.getPrefix(), c.getExact(), c.getRegex(), c.getHeader(), c.getQueryParameter());
    if (set == 1) {
      return null;
    }
    return (set == 0 ? " is empty: give one of " : " sets more than one of ") + allowed;
  }

  private static ProxyVerdict.Error includeError(String message) {
    return new ProxyVerdict.Error(ProxyVerdict.INCLUDE_ERROR, PATH, message);
  }

  private static ProxyVerdict.Error error(String reason, String message) {
    return new ProxyVerdict.Error(ProxyVerdict.ROUTE_ERROR, reason, message);
  }
}
