package dev.gantry.xds.feature;

/**
 * Expected resources that many feature tests share, as YAML list items (or status map entries) to
 * join with a test's own. Each says once what the hub makes of the simplest input.
 */
final class Expect {
  private Expect() {}

  /**
   * Envoy's plain HTTP listener on the hub's default address: routes from RDS ({@code
   * ingress_http}) over ADS, the CORS filter (a no-op for hosts without a policy) before the
   * router. It is there whatever the inputs.
   */
  static String ingressHttpListener() {
    return """
        - name: ingress_http
          address: {socket_address: {address: 0.0.0.0, port_value: 8080}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: ingress_http
        """
        + connectionManagerDefaults().indent(8)
        + """
                rds:
                  config_source: {ads: {}, resource_api_version: V3}
                  route_config_name: ingress_http
                http_filters:
        """
        + httpFilters().indent(8);
  }

  /**
   * The head of Envoy's HTTPS listener on the hub's default address, up to its filter chains (one
   * per TLS host, to follow): a TLS inspector reads the SNI they are chosen by.
   */
  static String ingressHttpsListener() {
    return """
        - name: ingress_https
          address: {socket_address: {address: 0.0.0.0, port_value: 8443}}
          listener_filters:
          - name: envoy.filters.listener.tls_inspector
            typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector}
          filter_chains:
        """;
  }

  /**
   * What the hub's default listener settings (Contour's) put in every Envoy connection manager: the
   * client address from the connection, normalised paths with slashes merged, {@code Server:
   * envoy}, Envoy's text access log to stdout, connections idle for 60 s closed.
   */
  static String connectionManagerDefaults() {
    return """
        use_remote_address: true
        normalize_path: true
        merge_slashes: true
        server_header_transformation: OVERWRITE
        access_log:
        - name: envoy.access_loggers.file
          typed_config: {"@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog, path: /dev/stdout}
        common_http_protocol_options: {idle_timeout: 60s}
        """;
  }

  /**
   * The HTTP filters of every Envoy connection manager, as list items: CORS, local rate limit, RBAC
   * and Set-Cookie rewriting (each inert until a virtual host or route configures it), then the
   * router.
   */
  static String httpFilters() {
    return """
        - name: envoy.filters.http.cors
          typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors}
        - name: envoy.filters.http.local_ratelimit
          typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit, stat_prefix: http}
        - name: envoy.filters.http.rbac
          typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC}
        - name: gantry.cookie_rewrite
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua
            default_source_code: {inline_string: "-- Set-Cookie rewrites come per route."}
        - name: envoy.filters.http.router
          typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
        """;
  }

  /**
   * The first HTTP filter of a terminated host's connection manager on {@code ingress_https}: a
   * request whose authority (port removed, lower case) is not {@code fqdn} gets 421 Misdirected
   * Request, as Contour answers.
   */
  static String misdirectedRequestFilter(String fqdn) {
    return """
        - name: envoy.filters.http.lua
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua
            default_source_code:
              inline_string: |
                function envoy_on_request(request_handle)
                  local authority = request_handle:headers():get(":authority") or ""
                  local host = string.lower((string.gsub(authority, ":%%d+$", "")))
                  if host ~= "%s" then
                    request_handle:respond({[":status"] = "421"}, "misdirected request\\n")
                  end
                end
        """
        .formatted(fqdn);
  }

  /**
   * The cluster of a service port a route names without cluster policies ({@code
   * namespace/service/port}): endpoints from EDS over ADS, round robin across localities weighted
   * by their source cluster's weight, a 2 s connect timeout (Contour's), and outlier detection so
   * that an endpoint failing 3 times in a row is ejected and traffic moves to the others.
   */
  static String edsCluster(String servicePort) {
    String name = servicePort + "/<hash>";
    return """
        - name: %s
          alt_stat_name: %s
          type: EDS
          eds_cluster_config:
            eds_config: {ads: {}, resource_api_version: V3}
            service_name: %s
          connect_timeout: 2s
          lb_policy: ROUND_ROBIN
          common_lb_config: {locality_weighted_lb_config: {}}
          outlier_detection:
            consecutive_5xx: 3
            consecutive_gateway_failure: 3
            consecutive_local_origin_failure: 3
            split_external_local_origin_errors: true
            interval: 2s
            base_ejection_time: 10s
            max_ejection_percent: 100
        """
        .formatted(name, name.replace('/', '_'), name);
  }

  /** The status of a valid HTTPProxy at generation 1, keyed by {@code namespace/name}. */
  static String valid(String proxy) {
    return """
        %s:
          currentStatus: valid
          description: Valid HTTPProxy
          conditions:
          - type: Valid
            status: "True"
            observedGeneration: 1
            reason: Valid
            message: Valid HTTPProxy
        """
        .formatted(proxy);
  }

  /**
   * The assignment of demo/kuard port 80 of {@link Federations#standard()}: one locality per
   * cluster named by it, weighted by the cluster's weight, north's lower preference as priority 1;
   * only the ready endpoints (east's not-ready one is never sent, west's terminating one only if no
   * ready endpoint were left anywhere), at their target port.
   */
  static String kuardEndpoints() {
    return """
        - cluster_name: demo/kuard/80/<hash>
          endpoints:
          - locality: {region: east}
            lb_endpoints:
            - endpoint: {address: {socket_address: {address: 10.1.0.1, port_value: 8080}}}
              health_status: HEALTHY
            load_balancing_weight: 1
          - locality: {region: north}
            lb_endpoints:
            - endpoint: {address: {socket_address: {address: 10.3.0.1, port_value: 8080}}}
              health_status: HEALTHY
            load_balancing_weight: 1
            priority: 1
          - locality: {region: west}
            lb_endpoints:
            - endpoint: {address: {socket_address: {address: 10.2.0.1, port_value: 8080}}}
              health_status: HEALTHY
            load_balancing_weight: 3
        """;
  }
}
