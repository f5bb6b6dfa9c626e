package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import dev.gantry.xds.ir.GlobalRateLimit;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.VirtualHostTls;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;

/**
 * The HTTP connection manager of one terminated virtual host on {@code ingress_https}: the
 * listeners' own (see {@link ListenerTranslator#envoyHttpConnectionManager}) routing with the
 * host's route configuration, and in front of its filters one that answers 421 Misdirected Request
 * to a request for another host than the one the client named by SNI, as Contour does: a client may
 * not present the SNI of a host without client validation (or with other TLS settings) and ask for
 * one with it. With {@code forwardClientCertificate} the backend is told about the client's
 * certificate in X-Forwarded-Client-Cert; without, Envoy removes any such header a client sent (its
 * default, {@code SANITIZE}).
 */
final class HttpsConnectionManagers {
  static final String LUA_FILTER = "envoy.filters.http.lua";

  private HttpsConnectionManagers() {}

  static HttpConnectionManager of(RoutingTable.VirtualHost host, ListenerSettings settings) {
    return of(host, settings, null);
  }

  /** As above, with the global rate limit filter of the hub's {@code rateLimits} (null: none). */
  static HttpConnectionManager of(
      RoutingTable.VirtualHost host,
      ListenerSettings settings,
      GlobalRateLimit.Service rateLimits) {
    HttpConnectionManager listeners =
        ListenerTranslator.envoyHttpConnectionManager(
            RouteTranslator.httpsRouteConfigName(host.fqdn()),
            ListenerTranslator.INGRESS_HTTPS,
            settings);
    HttpConnectionManager.Builder hcm =
        listeners.toBuilder().clearHttpFilters().addHttpFilters(misdirected(host.fqdn()));
    hcm.addAllHttpFilters(listeners.getHttpFiltersList());
    // As Contour: JWT verification first, then authorization, then the router.
    if (!host.jwtProviders().isEmpty()) {
      JwtAuthentications.addBeforeRouter(hcm, host.jwtProviders());
    }
    if (host.authorization() != null) {
      ExternalAuthorizations.addBeforeRouter(hcm, host.authorization());
    }
    GlobalRateLimitFilters.addBeforeRouter(hcm, rateLimits);
    VirtualHostTls.ClientValidation clients = host.tls().clientValidation();
    if (clients != null && clients.forward() != null) {
      VirtualHostTls.ForwardedDetails details = clients.forward();
      hcm.setForwardClientCertDetails(HttpConnectionManager.ForwardClientCertDetails.SANITIZE_SET)
          .setSetCurrentClientCertDetails(
              HttpConnectionManager.SetCurrentClientCertDetails.newBuilder()
                  .setSubject(BoolValue.of(details.subject()))
                  .setCert(details.cert())
                  .setChain(details.chain())
                  .setDns(details.dns())
                  .setUri(details.uri()));
    }
    return hcm.build();
  }

  /**
   * Compares the request's authority, without a port and in lower case, with the host's fqdn, or
   * for a wildcard host with the SNI the client sent (which the wildcard matched). The body does
   * not repeat the authority a client wrote. The fqdn goes into the code as it is: both front ends
   * admit only lower-case DNS names ({@code Syntax.validFqdn}), nothing a Lua string would need
   * escaped for.
   */
  static HttpFilter misdirected(String fqdn) {
    String expected =
        fqdn.startsWith("*")
            ? "string.lower(request_handle:streamInfo():requestedServerName())"
            : "\"" + fqdn + "\"";
    String code =
        "function envoy_on_request(request_handle)\n"
            + "  local authority = request_handle:headers():get(\":authority\") or \"\"\n"
            + "  local host = string.lower((string.gsub(authority, \":%d+$\", \"\")))\n"
            + "  if host ~= "
            + expected
            + " then\n"
            + "    request_handle:respond({[\":status\"] = \"421\"}, \"misdirected request\\n\")\n"
            + "  end\n"
            + "end\n";
    return HttpFilter.newBuilder()
        .setName(LUA_FILTER)
        .setTypedConfig(
            Any.pack(
                Lua.newBuilder()
                    .setDefaultSourceCode(DataSource.newBuilder().setInlineString(code))
                    .build()))
        .build();
  }
}
