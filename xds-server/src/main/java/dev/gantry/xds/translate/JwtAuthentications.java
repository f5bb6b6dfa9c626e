package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import dev.gantry.xds.ir.DnsLookupFamily;
import dev.gantry.xds.ir.JwtProvider;
import dev.gantry.xds.ir.RoutingTable;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HttpUri;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirement;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.RemoteJwks;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Envoy's JWT authentication filter of a virtual host with JWT providers, as Contour's {@code
 * FilterJWTAuthN} writes it: each provider with its issuer, audiences and remote key set, and a
 * requirement of the same name that a route's per-route config names ({@code requirement_name}); a
 * route without one is not verified. The key sets are fetched through clusters of their own, {@code
 * STRICT_DNS} to the URI's host as Contour's DNS name clusters, over TLS for https.
 */
final class JwtAuthentications {
  static final String FILTER = "envoy.filters.http.jwt_authn";

  private JwtAuthentications() {}

  /** {@code hcm} with the host's JWT filter in front of its last one, the router. */
  static void addBeforeRouter(HttpConnectionManager.Builder hcm, List<JwtProvider> providers) {
    hcm.addHttpFilters(Math.max(0, hcm.getHttpFiltersCount() - 1), filter(providers));
  }

  static HttpFilter filter(List<JwtProvider> providers) {
    JwtAuthentication.Builder config = JwtAuthentication.newBuilder();
    for (JwtProvider p : providers) {
      RemoteJwks.Builder jwks =
          RemoteJwks.newBuilder()
              .setHttpUri(
                  HttpUri.newBuilder()
                      .setUri(p.uri())
                      .setCluster(p.cluster().name())
                      .setTimeout(duration(p.timeout())));
      if (p.cacheDuration() != null) {
        jwks.setCacheDuration(duration(p.cacheDuration()));
      }
      io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider.Builder provider =
          io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider.newBuilder()
              .addAllAudiences(p.audiences())
              .setRemoteJwks(jwks)
              .setForward(p.forward());
      if (p.issuer() != null) {
        provider.setIssuer(p.issuer());
      }
      config.putProviders(p.name(), provider.build());
      config.putRequirementMap(
          p.name(), JwtRequirement.newBuilder().setProviderName(p.name()).build());
    }
    return HttpFilter.newBuilder().setName(FILTER).setTypedConfig(Any.pack(config.build())).build();
  }

  /** The per-route config of a route that requires {@code provider}'s token. */
  static Any perRoute(String provider) {
    return Any.pack(PerRouteConfig.newBuilder().setRequirementName(provider).build());
  }

  /** As {@link #clusters(RoutingTable, DnsLookupFamily)}, the hub's family auto. */
  static List<Cluster> clusters(RoutingTable table) {
    return clusters(table, DnsLookupFamily.AUTO);
  }

  /**
   * The key set clusters of every provider of {@code table}, one per name, sorted by name; a
   * provider without its own lookup family resolves as {@code hubFamily} says.
   */
  static List<Cluster> clusters(RoutingTable table, DnsLookupFamily hubFamily) {
    Map<String, JwtProvider.JwksCluster> byName = new TreeMap<>();
    for (RoutingTable.VirtualHost host : table.virtualHosts()) {
      for (JwtProvider p : host.jwtProviders()) {
        byName.putIfAbsent(p.cluster().name(), p.cluster());
      }
    }
    List<Cluster> clusters = new ArrayList<>();
    byName.values().forEach(c -> clusters.add(cluster(c, hubFamily)));
    clusters.sort(Comparator.comparing(Cluster::getName));
    return clusters;
  }

  /** As {@link #cluster(JwtProvider.JwksCluster, DnsLookupFamily)}, the hub's family auto. */
  static Cluster cluster(JwtProvider.JwksCluster c) {
    return cluster(c, DnsLookupFamily.AUTO);
  }

  /**
   * A key set's cluster: Envoy resolves its host (as the provider's {@code dnsLookupFamily} says,
   * else as {@code hubFamily} does) and connects within Gantry's 2 s.
   */
  static Cluster cluster(JwtProvider.JwksCluster c, DnsLookupFamily hubFamily) {
    Cluster.Builder cluster =
        Cluster.newBuilder()
            .setName(c.name())
            .setAltStatName(c.name().replace('/', '_').replace(':', '_'))
            .setType(Cluster.DiscoveryType.STRICT_DNS)
            .setConnectTimeout(Duration.newBuilder().setSeconds(2))
            .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
            .setDnsLookupFamily(family(c.family() == null ? hubFamily : c.family()))
            .setLoadAssignment(
                ClusterLoadAssignment.newBuilder()
                    .setClusterName(c.name())
                    .addEndpoints(
                        LocalityLbEndpoints.newBuilder()
                            .addLbEndpoints(
                                LbEndpoint.newBuilder()
                                    .setEndpoint(
                                        Endpoint.newBuilder()
                                            .setAddress(
                                                Address.newBuilder()
                                                    .setSocketAddress(
                                                        SocketAddress.newBuilder()
                                                            .setAddress(c.host())
                                                            .setPortValue(c.port())))))));
    if (c.tls() != null) {
      cluster.setTransportSocket(UpstreamProtocols.tlsSocket(c.tls(), false));
    }
    return cluster.build();
  }

  static Cluster.DnsLookupFamily family(DnsLookupFamily family) {
    return switch (family) {
      case AUTO -> Cluster.DnsLookupFamily.AUTO;
      case V4 -> Cluster.DnsLookupFamily.V4_ONLY;
      case V6 -> Cluster.DnsLookupFamily.V6_ONLY;
      case ALL -> Cluster.DnsLookupFamily.ALL;
    };
  }

  private static Duration duration(java.time.Duration d) {
    return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }
}
