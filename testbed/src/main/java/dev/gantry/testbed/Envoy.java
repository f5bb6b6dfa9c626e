package dev.gantry.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Envoy process started from a bootstrap file, with its admin interface on a free loopback
 * port and its log captured to a file (printed by failing tests). The bootstrap must not set {@code
 * admin}: the launcher adds it.
 */
public final class Envoy implements AutoCloseable {
  private final ManagedProcess process;
  private final int adminPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Envoy(ManagedProcess process, int adminPort) {
    this.process = process;
    this.adminPort = adminPort;
  }

  /**
   * Starts Envoy with {@code bootstrapYaml} and waits until its admin interface answers {@code
   * /ready} with LIVE (listeners and clusters from the bootstrap initialised).
   */
  public static Envoy start(String name, String bootstrapYaml, Path dir) {
    return start(name, bootstrapYaml, dir, Tools.resolve());
  }

  public static Envoy start(String name, String bootstrapYaml, Path dir, Tools tools) {
    int adminPort = Ports.freeLoopbackPort();
    Path bootstrap = dir.resolve(name + "-bootstrap.yaml");
    try {
      Files.createDirectories(dir);
      Files.writeString(bootstrap, bootstrapYaml);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + bootstrap, e);
    }
    ManagedProcess process =
        new ManagedProcess(
            name,
            List.of(
                Tools.require(tools.envoy()).toString(),
                "--config-path",
                bootstrap.toString(),
                "--config-yaml",
                "admin: {address: {socket_address: {address: 127.0.0.1, port_value: "
                    + adminPort
                    + "}}}",
                // Several Envoys may run side by side; hot restart would need distinct base ids.
                "--disable-hot-restart",
                "--concurrency",
                "1",
                "--log-level",
                "info"),
            dir.resolve(name + ".log"));
    Envoy envoy = new Envoy(process, adminPort);
    process.start();
    try {
      process.awaitReady(
          "envoy " + name,
          Duration.ofSeconds(30),
          () -> "LIVE".equals(envoy.admin("/ready").strip()));
    } catch (RuntimeException e) {
      process.stop();
      throw e;
    }
    return envoy;
  }

  /** The Envoy process's id (e.g. to read its CPU time). */
  public long pid() {
    return process.pid();
  }

  /**
   * A bootstrap that takes everything from an xDS server on loopback over ADS.
   *
   * @param apiType {@code GRPC} (state of the world) or {@code DELTA_GRPC} (incremental)
   */
  public static String adsBootstrap(String nodeId, String apiType, int xdsPort) {
    return adsBootstrap(nodeId, apiType, List.of(xdsPort));
  }

  /**
   * As {@link #adsBootstrap(String, String, int)}, with several xDS servers (hub replicas) behind
   * one cluster, as behind a Service: the ADS stream goes to one, and when it fails Envoy
   * reconnects (0.25 s, backing off to 5 s) to one that answers.
   */
  public static String adsBootstrap(String nodeId, String apiType, List<Integer> xdsPorts) {
    StringBuilder endpoints = new StringBuilder();
    for (int port : xdsPorts) {
      endpoints
          .append(endpoints.length() == 0 ? "" : ", ")
          .append("{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ")
          .append(port)
          .append("}}}}");
    }
    return """
        node: {id: %1$s, cluster: gantry}
        dynamic_resources:
          ads_config:
            api_type: %2$s
            transport_api_version: V3
            # The node (tens of KB with its extension list) on a stream's first request only,
            # not on every acknowledgement; the hub keeps it per stream.
            set_node_on_first_message_only: true
            grpc_services:
            - envoy_grpc:
                cluster_name: xds
                retry_policy: {retry_back_off: {base_interval: 0.25s, max_interval: 5s}}
          cds_config: {ads: {}, resource_api_version: V3}
          lds_config: {ads: {}, resource_api_version: V3}
        static_resources:
          clusters:
          - name: xds
            type: STATIC
            connect_timeout: 1s
            typed_extension_protocol_options:
              envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                explicit_http_config: {http2_protocol_options: {}}
            load_assignment:
              cluster_name: xds
              endpoints: [{lb_endpoints: [%3$s]}]
        """
        .formatted(nodeId, apiType, endpoints);
  }

  /**
   * As {@link #adsBootstrap}, over mutual TLS: Envoy presents {@code certificate}/{@code key}
   * (files; null for none) and trusts the hub's certificate only if {@code ca} signed it.
   */
  public static String adsBootstrapTls(
      String nodeId, String apiType, int xdsPort, Path certificate, Path key, Path ca) {
    return adsBootstrapTls(nodeId, apiType, List.of(xdsPort), certificate, key, ca);
  }

  /** As {@link #adsBootstrapTls(String, String, int, Path, Path, Path)}, with several hubs. */
  public static String adsBootstrapTls(
      String nodeId, String apiType, List<Integer> xdsPorts, Path certificate, Path key, Path ca) {
    StringBuilder tls = new StringBuilder();
    tls.append("    transport_socket:\n")
        .append("      name: envoy.transport_sockets.tls\n")
        .append("      typed_config:\n")
        .append("        \"@type\": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3")
        .append(".UpstreamTlsContext\n")
        .append("        common_tls_context:\n");
    if (certificate != null) {
      tls.append("          tls_certificates:\n")
          .append("          - certificate_chain: {filename: ")
          .append(certificate)
          .append("}\n")
          .append("            private_key: {filename: ")
          .append(key)
          .append("}\n");
    }
    tls.append("          validation_context:\n")
        .append("            trusted_ca: {filename: ")
        .append(ca)
        .append("}\n");
    return adsBootstrap(nodeId, apiType, xdsPorts) + tls;
  }

  /**
   * {@code bootstrap} with Envoy resolving DNS names (its DNS clusters') only through the server at
   * {@code 127.0.0.1:port} over UDP, with c-ares and no search domains: a test's own DNS server, so
   * that no name ever leaves the machine.
   */
  public static String withDnsResolver(String bootstrap, int port) {
    return bootstrap
        + """
        typed_dns_resolver_config:
          name: envoy.network.dns_resolver.cares
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.network.dns_resolver.cares.v3.CaresDnsResolverConfig
            resolvers: [{socket_address: {address: 127.0.0.1, port_value: %d, protocol: UDP}}]
            use_resolvers_as_fallback: false
            dns_resolver_options: {use_tcp_for_dns_lookups: false, no_default_search_domain: true}
        """
            .formatted(port);
  }

  /** A static Envoy bootstrap: one listener routing everything to one loopback backend. */
  public static String staticBootstrap(int listenerPort, int backendPort) {
    return """
        static_resources:
          listeners:
          - name: ingress_http
            address: {socket_address: {address: 127.0.0.1, port_value: %d}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: ingress_http
                  route_config:
                    virtual_hosts:
                    - name: static
                      domains: ["*"]
                      routes:
                      - match: {prefix: "/"}
                        route: {cluster: backend}
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
          clusters:
          - name: backend
            type: STATIC
            connect_timeout: 1s
            load_assignment:
              cluster_name: backend
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        """
        .formatted(listenerPort, backendPort);
  }

  /** GET on the admin interface, e.g. {@code /clusters} or {@code /config_dump}. */
  public String admin(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  /** One statistic's value from {@code /stats}, or -1 when Envoy does not have it. */
  public long stat(String name) throws IOException, InterruptedException {
    String filter = "^" + name.replace(".", "\\.") + "$";
    String body = admin("/stats?filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8));
    for (String line : body.split("\n")) {
      int colon = line.indexOf(": ");
      if (colon > 0 && line.substring(0, colon).equals(name)) {
        return Long.parseLong(line.substring(colon + 2).trim());
      }
    }
    return -1;
  }

  public int adminPort() {
    return adminPort;
  }

  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.stop();
  }
}
