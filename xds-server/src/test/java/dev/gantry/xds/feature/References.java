package dev.gantry.xds.feature;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a snapshot refers to that it does not hold: a route configuration a listener asks RDS for, a
 * cluster a route or TCP proxy sends to, a secret a filter chain asks SDS for, an assignment an EDS
 * cluster waits for. Envoy would wait for the missing resource (a listener or cluster stuck
 * warming) or answer 503; every feature test holds this as well as its own expectations.
 */
final class References {
  private References() {}

  static List<String> dangling(
      Map<String, Listener> listeners,
      Map<String, RouteConfiguration> routes,
      Map<String, Cluster> clusters,
      Map<String, ClusterLoadAssignment> endpoints,
      Map<String, Secret> secrets) {
    List<String> out = new ArrayList<>();
    for (Listener listener : listeners.values()) {
      String where = "listener " + listener.getName();
      for (FilterChain chain : listener.getFilterChainsList()) {
        if (chain.hasTransportSocket()) {
          DownstreamTlsContext tls =
              unpack(chain.getTransportSocket().getTypedConfig(), DownstreamTlsContext.class);
          for (SdsSecretConfig sds :
              tls.getCommonTlsContext().getTlsCertificateSdsSecretConfigsList()) {
            need(secrets, sds.getName(), where + ": secret", out);
          }
          if (tls.getCommonTlsContext().hasCombinedValidationContext()) {
            String name =
                tls.getCommonTlsContext()
                    .getCombinedValidationContext()
                    .getValidationContextSdsSecretConfig()
                    .getName();
            need(secrets, name, where + ": validation secret", out);
          }
        }
        for (Filter filter : chain.getFiltersList()) {
          Any config = filter.getTypedConfig();
          if (config.is(HttpConnectionManager.class)) {
            String name = unpack(config, HttpConnectionManager.class).getRds().getRouteConfigName();
            need(routes, name, where + ": route configuration", out);
          } else if (config.is(TcpProxy.class)) {
            TcpProxy tcp = unpack(config, TcpProxy.class);
            if (tcp.hasWeightedClusters()) {
              tcp.getWeightedClusters()
                  .getClustersList()
                  .forEach(c -> need(clusters, c.getName(), where + ": cluster", out));
            } else {
              need(clusters, tcp.getCluster(), where + ": cluster", out);
            }
          }
        }
      }
    }
    for (RouteConfiguration config : routes.values()) {
      for (VirtualHost host : config.getVirtualHostsList()) {
        String where = "route configuration " + config.getName() + ", host " + host.getName();
        for (Route route : host.getRoutesList()) {
          if (!route.hasRoute()) {
            continue;
          }
          RouteAction action = route.getRoute();
          if (action.hasWeightedClusters()) {
            for (WeightedCluster.ClusterWeight c : action.getWeightedClusters().getClustersList()) {
              need(clusters, c.getName(), where + ": cluster", out);
            }
          } else {
            need(clusters, action.getCluster(), where + ": cluster", out);
          }
          for (RouteAction.RequestMirrorPolicy mirror : action.getRequestMirrorPoliciesList()) {
            need(clusters, mirror.getCluster(), where + ": mirror cluster", out);
          }
        }
      }
    }
    for (Cluster cluster : clusters.values()) {
      if (cluster.getType() == Cluster.DiscoveryType.EDS) {
        need(
            endpoints,
            cluster.getEdsClusterConfig().getServiceName(),
            "cluster " + cluster.getName() + ": assignment",
            out);
      }
    }
    return out;
  }

  private static void need(Map<String, ?> present, String name, String what, List<String> out) {
    if (!present.containsKey(name)) {
      out.add(what + " \"" + name + "\" is missing");
    }
  }

  private static <T extends Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot read " + any.getTypeUrl(), e);
    }
  }
}
