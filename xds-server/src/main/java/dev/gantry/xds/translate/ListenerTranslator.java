package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import dev.gantry.xds.ir.GlobalRateLimit;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.ir.WeightedCluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Listeners: Envoy's {@code ingress_http} socket listener, and for proxyless gRPC clients one API
 * listener per virtual host; all take their routes from RDS over ADS.
 */
public final class ListenerTranslator {
  private ListenerTranslator() {}

  public static List<Listener> translate(String address, int port, ListenerSettings settings) {
    return translate(address, port, settings, null);
  }

  /** As above, with the global rate limit filter of the hub's {@code rateLimits} (null: none). */
  public static List<Listener> translate(
      String address, int port, ListenerSettings settings, GlobalRateLimit.Service rateLimits) {
    HttpConnectionManager.Builder manager =
        envoyHttpConnectionManager(
            RouteTranslator.INGRESS_HTTP, RouteTranslator.INGRESS_HTTP, settings)
            .toBuilder();
    GlobalRateLimitFilters.addBeforeRouter(manager, rateLimits);
    HttpConnectionManager hcm = manager.build();
    return List.of(
        Listener.newBuilder()
            .setName(RouteTranslator.INGRESS_HTTP)
            .setAddress(
                Address.newBuilder()
                    .setSocketAddress(
                        SocketAddress.newBuilder().setAddress(address).setPortValue(port)))
            .addAllListenerFilters(ClientConnections.listenerFilters(settings))
            .addFilterChains(
                FilterChain.newBuilder()
                    .addFilters(
                        Filter.newBuilder()
                            .setName("envoy.filters.network.http_connection_manager")
                            .setTypedConfig(Any.pack(hcm))))
            .build());
  }

  /**
   * One API listener per virtual host, named by its fqdn: a gRPC client with target {@code
   * xds:///<fqdn>} asks LDS for exactly that name, then RDS for the host's own route configuration
   * (see {@link RouteTranslator#perHost}). Sorted by name.
   */
  public static List<Listener> apiListeners(List<RoutingTable.VirtualHost> hosts) {
    return apiListeners(hosts, ListenerTranslator::apiListener);
  }

  /** As {@link #apiListeners(List)}, each listener by {@code listener} (say, a memo). */
  static List<Listener> apiListeners(
      List<RoutingTable.VirtualHost> hosts, Function<String, Listener> listener) {
    return hosts.stream()
        .map(RoutingTable.VirtualHost::fqdn)
        .sorted(Comparator.naturalOrder())
        .map(listener)
        .toList();
  }

  /** The API listener of proxyless gRPC clients for {@code fqdn}. */
  static Listener apiListener(String fqdn) {
    return Listener.newBuilder()
        .setName(fqdn)
        .setApiListener(
            ApiListener.newBuilder().setApiListener(Any.pack(httpConnectionManager(fqdn))))
        .build();
  }

