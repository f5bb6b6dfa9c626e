package dev.gantry.xds.translate;

import dev.gantry.xds.ir.DnsLookupFamily;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns routing tables into xDS snapshots: one for Envoy (the {@code ingress_http} socket listener,
 * and {@code ingress_https} with its SDS secrets when a virtual host has TLS) and one for proxyless
 * gRPC clients (an API listener and a route configuration per fqdn), sharing clusters and
 * endpoints. When only endpoints changed since the last table, the listeners, routes and clusters
 * (and their versions) are reused and only the changed ClusterLoadAssignments are rebuilt; the
 * assignments are not in the snapshots but handed out apart, with what changed. Each type's version
 * is a hash of its content. Used by one thread at a time.
 */
public final class XdsAssembler {
  /**
   * The built snapshots and what was rebuilt to make them.
   *
   * @param snapshot what Envoy receives, but for endpoints
   * @param proxyless what proxyless gRPC clients receive, but for endpoints
   * @param fullRebuild whether listeners, routes and clusters were built anew (else the snapshots
   *     are the previous ones)
   * @param assignments every ClusterLoadAssignment, by cluster name (for both kinds of client)
   * @param changed the assignments built anew since the last assembly
   * @param removed the cluster names whose assignment is gone since the last assembly
   */
  public record Assembly(
      Snapshot snapshot,
      Snapshot proxyless,
      boolean fullRebuild,
      Map<String, ClusterLoadAssignment> assignments,
      List<ClusterLoadAssignment> changed,
      Set<String> removed) {
    public int endpointsRebuilt() {
      return changed.size();
    }
  }

  private record Shape(
      List<RoutingTable.VirtualHost> hosts,
      List<Upstream> upstreams,
      dev.gantry.xds.ir.GlobalRateLimit.Service rateLimits) {}

  private final String listenerAddress;
  private final int listenerPort;
  private final int httpsPort;
  private final ListenerSettings settings;
  private final DnsLookupFamily dnsLookupFamily;
  private List<io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret> secrets;
  private String secretsVersion;
  private Shape lastShape;
  private List<Listener> listeners;
  private List<RouteConfiguration> routes;
  private List<Listener> apiListeners;
  private List<RouteConfiguration> hostRoutes;
  private List<Cluster> clusters;
  private String listenersVersion;
  private String routesVersion;
  private String apiListenersVersion;
  private String hostRoutesVersion;
  private String clustersVersion;
  private List<Cluster> proxylessClusters;
  private String proxylessClustersVersion;
  private Snapshot snapshot;
  private Snapshot proxyless;
  private final Memo<RoutingTable.VirtualHost, VirtualHost> hosts = new Memo<>();
  // The same hosts on the plain listener, where their HTTPS-only routes redirect.
  private final Memo<RoutingTable.VirtualHost, VirtualHost> upgradedHosts = new Memo<>();
  private final Memo<RoutingTable.VirtualHost, RouteConfiguration> hostConfigs = new Memo<>();
  private final Memo<Upstream, Cluster> clusterMemo = new Memo<>();
  // By the upstream instance itself (endpoints and all, so never hashed): an upstream the
  // compiler reused from the last build costs a lookup.
  private final InstanceMemo<Upstream, Cluster> clustersBySame = new InstanceMemo<>();
  // Each upstream's shape (itself without endpoints) by the upstream instance.
  private final InstanceMemo<Upstream, Upstream> shapes = new InstanceMemo<>();
  private final Memo<String, Listener> apiListenerMemo = new Memo<>();
  private final Snapshots made = new Snapshots();
  private final ContentVersions versions = new ContentVersions();
  // The upstream each assignment was last made from (its services are what it was made of).
  private final Map<String, Upstream> lastUpstreams = new HashMap<>();
  private final Map<String, ClusterLoadAssignment> lastAssignments = new HashMap<>();

  /**
   * Envoy's {@code ingress_http} on {@code listenerPort}, {@code ingress_https} on the other, both
   * with {@code settings}.
   */
  public XdsAssembler(
      String listenerAddress, int listenerPort, int httpsPort, ListenerSettings settings) {
    this(listenerAddress, listenerPort, httpsPort, settings, DnsLookupFamily.AUTO);
  }

  /**
   * As the other constructors, DNS clusters (ExternalName Services, and JWT key sets that do not
   * name their own family) asking DNS for the addresses {@code dnsLookupFamily} says.
   */
  public XdsAssembler(
      String listenerAddress,
      int listenerPort,
      int httpsPort,
      ListenerSettings settings,
      DnsLookupFamily dnsLookupFamily) {
    this.listenerAddress = listenerAddress;
    this.listenerPort = listenerPort;
    this.httpsPort = httpsPort;
    this.settings = Objects.requireNonNull(settings, "settings");
    this.dnsLookupFamily = Objects.requireNonNull(dnsLookupFamily, "dnsLookupFamily");
  }

