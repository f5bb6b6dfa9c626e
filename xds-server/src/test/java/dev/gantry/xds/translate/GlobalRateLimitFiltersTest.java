package dev.gantry.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import dev.gantry.xds.ir.GlobalRateLimit;
import dev.gantry.xds.ir.Routes;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.ir.WeightedCluster;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.ratelimit.v3.RateLimitServiceConfig;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.XRateLimitHeadersRFCVersion;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hub's rate limit service as Envoy gets it, as Contour writes it: the ratelimit filter before
 * the router of ingress_http, of each terminated host's ingress_https connection manager (after the
 * authorization filter) and of the fallback certificate's chain, none without a service;
 * descriptors as rate limit actions.
 */
class GlobalRateLimitFiltersTest {
  private static final GlobalRateLimit.Service SERVICE =
      new GlobalRateLimit.Service(
          "extension/limits/ratelimit",
          null,
          Duration.ofMillis(250),
          "contour",
          false,
          false,
          false);

  @Test
  void theFilterCallsTheServiceAndRefusesWhenItFails() throws Exception {
    assertThat(GlobalRateLimitFilters.filter(SERVICE))
        .isEqualTo(
            HttpFilter.newBuilder()
                .setName("envoy.filters.http.ratelimit")
                .setTypedConfig(
                    Any.pack(
                        io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit
                            .newBuilder()
                            .setDomain("contour")
                            .setTimeout(
                                com.google.protobuf.Duration.newBuilder().setNanos(250_000_000))
                            .setFailureModeDeny(true)
                            .setRateLimitService(
                                RateLimitServiceConfig.newBuilder()
                                    .setGrpcService(
                                        GrpcService.newBuilder()
                                            .setEnvoyGrpc(
                                                GrpcService.EnvoyGrpc.newBuilder()
                                                    .setClusterName("extension/limits/ratelimit")))
                                    .setTransportApiVersion(ApiVersion.V3))
                            .build()))
                .build());
  }

  @Test
  void failOpenHeadersResourceExhaustedAuthorityAndNoTimeout() throws Exception {
    var config =
        GlobalRateLimitFilters.filter(
                new GlobalRateLimit.Service(
                    "extension/limits/ratelimit",
                    "rl.limits.test",
                    Duration.ZERO,
                    "edge",
                    true,
                    true,
                    true))
            .getTypedConfig()
            .unpack(io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.class);
    assertThat(config.getDomain()).isEqualTo("edge");
    assertThat(config.getFailureModeDeny()).isFalse();
    assertThat(config.getEnableXRatelimitHeaders())
        .isEqualTo(XRateLimitHeadersRFCVersion.DRAFT_VERSION_03);
    assertThat(config.getRateLimitedAsResourceExhausted()).isTrue();
    assertThat(config.getRateLimitService().getGrpcService().getEnvoyGrpc().getAuthority())
        .isEqualTo("rl.limits.test");
    // infinity: Envoy waits as long as it takes.
    assertThat(config.hasTimeout()).isTrue();
    assertThat(config.getTimeout()).isEqualTo(com.google.protobuf.Duration.getDefaultInstance());
  }

  @Test
  void descriptorsBecomeActionsInOrder() {
    RoutingTable.HeaderMatch gold =
        new RoutingTable.HeaderMatch("x-tier", RoutingTable.ValueKind.EXACT, "gold", false, false);
    GlobalRateLimit limit =
        new GlobalRateLimit(
            List.of(
                new GlobalRateLimit.Descriptor(
                    List.of(
                        new GlobalRateLimit.RemoteAddress(),
                        new GlobalRateLimit.GenericKey(null, "web"))),
                new GlobalRateLimit.Descriptor(
                    List.of(
                        new GlobalRateLimit.RequestHeader("x-user", "user"),
                        new GlobalRateLimit.HeaderValueMatch(List.of(gold), "gold", false)))),
            false);
    assertThat(GlobalRateLimitFilters.rateLimits(limit))
        .containsExactly(
            RateLimit.newBuilder()
                .addActions(
                    RateLimit.Action.newBuilder()
                        .setRemoteAddress(RateLimit.Action.RemoteAddress.getDefaultInstance()))
                .addActions(
                    RateLimit.Action.newBuilder()
                        .setGenericKey(
                            RateLimit.Action.GenericKey.newBuilder().setDescriptorValue("web")))
                .build(),
            RateLimit.newBuilder()
                .addActions(
                    RateLimit.Action.newBuilder()
                        .setRequestHeaders(
                            RateLimit.Action.RequestHeaders.newBuilder()
                                .setHeaderName("x-user")
                                .setDescriptorKey("user")))
                .addActions(
                    RateLimit.Action.newBuilder()
                        .setHeaderValueMatch(
                            RateLimit.Action.HeaderValueMatch.newBuilder()
                                .setDescriptorValue("gold")
                                .setExpectMatch(BoolValue.of(false))
                                .addHeaders(
                                    HeaderMatcher.newBuilder()
                                        .setName("x-tier")
                                        .setStringMatch(
                                            StringMatcher.newBuilder().setExact("gold")))))
                .build());
  }