  /**
   * The HTTP connection manager of Envoy's listeners ({@code ingress_http} and each {@code
   * ingress_https} chain): routes from RDS, the CORS, local rate limit, RBAC and Set-Cookie rewrite
   * filters before the router (each acts on virtual hosts and routes with a policy only), and the
   * {@code settings} (see {@link ClientConnections#apply}). Proxyless gRPC clients get none of
   * these: they have no socket of their own to log, time or take a client address from.
   */
  static HttpConnectionManager envoyHttpConnectionManager(
      String routeConfigName, String statPrefix, ListenerSettings settings) {
    HttpConnectionManager plain = httpConnectionManager(routeConfigName);
    HttpConnectionManager filtered =
        plain.toBuilder()
            .setStatPrefix(statPrefix)
            .clearHttpFilters()
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName(RouteTranslator.CORS_FILTER)
                    .setTypedConfig(Any.pack(Cors.getDefaultInstance())))
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName(RouteTranslator.LOCAL_RATE_LIMIT_FILTER)
                    .setTypedConfig(
                        Any.pack(LocalRateLimit.newBuilder().setStatPrefix("http").build())))
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName(RouteTranslator.RBAC_FILTER)
                    .setTypedConfig(Any.pack(RBAC.getDefaultInstance())))
            .addHttpFilters(SetCookieRewrites.filter())
            .addAllHttpFilters(plain.getHttpFiltersList())
            .build();
    return ClientConnections.apply(filtered, settings);
  }

  private static HttpConnectionManager httpConnectionManager(String routeConfigName) {
    return HttpConnectionManager.newBuilder()
        .setRds(
            Rds.newBuilder()
                .setRouteConfigName(routeConfigName)
                .setConfigSource(
                    ConfigSource.newBuilder()
                        .setAds(AggregatedConfigSource.getDefaultInstance())
                        .setResourceApiVersion(ApiVersion.V3)))
        .addHttpFilters(
            HttpFilter.newBuilder()
                .setName("envoy.filters.http.router")
                .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
  }

  public static final String INGRESS_HTTPS = "ingress_https";
  private static final String TLS_SOCKET = "envoy.transport_sockets.tls";

  private static List<RoutingTable.VirtualHost> secureHosts(RoutingTable table) {
    return table.virtualHosts().stream()
        .filter(h -> h.tls() != null)
        .sorted(Comparator.comparing(RoutingTable.VirtualHost::fqdn))
        .toList();
  }

  /**
   * Envoy's {@code ingress_https}, or none when no virtual host has TLS (Envoy needs a filter
   * chain): a TLS inspector reads the SNI, and one filter chain per TLS virtual host (matched on
   * {@code server_names}) either terminates TLS with the host's certificate (an SDS secret) and
   * routes with the host's own route configuration, or proxies the TCP stream to its {@code
   * tcpproxy} clusters.
   */
  public static List<Listener> https(
      String address, int port, RoutingTable table, ListenerSettings settings) {
    List<RoutingTable.VirtualHost> hosts = secureHosts(table);
    if (hosts.isEmpty()) {
      return List.of();
    }
    Listener.Builder listener =
        Listener.newBuilder()
            .setName(INGRESS_HTTPS)
            .setAddress(
                Address.newBuilder()
                    .setSocketAddress(
                        SocketAddress.newBuilder().setAddress(address).setPortValue(port)))
            // The PROXY protocol header comes first on the wire, before the TLS ClientHello.
            .addAllListenerFilters(ClientConnections.listenerFilters(settings))
            .addListenerFilters(
                ListenerFilter.newBuilder()
                    .setName("envoy.filters.listener.tls_inspector")
                    .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())));
    for (RoutingTable.VirtualHost host : hosts) {
      listener.addFilterChains(filterChain(host, settings, table.rateLimitService()));
    }
    VirtualHostTls.Certificate fallback = fallbackCertificate(table);
    if (fallback != null) {
      listener.addFilterChains(fallbackChain(fallback, settings, table.rateLimitService()));
    }
    return List.of(listener.build());
  }

  /** The filter chain that serves clients without a known SNI, as Contour names it. */
  public static final String FALLBACK_CHAIN = "fallback-certificate";

  /**
   * The hub's fallback certificate when a host that serves routes enables it, else null. It is the
   * same for every host: one hub setting.
   */
  static VirtualHostTls.Certificate fallbackCertificate(RoutingTable table) {
    return fallbackHosts(table).stream().map(h -> h.tls().fallback()).findFirst().orElse(null);
  }

  /** The hosts that serve routes to clients without a known SNI too, sorted by fqdn. */
  static List<RoutingTable.VirtualHost> fallbackHosts(RoutingTable table) {
    return secureHosts(table).stream()
        .filter(h -> h.tls().fallback() != null && h.tls().tcpProxy().isEmpty())
        .toList();
  }

  /**
   * Contour's fallback chain: matched on TLS alone, so Envoy picks it when no chain's {@code
   * server_names} match the SNI (or there is none); it terminates with the fallback certificate, at
   * Envoy's default TLS versions, and routes with {@code ingress_fallbackcert}, which holds the
   * hosts that enabled it. No 421 filter: without SNI there is no name to compare the authority
   * with, and every host reachable here allowed it. The hub's global rate limit filter is there as
   * on the hosts' own chains, so that their limits hold without SNI too.
   */
  static FilterChain fallbackChain(VirtualHostTls.Certificate fallback, ListenerSettings settings) {
    return fallbackChain(fallback, settings, null);
  }

  static FilterChain fallbackChain(
      VirtualHostTls.Certificate fallback,
      ListenerSettings settings,
      GlobalRateLimit.Service rateLimits) {
    VirtualHostTls tls =
        new VirtualHostTls(
            fallback,
            VirtualHostTls.Version.TLS_1_2,
            VirtualHostTls.Version.TLS_1_3,
            null,
            List.of());
    HttpConnectionManager.Builder manager =
        envoyHttpConnectionManager(RouteTranslator.FALLBACK_ROUTE_CONFIG, INGRESS_HTTPS, settings)
            .toBuilder();
    GlobalRateLimitFilters.addBeforeRouter(manager, rateLimits);
    HttpConnectionManager hcm = manager.build();
    return FilterChain.newBuilder()
        .setName(FALLBACK_CHAIN)
        .setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol("tls"))
        .setTransportSocket(
            TransportSocket.newBuilder()
                .setName(TLS_SOCKET)
                .setTypedConfig(Any.pack(DownstreamTls.of(tls, true))))
        .addFilters(
            Filter.newBuilder()
                .setName("envoy.filters.network.http_connection_manager")
                .setTypedConfig(Any.pack(hcm)))
        .build();
  }

  static FilterChain filterChain(RoutingTable.VirtualHost host, ListenerSettings settings) {
    return filterChain(host, settings, null);
  }

  static FilterChain filterChain(
      RoutingTable.VirtualHost host,
      ListenerSettings settings,
      GlobalRateLimit.Service rateLimits) {
    VirtualHostTls tls = host.tls();
    FilterChain.Builder chain =
        FilterChain.newBuilder()
            .setFilterChainMatch(FilterChainMatch.newBuilder().addServerNames(host.fqdn()));
    if (!tls.passthrough()) {
      chain.setTransportSocket(
          TransportSocket.newBuilder()
              .setName(TLS_SOCKET)
              .setTypedConfig(Any.pack(DownstreamTls.of(tls, tls.tcpProxy().isEmpty()))));
    }
    Filter filter =
        tls.tcpProxy().isEmpty()
            ? Filter.newBuilder()
                .setName("envoy.filters.network.http_connection_manager")
                .setTypedConfig(Any.pack(HttpsConnectionManagers.of(host, settings, rateLimits)))
                .build()
            : Filter.newBuilder()
                .setName("envoy.filters.network.tcp_proxy")
                .setTypedConfig(Any.pack(tcpProxy(tls.tcpProxy(), settings)))
                .build();
    return chain.addFilters(filter).build();
  }

  /**
   * Envoy wants weights of at least 1 in a TCP proxy: clusters weighted 0 get no traffic. Its
   * connections are logged as requests are, as Contour does.
   */
  static TcpProxy tcpProxy(List<WeightedCluster> clusters, ListenerSettings settings) {
    TcpProxy.Builder proxy =
        TcpProxy.newBuilder()
            .setStatPrefix(INGRESS_HTTPS)
            .addAllAccessLog(ClientConnections.accessLogs(settings));
    List<WeightedCluster> weighted = clusters.stream().filter(c -> c.weight() > 0).toList();
    if (weighted.size() == 1) {
      return proxy.setCluster(weighted.get(0).cluster()).build();
    }
    TcpProxy.WeightedCluster.Builder split = TcpProxy.WeightedCluster.newBuilder();
    for (WeightedCluster c : weighted) {
      split.addClusters(
          TcpProxy.WeightedCluster.ClusterWeight.newBuilder()
              .setName(c.cluster())
              .setWeight((int) c.weight()));
    }
    return proxy.setWeightedClusters(split).build();
  }
}