  /** As the other constructor, with Contour's listener settings. */
  public XdsAssembler(String listenerAddress, int listenerPort, int httpsPort) {
    this(listenerAddress, listenerPort, httpsPort, ListenerSettings.contour());
  }

  /** A new assembler of the same listeners, sharing nothing with this one. */
  public XdsAssembler fresh() {
    return new XdsAssembler(listenerAddress, listenerPort, httpsPort, settings, dnsLookupFamily);
  }

  public Assembly assemble(RoutingTable table) {
    Shape shape = shape(table);
    shapes.roll();
    boolean full = !shape.equals(lastShape);
    if (full) {
      translate(table);
      snapshots();
      lastShape = shape;
    }
    List<ClusterLoadAssignment> changed = new ArrayList<>();
    Set<String> removed = assignments(table, changed);
    return new Assembly(
        snapshot, proxyless, full, Map.copyOf(lastAssignments), changed, Set.copyOf(removed));
  }

  /** Every resource but endpoints, each type by its translator, with its version. */
  private void translate(RoutingTable table) {
    listeners =
        new ArrayList<>(
            ListenerTranslator.translate(
                listenerAddress, listenerPort, settings, table.rateLimitService()));
    listeners.addAll(ListenerTranslator.https(listenerAddress, httpsPort, table, settings));
    // Virtual hosts, route configurations and clusters whose input is as in the last assembly
    // are taken from it: one changed proxy costs its own host and clusters.
    RouteTranslator.Hosts memoized =
        (host, upgrade) ->
            (upgrade ? upgradedHosts : hosts)
                .get(host, h -> RouteTranslator.envoyVirtualHost(h, upgrade));
    routes = new ArrayList<>();
    routes.add(RouteTranslator.translate(table, memoized));
    routes.addAll(RouteTranslator.https(table, memoized));
    routes.addAll(RouteTranslator.fallback(table, memoized));
    secrets = SecretTranslator.translate(table);
    secretsVersion = Versions.of(secrets);
    apiListeners =
        ListenerTranslator.apiListeners(
            table.virtualHosts(),
            fqdn -> apiListenerMemo.get(fqdn, ListenerTranslator::apiListener));
    hostRoutes = RouteTranslator.perHost(table, h -> hostConfigs.get(h, RouteTranslator::perHost));
    List<Cluster> upstreamClusters = clusters(table.upstreams());
    // Key set clusters of JWT providers: Envoy's alone, proxyless clients verify no tokens.
    List<Cluster> jwks = JwtAuthentications.clusters(table, dnsLookupFamily);
    if (jwks.isEmpty()) {
      clusters = upstreamClusters;
    } else {
      List<Cluster> all = new ArrayList<>(upstreamClusters);
      jwks.stream().filter(c -> !table.upstreams().containsKey(c.getName())).forEach(all::add);
      all.sort(Comparator.comparing(Cluster::getName));
      clusters = List.copyOf(all);
    }
    listenersVersion = Versions.of(listeners);
    routesVersion = versions.of(routes);
    apiListenersVersion = versions.of(apiListeners);
    hostRoutesVersion = versions.of(hostRoutes);
    clustersVersion = versions.of(clusters);
    proxylessClusters = ClusterTranslator.forProxyless(upstreamClusters);
    proxylessClustersVersion =
        proxylessClusters == clusters ? clustersVersion : versions.of(proxylessClusters);
    hosts.roll();
    upgradedHosts.roll();
    hostConfigs.roll();
    clusterMemo.roll();
    clustersBySame.roll();
    apiListenerMemo.roll();
    versions.roll();
  }

  /** The clusters of {@code upstreams}, sorted by name. */
  private List<Cluster> clusters(Map<String, Upstream> upstreams) {
    List<Cluster> out = new ArrayList<>(upstreams.size());
    // Sorted by their names (a sorted map of natural order), which are their clusters' (checked
    // as they go): sorted again only when they are not.
    boolean sorted =
        upstreams instanceof java.util.SortedMap<String, Upstream> byName
            && byName.comparator() == null;
    for (Map.Entry<String, Upstream> e : upstreams.entrySet()) {
      Cluster cluster = cluster(e.getValue());
      sorted &= e.getKey().equals(cluster.getName());
      out.add(cluster);
    }
    if (!sorted) {
      out.sort(Comparator.comparing(Cluster::getName));
    }
    return List.copyOf(out);
  }

