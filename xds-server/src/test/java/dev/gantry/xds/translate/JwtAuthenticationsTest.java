package dev.gantry.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.gantry.xds.ir.DnsLookupFamily;
import dev.gantry.xds.ir.JwtProvider;
import dev.gantry.xds.ir.Routes;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.UpstreamTls;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.ir.WeightedCluster;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HttpUri;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirement;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.RemoteJwks;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A virtual host with JWT providers as Envoy gets it: the jwt_authn filter in its HTTPS connection
 * manager before the router (and before ext_authz, as Contour), each provider with a requirement of
 * its name that routes name in their per-route config, a STRICT_DNS cluster per key set, plain HTTP
 * upgraded even for {@code permitInsecure} routes that require a token, and no such route for
 * proxyless gRPC clients.
 */
class JwtAuthenticationsTest {
  private static final List<WeightedCluster> WEB =
      List.of(new WeightedCluster("demo/web/80/abc", 1));
  private static final VirtualHostTls TLS =
      new VirtualHostTls(
          new VirtualHostTls.Certificate("demo/cert", "CHAIN", "KEY"),
          VirtualHostTls.Version.TLS_1_2,
          List.of());
  private static final JwtProvider MAIN =
      new JwtProvider(
          "main",
          true,
          "https://idp.example",
          List.of("web"),
          "https://idp.example/keys",
          Duration.ofSeconds(1),
          Duration.ofMinutes(5),
          true,
          new JwtProvider.JwksCluster(
              "dnsname/https/idp.example/0123456789",
              "idp.example",
              443,
              DnsLookupFamily.V4,
              new UpstreamTls(
                  "idp.example",
                  new UpstreamTls.Validation("demo/ca", "CA PEM", List.of("idp.example")))));
  private static final JwtProvider OTHER =
      new JwtProvider(
          "other",
          false,
          null,
          List.of(),
          "http://127.0.0.1:8080/keys",
          Duration.ofMillis(500),
          null,
          false,
          new JwtProvider.JwksCluster(
              "dnsname/http/127.0.0.1:8080", "127.0.0.1", 8080, null, null));

  private static RoutingTable.Route route(
      String prefix, boolean permitInsecure, RoutingTable.JwtPolicy policy) {
    RoutingTable.Route r = Routes.route(prefix, WEB);
    return r.toBuilder()
        .actions(new RoutingTable.Actions(null, false, null, null, permitInsecure))
        // The open route is not authorized either, to tell the JWT filter's part apart.
        .authPolicy(
            policy != null && policy.disabled()
                ? new RoutingTable.AuthPolicy(true, Map.of())
                : null)
        .jwtPolicy(policy)
        .build();
  }

  private static RoutingTable table() {
    RoutingTable.VirtualHost host =
        new RoutingTable.VirtualHost(
            "web.example",
            List.of(
                route("/open", true, new RoutingTable.JwtPolicy(null, true)),
                route("/other", false, new RoutingTable.JwtPolicy("other", false)),
                route("/insecure", true, null),
                route("/", false, null)),
            null,
            TLS,
            null,
            null,
            new RoutingTable.Authorization(
                "extension/auth/authz", null, null, false, false, Map.of(), null),
            List.of(MAIN, OTHER));
    return new RoutingTable(List.of(host), Map.of());
  }

