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
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code tls.enableFallbackCertificate} on Envoy's side, compared whole: Contour's {@code
 * fallback-certificate} chain on {@code ingress_https}, the {@code ingress_fallbackcert} route
 * configuration with the hosts that enabled it, and the fallback certificate's SDS secret.
 */
class FallbackCertificateTranslationTest {
  private static final List<WeightedCluster> WEB =
      List.of(new WeightedCluster("demo/web/80/abc", 1));
  private static final List<RoutingTable.Route> ROUTES = List.of(Routes.route("/", WEB));
  private static final VirtualHostTls.Certificate CERT =
      new VirtualHostTls.Certificate("demo/cert", "CHAIN", "KEY");
  private static final VirtualHostTls.Certificate FALLBACK =
      new VirtualHostTls.Certificate("gantry-system/fallback", "FALLBACK-CHAIN", "FALLBACK-KEY");
  private static final VirtualHostTls.Version V12 = VirtualHostTls.Version.TLS_1_2;
  private static final VirtualHostTls.Version V13 = VirtualHostTls.Version.TLS_1_3;

  private static ConfigSource ads() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  private static RoutingTable.VirtualHost host(String fqdn, VirtualHostTls tls) {
    return Routes.host(fqdn, ROUTES, tls);
  }

  /** Two hosts with fallback (one at TLS 1.3 only), one without, a passthrough and a plain one. */
  private static RoutingTable table() {
    return new RoutingTable(
        List.of(
            host("b.example", new VirtualHostTls(CERT, V12, List.of()).withFallback(FALLBACK)),
            host(
                "a.example",
                new VirtualHostTls(CERT, V13, V13, null, List.of()).withFallback(FALLBACK)),
            host("sni-only.example", new VirtualHostTls(CERT, V12, List.of())),
            host("pass.example", new VirtualHostTls(null, V12, WEB)),
            host("plain.example", null)),
        Map.of());
  }

  @Test
  void theFallbackChainMatchesTlsWithoutAnSniNameAndRoutesWithIngressFallbackcert() {
    Listener https =
        ListenerTranslator.https("0.0.0.0", 8443, table(), ListenerSettings.contour()).get(0);

    CommonTlsContext common =
        CommonTlsContext.newBuilder()
            // Envoy's defaults, as Contour's listener-wide ones: not the hosts' own versions.
            .setTlsParams(
                TlsParameters.newBuilder()
                    .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2)
                    .setTlsMaximumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_3))
            .addTlsCertificateSdsSecretConfigs(
                SdsSecretConfig.newBuilder().setName("gantry-system/fallback").setSdsConfig(ads()))
            .addAlpnProtocols("h2")
            .addAlpnProtocols("http/1.1")
            .build();
    FilterChain expected =
        FilterChain.newBuilder()
            .setName("fallback-certificate")
            .setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol("tls"))
            .setTransportSocket(
                TransportSocket.newBuilder()
                    .setName("envoy.transport_sockets.tls")
                    .setTypedConfig(
                        Any.pack(
                            DownstreamTlsContext.newBuilder().setCommonTlsContext(common).build())))
            .addFilters(
                Filter.newBuilder()
                    .setName("envoy.filters.network.http_connection_manager")
                    .setTypedConfig(
                        Any.pack(
                            // No 421 filter: without SNI there is nothing to compare with.
                            ContourListenerDefaults.connectionManager(
                                    HttpConnectionManager.newBuilder())
                                .setStatPrefix("ingress_https")
                                .setRds(
                                    Rds.newBuilder()
                                        .setRouteConfigName("ingress_fallbackcert")
                                        .setConfigSource(ads()))
                                .addAllHttpFilters(EnvoyHttpFilters.expected())
                                .build())))
            .build();
    assertThat(https.getFilterChainsList())
        .extracting(FilterChain::getName)
        .containsExactly("", "", "", "", "fallback-certificate");
    assertThat(https.getFilterChainsList().get(4)).isEqualTo(expected);
    // The hosts' own chains are as without fallback.
    assertThat(https.getFilterChainsList().subList(0, 4))
        .extracting(c -> c.getFilterChainMatch().getServerNames(0))
        .containsExactly("a.example", "b.example", "pass.example", "sni-only.example");
  }

  @Test
  void ingressFallbackcertHoldsTheHostsThatEnabledItAsTheirOwnConfigurationsDo() {
    List<RouteConfiguration> fallback = RouteTranslator.fallback(table());

    assertThat(fallback)
        .singleElement()
        .extracting(RouteConfiguration::getName)
        .isEqualTo("ingress_fallbackcert");
    List<RouteConfiguration> own = RouteTranslator.https(table());
    assertThat(fallback.get(0).getVirtualHostsList())
        .containsExactly(
            own.get(0).getVirtualHosts(0), // https/a.example
            own.get(1).getVirtualHosts(0)); // https/b.example
    assertThat(own)
        .extracting(RouteConfiguration::getName)
        .containsExactly("https/a.example", "https/b.example", "https/sni-only.example");
  }

  @Test
  void theFallbackCertificateIsOneSdsSecret() {
    assertThat(SecretTranslator.translate(table()))
        .extracting(Secret::getName)
        .containsExactly("demo/cert", "gantry-system/fallback");
    assertThat(
            SecretTranslator.translate(table())
                .get(1)
                .getTlsCertificate()
                .getPrivateKey()
                .getInlineString())
        .isEqualTo("FALLBACK-KEY");
  }

  @Test
  void withoutAHostEnablingItThereIsNoFallbackChainRouteOrSecret() {
    RoutingTable table =
        new RoutingTable(
            List.of(host("web.example", new VirtualHostTls(CERT, V12, List.of()))), Map.of());

    assertThat(
            ListenerTranslator.https("0.0.0.0", 8443, table, ListenerSettings.contour())
                .get(0)
                .getFilterChainsList())
        .extracting(FilterChain::getName)
        .containsExactly("");
    assertThat(RouteTranslator.fallback(table)).isEmpty();
    assertThat(SecretTranslator.translate(table))
        .extracting(Secret::getName)
        .containsExactly("demo/cert");
  }

  @Test
  void theAssembledSnapshotCarriesTheFallbackRouteConfigurationAndSecret() {
    Snapshot snapshot = new XdsAssembler("0.0.0.0", 8080, 8443).assemble(table()).snapshot();

    assertThat(snapshot.routes().resources()).containsKey("ingress_fallbackcert");
    assertThat(snapshot.secrets().resources()).containsKey("gantry-system/fallback");
  }

  @Test
  void aFallbackNeedsATerminatedHostWithoutClientValidation() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new VirtualHostTls(null, V12, WEB).withFallback(FALLBACK))
        .isInstanceOf(IllegalArgumentException.class);
    VirtualHostTls.ClientValidation clients =
        new VirtualHostTls.ClientValidation(null, true, false, false, null);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new VirtualHostTls(CERT, V12, V13, clients, List.of()).withFallback(FALLBACK))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