  /** The cluster of {@code u}: as for its very instance last time, or by its endpoint-free key. */
  private Cluster cluster(Upstream u) {
    Cluster cluster = clustersBySame.get(u);
    if (cluster == null) {
      cluster =
          clustersBySame.put(
              u,
              clusterMemo.get(
                  u.withService(null), k -> ClusterTranslator.cluster(k, dnsLookupFamily)));
    }
    return cluster;
  }

  /** The snapshots of both kinds of client; endpoints travel apart (the EndpointCache). */
  private void snapshots() {
    snapshot =
        made.create(
            clusters,
            clustersVersion,
            listeners,
            listenersVersion,
            routes,
            routesVersion,
            secrets,
            secretsVersion);
    proxyless =
        made.create(
            proxylessClusters,
            proxylessClustersVersion,
            apiListeners,
            apiListenersVersion,
            hostRoutes,
            hostRoutesVersion,
            List.of(),
            "none");
    made.roll();
  }

  /**
   * The assignment of each upstream, rebuilt where its service changed (added to {@code changed});
   * returns the names of those no upstream has any more.
   */
  private Set<String> assignments(RoutingTable table, List<ClusterLoadAssignment> changed) {
    Map<String, Upstream> upstreams = table.upstreams();
    int before = lastAssignments.size();
    // How many of the assignments there were still have an upstream (of endpoints).
    int kept = 0;
    for (Upstream upstream : upstreams.values()) {
      if (upstream.resolvedByDns()) {
        continue; // its cluster holds its names: no assignment of its own
      }
      String name = upstream.name();
      Upstream last = lastUpstreams.get(name);
      if (last == upstream && lastAssignments.containsKey(name)) {
        kept++;
        continue; // the very upstream of the last assembly (one the compiler reused)
      }
      ClusterLoadAssignment cla = lastAssignments.get(name);
      if (cla != null) {
        kept++;
      }
      if (cla == null || !sameAssignment(last, upstream)) {
        cla = EndpointTranslator.translate(upstream);
        changed.add(cla);
        lastAssignments.put(name, cla);
      }
      lastUpstreams.put(name, upstream);
    }
    Set<String> removed = new TreeSet<>();
    if (kept == before) {
      return removed; // every assignment there was is still an upstream's
    }
    for (Iterator<String> names = lastAssignments.keySet().iterator(); names.hasNext(); ) {
      String name = names.next();
      Upstream upstream = upstreams.get(name);
      if (upstream == null || upstream.resolvedByDns()) {
        removed.add(name);
        names.remove();
        lastUpstreams.remove(name);
      }
    }
    return removed;
  }

  /**
   * The ClusterLoadAssignments of {@code upstreams} (upstreams of the last assembled table, over
   * their services as now merged) rebuilt where their service changed; the listeners, routes and
   * clusters stay as they are. What an endpoint change costs: its own services, nothing else.
   */
  public List<ClusterLoadAssignment> refresh(Iterable<Upstream> upstreams) {
    List<ClusterLoadAssignment> changed = new ArrayList<>();
    for (Upstream upstream : upstreams) {
      Upstream before = lastUpstreams.get(upstream.name());
      if (!lastAssignments.containsKey(upstream.name())
          || before == upstream
          || sameAssignment(before, upstream)) {
        continue;
      }
      ClusterLoadAssignment cla = EndpointTranslator.translate(upstream);
      lastUpstreams.put(upstream.name(), upstream);
      lastAssignments.put(upstream.name(), cla);
      changed.add(cla);
    }
    return changed;
  }

  /**
   * Whether {@code now} makes the assignment {@code before} made: the same services, and the same
   * ports, weights and health port for them (an ExtensionService's cluster keeps its name when
   * those change).
   */
  private static boolean sameAssignment(Upstream before, Upstream now) {
    return before != null
        && Objects.equals(before.sources(), now.sources())
        && before.withService(null).equals(now.withService(null));
  }

  private Shape shape(RoutingTable table) {
    // Each cluster but its endpoints: its name covers the route's policies, not what a Secret
    // gives it (a CA to verify the endpoints with), which changes without the name changing. An
    // upstream the compiler reused has the shape it had (the same instance, so compared at once).
    List<Upstream> upstreams = new ArrayList<>(table.upstreams().size());
    for (Upstream u : table.upstreams().values()) {
      Upstream shape = shapes.get(u);
      upstreams.add(shape != null ? shape : shapes.put(u, u.withService(null)));
    }
    return new Shape(table.virtualHosts(), upstreams, table.rateLimitService());
  }
}