  private static List<String> filters(Listener listener, int chain) throws Exception {
    return filters(listener.getFilterChains(chain));
  }

  private static List<String> filters(io.envoyproxy.envoy.config.listener.v3.FilterChain chain)
      throws Exception {
    return chain
        .getFilters(0)
        .getTypedConfig()
        .unpack(HttpConnectionManager.class)
        .getHttpFiltersList()
        .stream()
        .map(HttpFilter::getName)
        .toList();
  }

  @Test
  void everyConnectionManagerHasTheFilterBeforeTheRouterWhenTheHubHasAService() throws Exception {
    List<WeightedCluster> web = List.of(new WeightedCluster("demo/web/80/abc", 1));
    VirtualHostTls tls =
        new VirtualHostTls(
            new VirtualHostTls.Certificate("demo/cert", "CHAIN", "KEY"),
            VirtualHostTls.Version.TLS_1_2,
            List.of());
    RoutingTable.Authorization auth =
        new RoutingTable.Authorization(
            "extension/auth/authz", null, null, false, false, Map.of(), null);
    RoutingTable table =
        new RoutingTable(
            List.of(
                new RoutingTable.VirtualHost(
                    "secure.example.com",
                    List.of(Routes.route("/", web)),
                    null,
                    tls,
                    null,
                    null,
                    auth)),
            Map.of(),
            SERVICE);

    assertThat(
            filters(
                ListenerTranslator.translate("0.0.0.0", 8080, ListenerSettings.contour(), SERVICE)
                    .get(0),
                0))
        .containsExactly(
            "envoy.filters.http.cors",
            "envoy.filters.http.local_ratelimit",
            "envoy.filters.http.rbac",
            "gantry.cookie_rewrite",
            "envoy.filters.http.ratelimit",
            "envoy.filters.http.router");
    assertThat(
            filters(
                ListenerTranslator.https("0.0.0.0", 8443, table, ListenerSettings.contour()).get(0),
                0))
        .containsExactly(
            "envoy.filters.http.lua",
            "envoy.filters.http.cors",
            "envoy.filters.http.local_ratelimit",
            "envoy.filters.http.rbac",
            "gantry.cookie_rewrite",
            "envoy.filters.http.ext_authz",
            "envoy.filters.http.ratelimit",
            "envoy.filters.http.router");
    // The fallback certificate's chain, for clients without a known SNI, has it too.
    assertThat(
            filters(
                ListenerTranslator.fallbackChain(
                    new VirtualHostTls.Certificate("gantry/fallback", "CHAIN", "KEY"),
                    ListenerSettings.contour(),
                    SERVICE)))
        .containsExactly(
            "envoy.filters.http.cors",
            "envoy.filters.http.local_ratelimit",
            "envoy.filters.http.rbac",
            "gantry.cookie_rewrite",
            "envoy.filters.http.ratelimit",
            "envoy.filters.http.router");
    RoutingTable without = new RoutingTable(table.virtualHosts(), Map.of());
    assertThat(
            filters(
                ListenerTranslator.https("0.0.0.0", 8443, without, ListenerSettings.contour())
                    .get(0),
                0))
        .doesNotContain("envoy.filters.http.ratelimit");
    assertThat(
            filters(
                ListenerTranslator.translate("0.0.0.0", 8080, ListenerSettings.contour()).get(0),
                0))
        .doesNotContain("envoy.filters.http.ratelimit");
  }
}
