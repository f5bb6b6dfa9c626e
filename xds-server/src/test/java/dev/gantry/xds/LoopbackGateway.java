package dev.gantry.xds;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.server.XdsServer;
import dev.gantry.xds.translate.ListenerSettings;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The xDS server publishing fixed HTTPProxies over a fixed federation to a real Envoy, whose {@code
 * ingress_http} listens on a loopback port: what the ITs without an apiserver (backends on
 * loopback) share.
 */
final class LoopbackGateway implements AutoCloseable {
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<List<ProxyVerdict>> verdicts = new AtomicReference<>(List.of());
  private final HttpClient http = HttpClient.newHttpClient();
  private final int port = Ports.freeLoopbackPort();
  private final int httpsPort = Ports.freeLoopbackPort();
  private XdsServer server;
  private dev.gantry.xds.publish.XdsPublisher publisher;
  private Envoy envoy;

  private LoopbackGateway() {}

  /**
   * Publishes {@code proxies} over {@code federation} and starts Envoy {@code name} on ADS.
   *
   * @param apiType {@code GRPC} (state of the world) or {@code DELTA_GRPC}
   */
  static LoopbackGateway start(
      String name, String apiType, List<HTTPProxy> proxies, FederationSnapshot federation) {
    return start(name, apiType, proxies, federation, Map.of(), ListenerSettings.contour());
  }

  /**
   * As above, with TLS {@code secrets} (by {@code namespace/name}) for {@code ingress_https} and
   * Envoy's listeners treating clients as {@code settings} say.
   */
  static LoopbackGateway start(
      String name,
      String apiType,
      List<HTTPProxy> proxies,
      FederationSnapshot federation,
      Map<String, io.fabric8.kubernetes.api.model.Secret> secrets,
      ListenerSettings settings) {
    return start(
        name,
        apiType,
        proxies,
        federation,
        secrets,
        settings,
        new dev.gantry.xds.compile.httpproxy.ProxyCompiler("gantry"),
        List.of());
  }

  /** As above, compiling with {@code compiler}, which may use {@code extensions}. */
  static LoopbackGateway start(
      String name,
      String apiType,
      List<HTTPProxy> proxies,
      FederationSnapshot federation,
      Map<String, io.fabric8.kubernetes.api.model.Secret> secrets,
      ListenerSettings settings,
      dev.gantry.xds.compile.httpproxy.ProxyCompiler compiler,
      List<dev.gantry.api.crd.contour.ExtensionService> extensions) {
    return start(
        name,
        apiType,
        proxies,
        federation,
        secrets,
        settings,
        compiler,
        extensions,
        java.util.function.UnaryOperator.identity());
  }

  /**
   * As above, Envoy's bootstrap changed by {@code bootstrap} (e.g. {@link Envoy#withDnsResolver}).
   */
  static LoopbackGateway start(
      String name,
      String apiType,
      List<HTTPProxy> proxies,
      FederationSnapshot federation,
      Map<String, io.fabric8.kubernetes.api.model.Secret> secrets,
      ListenerSettings settings,
      dev.gantry.xds.compile.httpproxy.ProxyCompiler compiler,
      List<dev.gantry.api.crd.contour.ExtensionService> extensions,
      java.util.function.UnaryOperator<String> bootstrap) {
    return start(
        name,
        apiType,
        proxies,
        federation,
        secrets,
        settings,
        compiler,
        extensions,
        bootstrap,
        dev.gantry.xds.ir.DnsLookupFamily.AUTO);
  }

  /** As above, DNS clusters asking for the addresses {@code family} says. */
  static LoopbackGateway start(
      String name,
      String apiType,
      List<HTTPProxy> proxies,
      FederationSnapshot federation,
      Map<String, io.fabric8.kubernetes.api.model.Secret> secrets,
      ListenerSettings settings,
      dev.gantry.xds.compile.httpproxy.ProxyCompiler compiler,
      List<dev.gantry.api.crd.contour.ExtensionService> extensions,
      java.util.function.UnaryOperator<String> bootstrap,
      dev.gantry.xds.ir.DnsLookupFamily family) {
    LoopbackGateway gateway = new LoopbackGateway();
    try {
      gateway.server =
          new XdsServer(new InetSocketAddress("127.0.0.1", 0), gateway.metrics, null).start();
      gateway.publisher =
          Fixtures.publishing(
              gateway.executor,
              gateway.server,
              gateway.metrics,
              gateway.port,
              gateway.httpsPort,
              gateway.verdicts::set,
              proxies,
              federation,
              secrets,
              settings,
              compiler,
              extensions,
              family);
      gateway.envoy =
          Envoy.start(
              name,
              bootstrap.apply(Envoy.adsBootstrap(name, apiType, gateway.server.port())),
              Testbed.workDirectory().resolve(name + "-" + System.nanoTime()));
      return gateway;
    } catch (RuntimeException e) {
      gateway.close();
      throw e;
    }
  }

  /**
   * Starts Envoy {@code name} on Delta ADS serving {@code proxy}, whose routes go to the federated
   * service {@code demo/web}: one backend of {@code backends} answering {@code backend}.
   */
  static LoopbackGateway serving(String name, HTTPProxy proxy, Backends backends) {
    int port = backends.start("backend");
    FederatedService web =
        Fixtures.service("demo/web")
            .port("http", 80)
            .cluster("east", 0, 1, "http", "127.0.0.1:" + port)
            .build();
    return start(
        name,
        "DELTA_GRPC",
        List.of(proxy),
        new FederationSnapshot(Map.of(web.name(), web), Map.of()));
  }

  /** Serves these HTTPProxies and Ingresses instead (built after the gateway's holdoff). */
  void routes(
      List<HTTPProxy> proxies,
      List<io.fabric8.kubernetes.api.model.networking.v1.Ingress> ingresses) {
    publisher.routesChanged(proxies, List.of(), ingresses);
  }

  /** Serves this federation instead: what changed since the last one reaches Envoy. */
  void federation(FederationSnapshot snapshot) {
    Feeds.federation(publisher, snapshot);
  }

  /** The verdicts of the latest build. */
  List<ProxyVerdict> verdicts() {
    return verdicts.get();
  }

  XdsMetrics metrics() {
    return metrics;
  }

  Envoy envoy() {
    return envoy;
  }

  /** Envoy's {@code ingress_https} port on 127.0.0.1 (listening once a host has TLS). */
  int httpsPort() {
    return httpsPort;
  }

  /** Envoy's {@code ingress_http} port on 127.0.0.1. */
  int port() {
    return port;
  }

  /** A request to Envoy's {@code ingress_http} for {@code host}, with header name/value pairs. */
  HttpResponse<String> send(String method, String host, String path, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Host", host)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String host, String path, String... headers) throws Exception {
    return send("GET", host, path, headers);
  }

  @Override
  public void close() {
    if (envoy != null) {
      envoy.close();
    }
    if (server != null) {
      server.close();
    }
    executor.shutdownNow();
  }
}
