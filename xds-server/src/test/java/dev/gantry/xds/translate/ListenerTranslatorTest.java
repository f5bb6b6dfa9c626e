package dev.gantry.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.gantry.xds.ir.Routes;
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
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ListenerTranslatorTest {
  record Case(String name, String address, int port, List<Listener> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void translates(Case c) {
    assertThat(ListenerTranslator.translate(c.address(), c.port(), ListenerSettings.contour()))
        .isEqualTo(c.expected());
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "ingress_http on 0.0.0.0:8080 takes its routes from RDS over ADS, CORS before the router",
            "0.0.0.0",
            8080,
            List.of(ingressHttp("0.0.0.0", 8080))),
        new Case(
            "address and port are the configured ones",
            "::",
            18080,
            List.of(ingressHttp("::", 18080))));
  }

  record ApiCase(String name, List<String> fqdns, List<Listener> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("apiCases")
  void translatesApiListeners(ApiCase c) {
    List<RoutingTable.VirtualHost> hosts =
        c.fqdns().stream().map(f -> Routes.host(f, List.of())).toList();
    assertThat(ListenerTranslator.apiListeners(hosts)).isEqualTo(c.expected());
  }

  static Stream<ApiCase> apiCases() {
    return Stream.of(
        new ApiCase("no virtual hosts: no API listeners", List.of(), List.of()),
        new ApiCase(
            "one API listener per fqdn, named by it, with the fqdn's route configuration from RDS",
            List.of("kuard.example.com"),
            List.of(apiListener("kuard.example.com"))),
        new ApiCase(
            "sorted by name whatever the order of the hosts",
            List.of("b.example.com", "a.example.com"),
            List.of(apiListener("a.example.com"), apiListener("b.example.com"))));
  }

  /** What grpc-java's client-side listener parsing accepts: no address, router last. */
  private static Listener apiListener(String fqdn) {
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setRds(
                Rds.newBuilder()
                    .setRouteConfigName(fqdn)
                    .setConfigSource(
                        ConfigSource.newBuilder()
                            .setResourceApiVersion(ApiVersion.V3)
                            .setAds(AggregatedConfigSource.newBuilder())))
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName("envoy.filters.http.router")
                    .setTypedConfig(Any.pack(Router.newBuilder().build())))
            .build();
    return Listener.newBuilder()
        .setName(fqdn)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
        .build();
  }

  private static Listener ingressHttp(String address, int port) {
    HttpConnectionManager hcm = ContourListenerDefaults.ingressHttp().build();
    return Listener.newBuilder()
        .setName("ingress_http")
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
        .build();
  }
}
