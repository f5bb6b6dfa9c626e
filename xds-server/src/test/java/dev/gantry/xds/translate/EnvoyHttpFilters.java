package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.List;

/**
 * The HTTP filters every Envoy listener's connection manager carries, written out by hand: CORS,
 * local rate limit, RBAC and Set-Cookie rewriting (each inert until a virtual host or route
 * configures it), the router.
 */
final class EnvoyHttpFilters {
  private EnvoyHttpFilters() {}

  static List<HttpFilter> expected() {
    return List.of(
        HttpFilter.newBuilder()
            .setName("envoy.filters.http.cors")
            .setTypedConfig(Any.pack(Cors.getDefaultInstance()))
            .build(),
        HttpFilter.newBuilder()
            .setName("envoy.filters.http.local_ratelimit")
            .setTypedConfig(Any.pack(LocalRateLimit.newBuilder().setStatPrefix("http").build()))
            .build(),
        HttpFilter.newBuilder()
            .setName("envoy.filters.http.rbac")
            .setTypedConfig(Any.pack(RBAC.getDefaultInstance()))
            .build(),
        HttpFilter.newBuilder()
            .setName("gantry.cookie_rewrite")
            .setTypedConfig(
                Any.pack(
                    Lua.newBuilder()
                        .setDefaultSourceCode(
                            DataSource.newBuilder()
                                .setInlineString("-- Set-Cookie rewrites come per route."))
                        .build()))
            .build(),
        HttpFilter.newBuilder()
            .setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance()))
            .build());
  }
}
