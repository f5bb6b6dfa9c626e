package dev.gantry.xds.compile.gateway;

import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.VirtualHostTls;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The virtual hosts routes attach to, each with its routes in the spec's precedence. A host served
 * by an HTTPS listener terminates TLS with that listener's certificate (the most specific
 * listener's when several match it). Each route is served over the protocols of the listeners it is
 * attached through: those attached through HTTPS listeners only are not on plain HTTP at all (plain
 * HTTP answers 404, not HTTPProxy's redirect to https), and those attached through HTTP listeners
 * only are not on HTTPS (its 404), as the spec isolates listeners. A host a TLSRoute holds through
 * a TLS listener passes TLS streams with its name as SNI through to the route's backends (the first
 * TLSRoute to ask for it keeps it); its HTTPRoutes through HTTP listeners still serve plain HTTP,
 * and neither an HTTPS listener's route nor another TLSRoute can have it: one SNI is either
 * terminated or passed through.
 */
final class Hosts {
  private final Map<String, String> claimed;
  final Map<String, Upstream> upstreams = new TreeMap<>();
  private final Map<String, Host> byFqdn = new TreeMap<>();
  // What another API keeps (e.g. "HTTPProxy demo/app") to the routes it kept it from, by host.
  final Map<String, Map<String, java.util.Set<String>>> conflicts = new TreeMap<>();

  Hosts(Map<String, String> claimed) {
    this.claimed = claimed;
  }

  /** One match of one route on a host, and the kinds of listener it came through. */
  private static final class Placement {
    final HttpRules.Entry entry;
    final int order;
    final int index;
    final int hostnameRank;
    boolean http;
    boolean https;

    Placement(HttpRules.Entry entry, int order, int index, int hostnameRank) {
      this.entry = entry;
      this.order = order;
      this.index = index;
      this.hostnameRank = hostnameRank;
    }
  }

  private static final class Host {
    final Map<String, Placement> placements = new LinkedHashMap<>();
    Listeners.Model tlsListener;
    // The route terminating TLS for it (the first through an HTTPS listener), if any.
    String terminatedBy;
    // The TLSRoute passing its TLS streams through, and to what.
    String passedThroughBy;
    List<dev.gantry.xds.ir.WeightedCluster> passthrough = List.of();
  }

  /**
   * Which Gateway API route already holds {@code fqdn}'s SNI in a way {@code listener} cannot share
   * (null: none): a TLSRoute's passthrough against another TLSRoute or an HTTPS listener's route,
   * or an HTTPS listener's route against a TLSRoute. Plain HTTP shares it with either.
   */
  String heldBySni(String fqdn, Listeners.Model listener, String route) {
    Host host = byFqdn.get(fqdn);
    if (host == null || !listener.secure()) {
      return null;
    }
    if (host.passedThroughBy != null && !host.passedThroughBy.equals(route)) {
      return host.passedThroughBy + " (passed through by SNI)";
    }
    if (listener.passthrough() && host.terminatedBy != null) {
      return host.terminatedBy + " (TLS terminated)";
    }
    return null;
  }

  /** What another API serves {@code fqdn} with (null: nothing): its own or a wildcard over it. */
  String owner(String fqdn) {
    String own = claimed.get(fqdn);
    if (own != null || fqdn.equals(RoutingTable.ANY_HOST)) {
      return own;
    }
    for (Map.Entry<String, String> e : claimed.entrySet()) {
      if (Hostnames.wildcard(e.getKey()) && Hostnames.matches(e.getKey(), fqdn)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Records that {@code route} asked for {@code fqdn}, which {@code owner} keeps. */
  void conflict(String owner, String fqdn, String route) {
    conflicts
        .computeIfAbsent(owner, k -> new TreeMap<>())
        .computeIfAbsent(fqdn, k -> new java.util.TreeSet<>())
        .add(route);
  }

  /**
   * Places a route's entries on {@code fqdn}; {@code routeHostnames} are the hostnames the route
   * names (lower-case), the most specific of those covering {@code fqdn} ranks it among the routes
   * of the host before its matches do, as the spec orders routes whose hostnames intersect.
   */
  void place(
      String fqdn,
      Listeners.Model listener,
      int order,
      HttpRules.Compiled compiled,
      String route,
      List<String> routeHostnames) {
    int rank = 0;
    for (String h : routeHostnames) {
      if (h.equals(fqdn) || (Hostnames.wildcard(h) && Hostnames.matches(h, fqdn))) {
        rank = Math.max(rank, Hostnames.specificity(h));
      }
    }
    int hostnameRank = rank;
    Host host = byFqdn.computeIfAbsent(fqdn, k -> new Host());
    if (listener.passthrough()) {
      if (host.passedThroughBy == null) {
        host.passedThroughBy = route;
        host.passthrough = compiled.passthrough();
      }
      upstreams.putAll(compiled.upstreams());
      return;
    }
    if (listener.https() && host.terminatedBy == null) {
      host.terminatedBy = route;
    }
    if (listener.https()
        && (host.tlsListener == null
            || Hostnames.specificity(listener.hostname)
                > Hostnames.specificity(host.tlsListener.hostname))) {
      host.tlsListener = listener;
    }
    for (int i = 0; i < compiled.entries().size(); i++) {
      int index = i;
      Placement p =
          host.placements.computeIfAbsent(
              order + "/" + i,
              k -> new Placement(compiled.entries().get(index), order, index, hostnameRank));
      p.http |= !listener.https();
      p.https |= listener.https();
    }
    upstreams.putAll(compiled.upstreams());
  }

  List<RoutingTable.VirtualHost> build() {
    List<RoutingTable.VirtualHost> out = new ArrayList<>();
    byFqdn.forEach(
        (fqdn, host) -> {
          List<Placement> placements = new ArrayList<>(host.placements.values());
          placements.sort(
              Comparator.comparingInt((Placement p) -> -p.hostnameRank)
                  .thenComparing(p -> p.entry.ranked(), RouteMatches.PRECEDENCE)
                  .thenComparingInt(p -> p.order)
                  .thenComparingInt(p -> p.index));
          VirtualHostTls tls =
              host.tlsListener == null
                  ? null
                  : new VirtualHostTls(
                      host.tlsListener.certificate, VirtualHostTls.Version.TLS_1_2, List.of());
          if (host.passedThroughBy != null) {
            // Only HTTP listeners' routes share a passthrough host: they serve plain HTTP.
            tls = new VirtualHostTls(null, VirtualHostTls.Version.TLS_1_2, host.passthrough);
          }
          List<RoutingTable.Route> routes = new ArrayList<>();
          for (Placement p : placements) {
            for (RoutingTable.Route r : p.entry.routes()) {
              routes.add(
                  tls == null
                      ? r
                      : p.http && p.https
                          ? HttpRules.insecure(r)
                          : p.http ? HttpRules.insecureOnly(r) : HttpRules.secureOnly(r));
            }
          }
          out.add(new RoutingTable.VirtualHost(fqdn, routes, null, tls));
        });
    return out;
  }
}
