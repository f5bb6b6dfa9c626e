package dev.gantry.xds.compile.gateway;

import dev.gantry.xds.ir.RoutingTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The host names a route serves through a listener, as the Gateway API spec intersects them: a
 * listener without a hostname takes the route's (every host when it has none); a route without
 * hostnames takes the listener's; otherwise each route hostname the listener's matches, the more
 * specific of the two ({@code *.example.com} and {@code foo.example.com} give {@code
 * foo.example.com}).
 */
final class Hostnames {
  private Hostnames() {}

  /** Sorted, lower-cased; {@link RoutingTable#ANY_HOST} for every host; empty: none match. */
  static List<String> intersect(String listener, List<String> route) {
    String l = listener == null || listener.isEmpty() ? null : listener.toLowerCase(Locale.ROOT);
    if (route.isEmpty()) {
      return List.of(l == null ? RoutingTable.ANY_HOST : l);
    }
    TreeSet<String> out = new TreeSet<>();
    for (String written : route) {
      String r = written.toLowerCase(Locale.ROOT);
      if (l == null) {
        out.add(r);
      } else if (l.equals(r)) {
        out.add(r);
      } else if (wildcard(l) && matches(l, r)) {
        out.add(r);
      } else if (wildcard(r) && matches(r, l)) {
        out.add(l);
      }
    }
    return new ArrayList<>(out);
  }

  /** Exact names over wildcards (the longer the more specific) over none. */
  static int specificity(String hostname) {
    if (hostname == null) {
      return 0;
    }
    return wildcard(hostname) ? hostname.length() : 1000;
  }

  static boolean wildcard(String host) {
    return host.startsWith("*.");
  }

  /**
   * Whether wildcard {@code pattern} ({@code *.example.com}) covers {@code host}: one or more
   * labels in front of its suffix ({@code a.b.example.com} too); a wildcard host must be within it.
   */
  static boolean matches(String pattern, String host) {
    String suffix = pattern.substring(1); // ".example.com"
    if (wildcard(host)) {
      return host.substring(1).endsWith(suffix) && host.length() > pattern.length();
    }
    return host.endsWith(suffix) && host.length() > suffix.length();
  }
}
