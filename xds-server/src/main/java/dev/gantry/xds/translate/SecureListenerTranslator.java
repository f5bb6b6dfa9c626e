package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.ir.WeightedCluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Envoy's {@code ingress_https} listener as Contour builds it: a TLS inspector reads the SNI, and
 * one filter chain per TLS virtual host (matched on {@code server_names}) either terminates TLS
 * with the host's certificate and routes with the host's own route configuration {@code
 * https/<fqdn>}, or proxies the TCP stream to the host's {@code tcpproxy} clusters. Certificates
 * are SDS secrets over ADS, named {@code namespace/name}: a rotated certificate changes the secret
 * only, so Envoy swaps it without draining the listener.
 */
public final class SecureListenerTranslator {
  public static final String INGRESS_HTTPS = "ingress_https";
  private static final String TLS_SOCKET = "envoy.transport_sockets.tls";

  private SecureListenerTranslator() {}

  /** The host's route configuration on the HTTPS listener, as Contour names it. */
  public static String routeConfigName(String fqdn) {
    return "https/" + fqdn;
  }

  private static List<RoutingTable.VirtualHost> secureHosts(RoutingTable table) {
    return table.virtualHosts().stream()
        .filter(h -> h.tls() != null)
        .sorted(Comparator.comparing(RoutingTable.VirtualHost::fqdn))
        .toList();
  }

  /** The listener, or none when no virtual host has TLS (Envoy needs a filter chain). */
  public static List<Listener> translate(String address, int port, RoutingTable table) {
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
            .addListenerFilters(
                ListenerFilter.newBuilder()
                    .setName("envoy.filters.listener.tls_inspector")
                    .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())));
    for (RoutingTable.VirtualHost host : hosts) {
      listener.addFilterChains(filterChain(host));
    }
    return List.of(listener.build());
  }

  static FilterChain filterChain(RoutingTable.VirtualHost host) {
    VirtualHostTls tls = host.tls();
    FilterChain.Builder chain =
        FilterChain.newBuilder()
            .setFilterChainMatch(FilterChainMatch.newBuilder().addServerNames(host.fqdn()));
    if (!tls.passthrough()) {
      chain.setTransportSocket(
          TransportSocket.newBuilder()
              .setName(TLS_SOCKET)
              .setTypedConfig(Any.pack(downstreamTls(tls, tls.tcpProxy().isEmpty()))));
    }
    Filter filter =
        tls.tcpProxy().isEmpty()
            ? Filter.newBuilder()
                .setName("envoy.filters.network.http_connection_manager")
                .setTypedConfig(
                    Any.pack(
                        ListenerTranslator.envoyHttpConnectionManager(
                            routeConfigName(host.fqdn()), INGRESS_HTTPS)))
                .build()
            : Filter.newBuilder()
                .setName("envoy.filters.network.tcp_proxy")
                .setTypedConfig(Any.pack(tcpProxy(tls.tcpProxy())))
                .build();
    return chain.addFilters(filter).build();
  }

  static DownstreamTlsContext downstreamTls(VirtualHostTls tls, boolean http) {
    CommonTlsContext.Builder common =
        CommonTlsContext.newBuilder()
            .setTlsParams(
                TlsParameters.newBuilder()
                    .setTlsMinimumProtocolVersion(
                        tls.minimumVersion() == VirtualHostTls.Version.TLS_1_3
                            ? TlsParameters.TlsProtocol.TLSv1_3
                            : TlsParameters.TlsProtocol.TLSv1_2)
                    .setTlsMaximumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_3))
            .addTlsCertificateSdsSecretConfigs(
                SdsSecretConfig.newBuilder()
                    .setName(tls.certificate().name())
                    .setSdsConfig(
                        ConfigSource.newBuilder()
                            .setAds(AggregatedConfigSource.getDefaultInstance())
                            .setResourceApiVersion(ApiVersion.V3)));
    if (http) {
      common.addAlpnProtocols("h2").addAlpnProtocols("http/1.1");
    }
    return DownstreamTlsContext.newBuilder().setCommonTlsContext(common).build();
  }

  /** Envoy wants weights of at least 1 in a TCP proxy: clusters weighted 0 get no traffic. */
  static TcpProxy tcpProxy(List<WeightedCluster> clusters) {
    TcpProxy.Builder proxy = TcpProxy.newBuilder().setStatPrefix(INGRESS_HTTPS);
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

  /**
   * The route configuration {@code https/<fqdn>} of every host that terminates TLS and serves
   * routes, holding that host only, sorted by name.
   */
  public static List<RouteConfiguration> routes(RoutingTable table) {
    List<RoutingTable.VirtualHost> terminated =
        secureHosts(table).stream()
            .filter(h -> !h.tls().passthrough() && h.tls().tcpProxy().isEmpty())
            .toList();
    return terminated.stream()
        .sorted(java.util.Comparator.comparing(RoutingTable.VirtualHost::fqdn))
        .map(
            host ->
                RouteConfiguration.newBuilder()
                    .setName(routeConfigName(host.fqdn()))
                    .addVirtualHosts(RouteTranslator.envoyVirtualHost(host))
                    .build())
        .toList();
  }

  /** One SDS secret per certificate, by name (hosts may share one), sorted. */
  public static List<Secret> secrets(RoutingTable table) {
    Map<String, VirtualHostTls.Certificate> byName = new TreeMap<>();
    for (RoutingTable.VirtualHost host : table.virtualHosts()) {
      if (host.tls() != null && host.tls().certificate() != null) {
        byName.put(host.tls().certificate().name(), host.tls().certificate());
      }
    }
    return byName.values().stream()
        .map(
            c ->
                Secret.newBuilder()
                    .setName(c.name())
                    .setTlsCertificate(
                        TlsCertificate.newBuilder()
                            .setCertificateChain(
                                DataSource.newBuilder().setInlineString(c.chainPem()))
                            .setPrivateKey(
                                DataSource.newBuilder().setInlineString(c.privateKeyPem())))
                    .build())
        .toList();
  }
}
