package dev.gantry.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.gantry.xds.ir.Routes;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.ir.WeightedCluster;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The ingress_https listener, its route configurations and SDS secrets, compared whole. */
class HttpsTranslationTest {
  private static final List<WeightedCluster> WEB =
      List.of(new WeightedCluster("demo/web/80/abc", 1));
  private static final List<RoutingTable.Route> ROUTES = List.of(Routes.route("/", WEB));
  private static final VirtualHostTls.Certificate CERT =
      new VirtualHostTls.Certificate("demo/cert", "CHAIN", "KEY");

  private static ConfigSource ads() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  private static RoutingTable.VirtualHost host(String fqdn, VirtualHostTls tls) {
    return Routes.host(fqdn, ROUTES, tls);
  }

  record Case(String name, RoutingTable.VirtualHost host, FilterChain chain) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static FilterChain.Builder sni(String fqdn) {
    return FilterChain.newBuilder()
        .setFilterChainMatch(FilterChainMatch.newBuilder().addServerNames(fqdn));
  }

  private static TransportSocket tls(TlsParameters.TlsProtocol minimum, boolean alpn) {
    CommonTlsContext.Builder common =
        CommonTlsContext.newBuilder()
            .setTlsParams(
                TlsParameters.newBuilder()
                    .setTlsMinimumProtocolVersion(minimum)
                    .setTlsMaximumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_3))
            .addTlsCertificateSdsSecretConfigs(
                SdsSecretConfig.newBuilder().setName("demo/cert").setSdsConfig(ads()));
    if (alpn) {
      common.addAlpnProtocols("h2").addAlpnProtocols("http/1.1");
    }
    return TransportSocket.newBuilder()
        .setName("envoy.transport_sockets.tls")
        .setTypedConfig(
            Any.pack(DownstreamTlsContext.newBuilder().setCommonTlsContext(common).build()))
        .build();
  }

  /** The connection manager of host {@code fqdn}: 421 for other hosts, then every filter. */
  private static Filter hcm(String fqdn) {
    return Filter.newBuilder()
        .setName("envoy.filters.network.http_connection_manager")
        .setTypedConfig(
            Any.pack(
                ContourListenerDefaults.connectionManager(HttpConnectionManager.newBuilder())
                    .setStatPrefix("ingress_https")
                    .setRds(
                        Rds.newBuilder().setRouteConfigName("https/" + fqdn).setConfigSource(ads()))
                    .addHttpFilters(HttpsConnectionManagers.misdirected(fqdn))
                    .addAllHttpFilters(EnvoyHttpFilters.expected())
                    .build()))
        .build();
  }

  private static Filter tcp(TcpProxy proxy) {
    return Filter.newBuilder()
        .setName("envoy.filters.network.tcp_proxy")
        .setTypedConfig(Any.pack(proxy))
        .build();
  }

  static Stream<Case> chains() {
    VirtualHostTls.Version v12 = VirtualHostTls.Version.TLS_1_2;
    return Stream.of(
        new Case(
            "terminated: TLS 1.2 to 1.3, ALPN h2 and http/1.1, routes https/<fqdn>",
            host("web.example", new VirtualHostTls(CERT, v12, List.of())),
            sni("web.example")
                .setTransportSocket(tls(TlsParameters.TlsProtocol.TLSv1_2, true))
                .addFilters(hcm("web.example"))
                .build()),
        new Case(
            "terminated at TLS 1.3 only",
            host(
                "web.example", new VirtualHostTls(CERT, VirtualHostTls.Version.TLS_1_3, List.of())),
            sni("web.example")
                .setTransportSocket(tls(TlsParameters.TlsProtocol.TLSv1_3, true))
                .addFilters(hcm("web.example"))
                .build()),
        new Case(
            "passthrough: no transport socket, a TCP proxy to the one cluster",
            host("pass.example", new VirtualHostTls(null, v12, WEB)),
            sni("pass.example")
                .addFilters(
                    tcp(
                        TcpProxy.newBuilder()
                            .setStatPrefix("ingress_https")
                            .addAccessLog(ContourListenerDefaults.accessLog())
                            .setCluster("demo/web/80/abc")
                            .build()))
                .build()),
        new Case(
            "passthrough weighted: clusters of weight 0 left out",
            host(
                "pass.example",
                new VirtualHostTls(
                    null,
                    v12,
                    List.of(
                        new WeightedCluster("a", 3),
                        new WeightedCluster("b", 0),
                        new WeightedCluster("c", 1)))),
            sni("pass.example")
                .addFilters(
                    tcp(
                        TcpProxy.newBuilder()
                            .setStatPrefix("ingress_https")
                            .addAccessLog(ContourListenerDefaults.accessLog())
                            .setWeightedClusters(
                                TcpProxy.WeightedCluster.newBuilder()
                                    .addClusters(
                                        TcpProxy.WeightedCluster.ClusterWeight.newBuilder()
                                            .setName("a")
                                            .setWeight(3))
                                    .addClusters(
                                        TcpProxy.WeightedCluster.ClusterWeight.newBuilder()
                                            .setName("c")
                                            .setWeight(1)))
                            .build()))
                .build()),
        new Case(
            "terminated, then a TCP proxy: no ALPN",
            host("tcp.example", new VirtualHostTls(CERT, v12, WEB)),
            sni("tcp.example")
                .setTransportSocket(tls(TlsParameters.TlsProtocol.TLSv1_2, false))
                .addFilters(
                    tcp(
                        TcpProxy.newBuilder()
                            .setStatPrefix("ingress_https")
                            .addAccessLog(ContourListenerDefaults.accessLog())
                            .setCluster("demo/web/80/abc")
                            .build()))
                .build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chains")
  void oneFilterChainPerSniName(Case c) {
    List<Listener> listeners =
        ListenerTranslator.https(
            "0.0.0.0",
            8443,
            new RoutingTable(List.of(c.host()), Map.of()),
            ListenerSettings.contour());

    assertThat(listeners)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.getName()).isEqualTo("ingress_https");
              assertThat(l.getAddress().getSocketAddress().getPortValue()).isEqualTo(8443);
              assertThat(l.getListenerFiltersList())
                  .singleElement()
                  .satisfies(
                      f ->
                          assertThat(f.getName())
                              .isEqualTo("envoy.filters.listener.tls_inspector"));
              assertThat(l.getFilterChainsList()).containsExactly(c.chain());
            });
  }

  @Test
  void withoutTlsHostsThereIsNoHttpsListenerRouteOrSecret() {
    RoutingTable table = new RoutingTable(List.of(host("plain.example", null)), Map.of());

    assertThat(ListenerTranslator.https("0.0.0.0", 8443, table, ListenerSettings.contour()))
        .isEmpty();
    assertThat(RouteTranslator.https(table)).isEmpty();
    assertThat(SecretTranslator.translate(table)).isEmpty();
  }

  @Test
  void chainsAreSortedBySniAndTerminatedHostsGetTheirOwnRouteConfiguration() {
    VirtualHostTls.Version v12 = VirtualHostTls.Version.TLS_1_2;
    RoutingTable table =
        new RoutingTable(
            List.of(
                host("z.example", new VirtualHostTls(CERT, v12, List.of())),
                host("a.example", new VirtualHostTls(CERT, v12, List.of())),
                host("pass.example", new VirtualHostTls(null, v12, WEB)),
                host("plain.example", null)),
            Map.of());

    assertThat(
            ListenerTranslator.https("0.0.0.0", 8443, table, ListenerSettings.contour())
                .get(0)
                .getFilterChainsList())
        .extracting(c -> c.getFilterChainMatch().getServerNames(0))
        .containsExactly("a.example", "pass.example", "z.example");
    List<RouteConfiguration> routes = RouteTranslator.https(table);
    assertThat(routes)
        .extracting(RouteConfiguration::getName)
        .containsExactly("https/a.example", "https/z.example");
    assertThat(routes.get(0).getVirtualHostsList())
        .singleElement()
        .satisfies(v -> assertThat(v.getDomainsList()).containsExactly("a.example", "a.example:*"));
    // Two hosts share one Secret: Envoy gets it once.
    assertThat(SecretTranslator.translate(table))
        .extracting(Secret::getName)
        .containsExactly("demo/cert");
    assertThat(
            SecretTranslator.translate(table)
                .get(0)
                .getTlsCertificate()
                .getPrivateKey()
                .getInlineString())
        .isEqualTo("KEY");
  }

  @Test
  void aWildcardHostComparesTheAuthorityWithTheSniTheWildcardMatched() throws Exception {
    String code =
        HttpsConnectionManagers.misdirected("*.example.com")
            .getTypedConfig()
            .unpack(io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua.class)
            .getDefaultSourceCode()
            .getInlineString();

    assertThat(code)
        .contains("if host ~= string.lower(request_handle:streamInfo():requestedServerName())");
  }

  @Test
  void aNewRevocationListChangesTheValidationSecretOnlyNeverTheListenersOrRoutes() {
    XdsAssembler assembler = new XdsAssembler("0.0.0.0", 8080, 8443);
    Snapshot before = assembler.assemble(validating("CRL1")).snapshot();
    Snapshot after = assembler.assemble(validating("CRL2")).snapshot();

    assertThat(after.listeners().version()).isEqualTo(before.listeners().version());
    assertThat(after.routes().version()).isEqualTo(before.routes().version());
    assertThat(after.secrets().version()).isNotEqualTo(before.secrets().version());
    assertThat(after.secrets().resources())
        .containsOnlyKeys("demo/cert", "demo/ca/ca.crt+demo/crl/crl.pem");
    assertThat(
            after
                .secrets()
                .resources()
                .get("demo/ca/ca.crt+demo/crl/crl.pem")
                .getValidationContext()
                .getCrl()
                .getInlineString())
        .isEqualTo("CRL2");
  }

  /** A table of one host checking client certificates against demo/ca and {@code crl}. */
  private static RoutingTable validating(String crl) {
    VirtualHostTls.ClientValidation clients =
        new VirtualHostTls.ClientValidation(
            VirtualHostTls.TrustBundle.of("demo/ca", "CA", "demo/crl", crl),
            false,
            false,
            false,
            null);
    return new RoutingTable(
        List.of(
            host(
                "web.example",
                new VirtualHostTls(
                    CERT,
                    VirtualHostTls.Version.TLS_1_2,
                    VirtualHostTls.Version.TLS_1_3,
                    clients,
                    List.of()))),
        Map.of());
  }

  @Test
  void aRotatedCertificateChangesTheSecretOnlyNeverTheListenersOrRoutes() {
    XdsAssembler assembler = new XdsAssembler("0.0.0.0", 8080, 8443);
    VirtualHostTls.Version v12 = VirtualHostTls.Version.TLS_1_2;
    Snapshot before =
        assembler
            .assemble(
                new RoutingTable(
                    List.of(host("web.example", new VirtualHostTls(CERT, v12, List.of()))),
                    Map.of()))
            .snapshot();
    VirtualHostTls.Certificate rotated =
        new VirtualHostTls.Certificate("demo/cert", "CHAIN2", "KEY2");
    Snapshot after =
        assembler
            .assemble(
                new RoutingTable(
                    List.of(host("web.example", new VirtualHostTls(rotated, v12, List.of()))),
                    Map.of()))
            .snapshot();

    assertThat(after.listeners().version()).isEqualTo(before.listeners().version());
    assertThat(after.routes().version()).isEqualTo(before.routes().version());
    assertThat(after.secrets().version()).isNotEqualTo(before.secrets().version());
    assertThat(
            after
                .secrets()
                .resources()
                .get("demo/cert")
                .getTlsCertificate()
                .getCertificateChain()
                .getInlineString())
        .isEqualTo("CHAIN2");
    assertThat(after.listeners().resources()).containsOnlyKeys("ingress_http", "ingress_https");
  }
}