  @Test
  void theFilterGoesBeforeAuthorizationAndTheRouter() throws Exception {
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
            .setName("envoy.filters.http.jwt_authn")
            .setTypedConfig(
                Any.pack(
                    JwtAuthentication.newBuilder()
                        .putProviders(
                            "main",
                            io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider
                                .newBuilder()
                                .setIssuer("https://idp.example")
                                .addAudiences("web")
                                .setRemoteJwks(
                                    RemoteJwks.newBuilder()
                                        .setHttpUri(
                                            HttpUri.newBuilder()
                                                .setUri("https://idp.example/keys")
                                                .setCluster("dnsname/https/idp.example/0123456789")
                                                .setTimeout(seconds(1, 0)))
                                        .setCacheDuration(seconds(300, 0)))
                                .setForward(true)
                                .build())
                        .putProviders(
                            "other",
                            io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider
                                .newBuilder()
                                .setRemoteJwks(
                                    RemoteJwks.newBuilder()
                                        .setHttpUri(
                                            HttpUri.newBuilder()
                                                .setUri("http://127.0.0.1:8080/keys")
                                                .setCluster("dnsname/http/127.0.0.1:8080")
                                                .setTimeout(seconds(0, 500_000_000))))
                                .build())
                        .putRequirementMap(
                            "main", JwtRequirement.newBuilder().setProviderName("main").build())
                        .putRequirementMap(
                            "other", JwtRequirement.newBuilder().setProviderName("other").build())
                        .build()))
            .build());
    expected.add(ExternalAuthorizations.filter(table().virtualHosts().get(0).authorization()));
    expected.add(defaults.get(defaults.size() - 1));
    assertThat(hcm.getHttpFiltersList()).containsExactlyElementsOf(expected);
  }

  @Test
  void eachRouteNamesTheRequirementOfItsProviderOrNone() throws Exception {
    Map<String, Route> routes = byPrefix(RouteTranslator.https(table()).get(0));

    assertThat(requirement(routes.get("/"))).isEqualTo("main");
    assertThat(requirement(routes.get("/insecure"))).isEqualTo("main");
    assertThat(requirement(routes.get("/other"))).isEqualTo("other");
    assertThat(routes.get("/open").getTypedPerFilterConfigMap())
        .doesNotContainKey("envoy.filters.http.jwt_authn");
  }

  @Test
  void plainHttpServesOnlyInsecureRoutesThatRequireNoToken() {
    Map<String, Route> routes = byPrefix(RouteTranslator.translate(table()));

    assertThat(routes.get("/open").hasRoute()).isTrue();
    assertThat(routes.get("/open").getTypedPerFilterConfigMap()).isEmpty();
    // permitInsecure, but a token is required: plain HTTP has no JWT filter, so it upgrades.
    assertThat(routes.get("/insecure").getRedirect().getHttpsRedirect()).isTrue();
    assertThat(routes.get("/other").getRedirect().getHttpsRedirect()).isTrue();
  }

  @Test
  void proxylessClientsGetNoRouteThatRequiresAToken() {
    RouteConfiguration proxyless = RouteTranslator.perHost(table()).get(0);

    assertThat(byPrefix(proxyless)).containsOnlyKeys("/open");
  }

  @Test
  void eachKeySetIsAStrictDnsClusterOverTlsForHttps() {
    List<Cluster> clusters = JwtAuthentications.clusters(table());

    assertThat(clusters)
        .containsExactly(
            cluster("dnsname/http/127.0.0.1:8080", "127.0.0.1", 8080)
                .setDnsLookupFamily(Cluster.DnsLookupFamily.AUTO)
                .build(),
            cluster("dnsname/https/idp.example/0123456789", "idp.example", 443)
                .setDnsLookupFamily(Cluster.DnsLookupFamily.V4_ONLY)
                .setTransportSocket(
                    TransportSocket.newBuilder()
                        .setName("envoy.transport_sockets.tls")
                        .setTypedConfig(
                            Any.pack(
                                UpstreamTlsContext.newBuilder()
                                    .setSni("idp.example")
                                    .setCommonTlsContext(
                                        CommonTlsContext.newBuilder()
                                            .setValidationContext(
                                                CertificateValidationContext.newBuilder()
                                                    .setTrustedCa(
                                                        DataSource.newBuilder()
                                                            .setInlineString("CA PEM"))
                                                    .addMatchTypedSubjectAltNames(
                                                        SubjectAltNameMatcher.newBuilder()
                                                            .setSanType(
                                                                SubjectAltNameMatcher.SanType.DNS)
                                                            .setMatcher(
                                                                StringMatcher.newBuilder()
                                                                    .setExact("idp.example")))))
                                    .build())))
                .build());
  }

  @Test
  void aKeySetWithoutItsOwnLookupFamilyResolvesAsTheHubsDnsClusters() {
    XdsAssembler.Assembly assembly =
        new XdsAssembler("127.0.0.1", 8080, 8443, ListenerSettings.contour(), DnsLookupFamily.V6)
            .assemble(table());

    Map<String, Cluster> clusters = assembly.snapshot().clusters().resources();
    assertThat(clusters.get("dnsname/http/127.0.0.1:8080").getDnsLookupFamily())
        .isEqualTo(Cluster.DnsLookupFamily.V6_ONLY);
    // A provider's own family wins.
    assertThat(clusters.get("dnsname/https/idp.example/0123456789").getDnsLookupFamily())
        .isEqualTo(Cluster.DnsLookupFamily.V4_ONLY);
  }

  @Test
  void theAssemblerServesKeySetClustersToEnvoyOnly() {
    XdsAssembler.Assembly assembly = new XdsAssembler("127.0.0.1", 8080, 8443).assemble(table());

    assertThat(assembly.snapshot().clusters().resources().keySet())
        .contains("dnsname/http/127.0.0.1:8080", "dnsname/https/idp.example/0123456789");
    assertThat(assembly.proxyless().clusters().resources()).isEmpty();
  }

  private static Cluster.Builder cluster(String name, String host, int port) {
    return Cluster.newBuilder()
        .setName(name)
        .setAltStatName(name.replace('/', '_').replace(':', '_'))
        .setType(Cluster.DiscoveryType.STRICT_DNS)
        .setConnectTimeout(seconds(2, 0))
        .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
        .setLoadAssignment(
            ClusterLoadAssignment.newBuilder()
                .setClusterName(name)
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
                                                        .setAddress(host)
                                                        .setPortValue(port)))))));
  }

  private static com.google.protobuf.Duration seconds(long seconds, int nanos) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(seconds).setNanos(nanos).build();
  }

  private static String requirement(Route r) throws Exception {
    return r.getTypedPerFilterConfigOrThrow("envoy.filters.http.jwt_authn")
        .unpack(PerRouteConfig.class)
        .getRequirementName();
  }

  private static Map<String, Route> byPrefix(RouteConfiguration config) {
    Map<String, Route> routes = new java.util.TreeMap<>();
    for (Route r : config.getVirtualHosts(0).getRoutesList()) {
      routes.put(r.getMatch().getPrefix(), r);
    }
    return routes;
  }
}
