package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import dev.gantry.xds.ir.RoutingTable;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.util.Comparator;
import java.util.List;

/**
 * Listeners: Envoy's {@code ingress_http} socket listener, and for proxyless gRPC clients one API
 * listener per virtual host; all take their routes from RDS over ADS.
 */
public final class ListenerTranslator {
  private ListenerTranslator() {}

  public static List<Listener> translate(String address, int port) {
    HttpConnectionManager hcm =
        envoyHttpConnectionManager(RouteTranslator.INGRESS_HTTP, RouteTranslator.INGRESS_HTTP);
    return List.of(
        Listener.newBuilder()
            .setName(RouteTranslator.INGRESS_HTTP)
            .setAddress(
                Address.newBuilder()
                    .setSocketAddress(
                        SocketAddress.newBuilder().setAddress(address).setPortValue(port)))
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
    return hosts.stream()
        .map(RoutingTable.VirtualHost::fqdn)
        .sorted(Comparator.naturalOrder())
        .map(
            fqdn ->
                Listener.newBuilder()
                    .setName(fqdn)
                    .setApiListener(
                        ApiListener.newBuilder()
                            .setApiListener(Any.pack(httpConnectionManager(fqdn))))
                    .build())
        .toList();
  }

  /**
   * The HTTP connection manager of Envoy's listeners ({@code ingress_http} and each {@code
   * ingress_https} chain): routes from RDS, the CORS filter before the router (it acts on virtual
   * hosts with a policy only). Proxyless gRPC clients get no CORS filter.
   */
  static HttpConnectionManager envoyHttpConnectionManager(
      String routeConfigName, String statPrefix) {
    HttpConnectionManager plain = httpConnectionManager(routeConfigName);
    return plain.toBuilder()
        .setStatPrefix(statPrefix)
        .clearHttpFilters()
        .addHttpFilters(
            HttpFilter.newBuilder()
                .setName(RouteTranslator.CORS_FILTER)
                .setTypedConfig(Any.pack(Cors.getDefaultInstance())))
        .addAllHttpFilters(plain.getHttpFiltersList())
        .build();
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
}
