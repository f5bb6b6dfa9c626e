package dev.gantry.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.gantry.xds.ir.Routes;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.ir.WeightedCluster;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.BufferSettings;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.CheckSettings;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A virtual host with an authorization server as Envoy gets it: the ext_authz filter in its HTTPS
 * connection manager before the router, each route's per-filter config (disabled, or the merged
 * context), plain HTTP upgraded even for {@code permitInsecure} routes that are checked, and no
 * checked route for proxyless gRPC clients.
 */
class ExternalAuthorizationsTest {
  private static final List<WeightedCluster> WEB =
      List.of(new WeightedCluster("demo/web/80/abc", 1));
  private static final VirtualHostTls TLS =
      new VirtualHostTls(
          new VirtualHostTls.Certificate("demo/cert", "CHAIN", "KEY"),
          VirtualHostTls.Version.TLS_1_2,
          List.of());
  private static final RoutingTable.Authorization AUTH =
      new RoutingTable.Authorization(
          "extension/auth/authz",
          null,
          Duration.ofMillis(250),
          false,
          false,
          Map.of("host", "web", "tier", "vhost"),
          new RoutingTable.RequestBody(1024, true, false));

  private static RoutingTable.Route route(
      String prefix, boolean permitInsecure, RoutingTable.AuthPolicy policy) {
    RoutingTable.Route r = Routes.route(prefix, WEB);
    return r.toBuilder()
        .actions(new RoutingTable.Actions(null, false, null, null, permitInsecure))
        .authPolicy(policy)
        .build();
  }

  private static RoutingTable table() {
    RoutingTable.VirtualHost host =
        new RoutingTable.VirtualHost(
            "web.example",
            List.of(
                route("/open", true, new RoutingTable.AuthPolicy(true, Map.of())),
                route("/ctx", false, new RoutingTable.AuthPolicy(false, Map.of("tier", "route"))),
                route("/insecure", true, null),
                route("/", false, null)),
            null,
            TLS,
            null,
            null,
            AUTH);
    return new RoutingTable(List.of(host), Map.of());
  }

  @Test
  void theFilterGoesBeforeTheRouterOfTheHostsConnectionManager() throws Exception {
    Listener https =
        ListenerTranslator.https("127.0.0.1", 8443, table(), ListenerSettings.contour()).get(0);
    HttpConnectionManager hcm =
        https.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);

    List<HttpFilter> expected = new ArrayList<>();
    expected.add(HttpsConnectionManagers.misdirected("web.example"));
    List<HttpFilter> defaults = EnvoyHttpFilters.expected();
    expected.addAll(defaults.subList(0, defaults.size() - 1));
    expected.add(
        HttpFilter.newBuilder()
            .setName("envoy.filters.http.ext_authz")
            .setTypedConfig(
                Any.pack(
                    ExtAuthz.newBuilder()
                        .setGrpcService(
                            GrpcService.newBuilder()
                                .setEnvoyGrpc(
                                    GrpcService.EnvoyGrpc.newBuilder()
                                        .setClusterName("extension/auth/authz"))
                                .setTimeout(
                                    com.google.protobuf.Duration.newBuilder()
                                        .setNanos(250_000_000)))
                        .setTransportApiVersion(ApiVersion.V3)
                        .setClearRouteCache(true)
                        .setStatusOnError(HttpStatus.newBuilder().setCode(StatusCode.Forbidden))
                        .setIncludePeerCertificate(true)
                        .setWithRequestBody(
                            BufferSettings.newBuilder()
                                .setMaxRequestBytes(1024)
                                .setAllowPartialMessage(true))
                        .build()))
            .build());
    expected.add(defaults.get(defaults.size() - 1));
    assertThat(hcm.getHttpFiltersList()).containsExactlyElementsOf(expected);
  }

  @Test
  void eachRouteIsDisabledOrCheckedWithTheHostsContextAndItsOwn() throws Exception {
    RouteConfiguration config = RouteTranslator.https(table()).get(0);
    Map<String, Route> routes = byPrefix(config);

    assertThat(perRoute(routes.get("/open")))
        .isEqualTo(ExtAuthzPerRoute.newBuilder().setDisabled(true).build());
    assertThat(perRoute(routes.get("/ctx")))
        .isEqualTo(checked(Map.of("host", "web", "tier", "route")));
    assertThat(perRoute(routes.get("/")))
        .isEqualTo(checked(Map.of("host", "web", "tier", "vhost")));
    assertThat(perRoute(routes.get("/insecure")))
        .isEqualTo(checked(Map.of("host", "web", "tier", "vhost")));
  }

  @Test
  void plainHttpServesOnlyUncheckedInsecureRoutes() {
    Map<String, Route> routes = byPrefix(RouteTranslator.translate(table()));

    assertThat(routes.get("/open").hasRoute()).isTrue();
    assertThat(routes.get("/open").getTypedPerFilterConfigMap()).isEmpty();
    // permitInsecure, but checked: plain HTTP has no authorization filter, so it upgrades.
    assertThat(routes.get("/insecure").getRedirect().getHttpsRedirect()).isTrue();
    assertThat(routes.get("/").getRedirect().getHttpsRedirect()).isTrue();
  }

  @Test
  void proxylessClientsGetOnlyUncheckedRoutes() {
    RouteConfiguration proxyless = RouteTranslator.perHost(table()).get(0);

    assertThat(byPrefix(proxyless)).containsOnlyKeys("/open");
  }

  private static ExtAuthzPerRoute checked(Map<String, String> context) {
    return ExtAuthzPerRoute.newBuilder()
        .setCheckSettings(CheckSettings.newBuilder().putAllContextExtensions(context))
        .build();
  }

  private static ExtAuthzPerRoute perRoute(Route r) throws Exception {
    return r.getTypedPerFilterConfigOrThrow("envoy.filters.http.ext_authz")
        .unpack(ExtAuthzPerRoute.class);
  }

  private static Map<String, Route> byPrefix(RouteConfiguration config) {
    Map<String, Route> routes = new java.util.TreeMap<>();
    for (Route r : config.getVirtualHosts(0).getRoutesList()) {
      routes.put(r.getMatch().getPrefix(), r);
    }
    return routes;
  }
}
