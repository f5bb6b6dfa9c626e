package dev.gantry.xds.translate;

import dev.gantry.xds.ir.RoutingTable;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Contour's "secure first" rule on the plain HTTP listener: every route of a virtual host with TLS
 * answers 301 to the same URL over https, except the routes with {@code permitInsecure: true},
 * which keep serving plain HTTP.
 */
public final class HttpsRedirects {
  private HttpsRedirects() {}

  /** {@code ingressHttp} (as {@link RouteTranslator#translate} built it) with the redirects. */
  public static RouteConfiguration apply(RouteConfiguration ingressHttp, RoutingTable table) {
    Map<String, Set<RouteMatch>> insecureByHost = new HashMap<>();
    for (RoutingTable.VirtualHost host : table.virtualHosts()) {
      if (host.tls() != null) {
        insecureByHost.put(
            host.fqdn(),
            host.routes().stream()
                .filter(r -> r.actions().permitInsecure())
                .map(RoutingTable.Route::match)
                .map(RouteTranslator::match)
                .collect(Collectors.toSet()));
      }
    }
    if (insecureByHost.isEmpty()) {
      return ingressHttp;
    }
    RouteConfiguration.Builder config = ingressHttp.toBuilder().clearVirtualHosts();
    for (VirtualHost vhost : ingressHttp.getVirtualHostsList()) {
      Set<RouteMatch> insecure = insecureByHost.get(vhost.getName());
      config.addVirtualHosts(insecure == null ? vhost : redirected(vhost, insecure));
    }
    return config.build();
  }

  private static VirtualHost redirected(VirtualHost vhost, Set<RouteMatch> insecure) {
    List<Route> routes =
        vhost.getRoutesList().stream()
            .map(r -> insecure.contains(r.getMatch()) ? r : upgrade(r.getMatch()))
            .toList();
    return vhost.toBuilder().clearRoutes().addAllRoutes(routes).build();
  }

  /** The same match, answered by Envoy with a redirect to https (301, Envoy's default). */
  static Route upgrade(RouteMatch match) {
    return Route.newBuilder()
        .setMatch(match)
        .setRedirect(RedirectAction.newBuilder().setHttpsRedirect(true))
        .build();
  }
}
