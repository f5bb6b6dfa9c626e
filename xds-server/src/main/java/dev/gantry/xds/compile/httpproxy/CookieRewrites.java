package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.CookieRewritePolicy;
import dev.gantry.xds.ir.CookieRewrite;
import dev.gantry.xds.ir.ProxyVerdict;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code cookieRewritePolicies} of a route or a route service, as Contour reads them: each
 * cookie once, each rule rewriting at least one attribute, with the values Contour's CRD admits
 * (checked here too, as our CRD does not hold its patterns). Anything else is {@code
 * RouteError}/{@code CookieRewritePoliciesInvalid}, Contour's type and reason for both places.
 * Pure.
 */
final class CookieRewrites {
  static final String REASON = "CookieRewritePoliciesInvalid";

  // Contour's CRD patterns: a cookie name is an RFC 6265 token; a path holds no ';' nor control
  // characters; a domain is a lower-case DNS name.
  private static final Pattern NAME =
      Pattern.compile("[^()<>@,;:\\\\\"/\\[\\]?={} \\t\\x7f\\x00-\\x1f]+");
  private static final Pattern PATH = Pattern.compile("[^;\\x7f\\x00-\\x1f]+");
  private static final Pattern DOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Set<String> SAME_SITE = Set.of("Strict", "Lax", "None");
  private static final int MAX_LENGTH = 4096;

  private CookieRewrites() {}

  /**
   * The rules of {@code policies} (null: none), in order; empty with errors added when one does not
   * hold. {@code of} is "route" or "service", as Contour's messages say.
   */
  static List<CookieRewrite> parse(
      List<CookieRewritePolicy> policies,
      String where,
      String of,
      List<ProxyVerdict.Error> errors) {
    if (policies == null || policies.isEmpty()) {
      return List.of();
    }
    List<CookieRewrite> rules = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < policies.size(); i++) {
      String at = where + ".cookieRewritePolicies[" + i + "]";
      String problem = problem(policies.get(i), names);
      if (problem != null) {
        errors.add(
            new ProxyVerdict.Error(
                ProxyVerdict.ROUTE_ERROR,
                REASON,
                at + ": " + problem + " on " + of + " cookie rewrite rules"));
        return List.of();
      }
      CookieRewritePolicy p = policies.get(i);
      rules.add(
          new CookieRewrite(
              p.getName(),
              p.getPathRewrite() == null ? null : p.getPathRewrite().getValue(),
              p.getDomainRewrite() == null ? null : p.getDomainRewrite().getValue(),
              p.getSecure(),
              p.getSameSite()));
    }
    return List.copyOf(rules);
  }

  /** What is wrong with {@code p}, or null; its name joins {@code names} when it is valid. */
  private static String problem(CookieRewritePolicy p, Set<String> names) {
    if (p == null) {
      return "the rule is empty";
    }
    String name = p.getName();
    if (!valid(NAME, name)) {
      return "cookie name " + quoted(name) + " is not a cookie name";
    }
    if (!names.add(name)) {
      return "duplicate cookie rewrite rule for cookie " + quoted(name);
    }
    if (p.getPathRewrite() == null
        && p.getDomainRewrite() == null
        && p.getSecure() == null
        && p.getSameSite() == null) {
      return "no attributes rewritten for cookie " + quoted(name);
    }
    if (p.getPathRewrite() != null && !valid(PATH, p.getPathRewrite().getValue())) {
      return "pathRewrite.value "
          + quoted(p.getPathRewrite().getValue())
          + " must be 1-4096 characters without ';' or control characters";
    }
    if (p.getDomainRewrite() != null && !valid(DOMAIN, p.getDomainRewrite().getValue())) {
      return "domainRewrite.value "
          + quoted(p.getDomainRewrite().getValue())
          + " is not a lower-case DNS name";
    }
    if (p.getSameSite() != null && !SAME_SITE.contains(p.getSameSite())) {
      return "sameSite " + quoted(p.getSameSite()) + " is not Strict, Lax or None";
    }
    return null;
  }

  private static boolean valid(Pattern pattern, String value) {
    return value != null && value.length() <= MAX_LENGTH && pattern.matcher(value).matches();
  }

  private static String quoted(String s) {
    if (s == null) {
      return "null";
    }
    String shown = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    StringBuilder out = new StringBuilder("\"");
    shown
        .codePoints()
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.append('"').toString();
  }
}
