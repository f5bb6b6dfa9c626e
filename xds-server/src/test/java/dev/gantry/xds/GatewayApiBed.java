package dev.gantry.xds;

import static dev.gantry.xds.GatewayApiFixtures.gateway;
import static dev.gantry.xds.GatewayApiFixtures.http;
import static dev.gantry.xds.GatewayApiFixtures.parent;
import static dev.gantry.xds.GatewayApiFixtures.route;
import static dev.gantry.xds.GatewayApiFixtures.rule;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.testbed.Envoy;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.xds.compile.gateway.GatewayApiObjects;
import dev.gantry.xds.compile.gateway.GatewayApiStatuses;
import dev.gantry.xds.publish.XdsMetrics;
import dev.gantry.xds.publish.XdsPublisher;
import dev.gantry.xds.server.XdsServer;
import dev.gantry.xds.translate.ListenerSettings;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestRedirectFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One real Envoy fed by the xDS server from Gateway API objects (no apiserver): its plain HTTP and
 * HTTPS listeners on loopback ports, the federation and Secrets given at start, the statuses of
 * each build. {@link #applyAndWait} replaces the objects and returns once Envoy routes with them:
 * beside the objects it applies a marker route on a Gateway of its own, whose redirect names the
 * generation, and waits until Envoy answers with that generation.
 */
public final class GatewayApiBed implements AutoCloseable {
  private static final String MARKER_HOST = "marker.bed.test";

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final XdsMetrics metrics = new XdsMetrics();
  private final AtomicReference<GatewayApiStatuses> statuses =
      new AtomicReference<>(GatewayApiStatuses.NONE);
  private final HttpClient client = HttpClient.newHttpClient();
  private final XdsServer server;
  private final XdsPublisher publisher;
  private final Envoy envoy;
  private final int httpPort;
  private final int httpsPort;
  private int generation;

  private GatewayApiBed(
      String name,
      FederationSnapshot federation,
      Map<String, Secret> secrets,
      GatewayApiObjects initial) {
    server = new XdsServer(new InetSocketAddress("127.0.0.1", 0), metrics, null).start();
    httpPort = Ports.freeLoopbackPort();
    httpsPort = Ports.freeLoopbackPort();
    publisher =
        Fixtures.publishing(
            executor,
            server,
            metrics,
            httpPort,
            httpsPort,
            v -> {},
            List.of(),
            federation,
            secrets,
            ListenerSettings.contour());
    publisher.onGatewayApiStatuses(statuses::set);
    publisher.gatewayApiChanged(initial);
    envoy =
        Envoy.start(
            name,
            Envoy.adsBootstrap(name, "GRPC", server.port()),
            Testbed.workDirectory().resolve(name + "-" + System.nanoTime()));
  }

  /** Starts the xDS server and Envoy, serving {@code initial} as soon as Envoy connects. */
  public static GatewayApiBed start(
      String name,
      FederationSnapshot federation,
      Map<String, Secret> secrets,
      GatewayApiObjects initial) {
    return new GatewayApiBed(name, federation, secrets, initial);
  }

  public int httpPort() {
    return httpPort;
  }

  public int httpsPort() {
    return httpsPort;
  }

  public XdsPublisher publisher() {
    return publisher;
  }

  /** The statuses of the latest build. */
  public GatewayApiStatuses statuses() {
    return statuses.get();
  }

  /**
   * Serves {@code objects} (and the marker) and waits until Envoy's plain HTTP listener routes with
   * them, and their statuses are computed.
   */
  public synchronized void applyAndWait(GatewayApiObjects objects) {
    int epoch = ++generation;
    List<Gateway> gateways = new ArrayList<>(objects.gateways());
    gateways.add(gateway("gantry-bed/marker", http("marker", 80, MARKER_HOST)));
    List<HTTPRoute> routes = new ArrayList<>(objects.httpRoutes());
    routes.add(marker(epoch));
    GatewayApiObjects marked =
        new GatewayApiObjects(
            objects.gatewayClasses(),
            gateways,
            routes,
            objects.grpcRoutes(),
            objects.referenceGrants(),
            objects.namespaceLabels(),
            objects.tlsRoutes());
    publisher.gatewayApiChanged(marked);
    String location = "http://epoch-" + epoch + ".bed.test/";
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                location.equals(
                        send(MARKER_HOST, "GET", "/", Map.of())
                            .headers()
                            .firstValue("location")
                            .orElse(""))
                    && statuses.get().httpRoutes().containsKey(key(epoch)));
  }

  private static String key(int epoch) {
    return "gantry-bed/marker-" + epoch;
  }

  private static HTTPRoute marker(int epoch) {
    HTTPRouteFilter f = new HTTPRouteFilter();
    f.setType("RequestRedirect");
    HTTPRequestRedirectFilter redirect = new HTTPRequestRedirectFilter();
    redirect.setHostname("epoch-" + epoch + ".bed.test");
    f.setRequestRedirect(redirect);
    return route(
        key(epoch),
        List.of(MARKER_HOST),
        List.of(parent("gantry-bed/marker", null)),
        rule(List.of(), List.of(f)));
  }

  /** A plain HTTP request to Envoy with {@code Host: host}; headers as name, value pairs. */
  public HttpResponse<String> send(
      String host, String method, String pathAndQuery, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + pathAndQuery))
            .header("Host", host)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5));
    headers.forEach(request::header);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** What Envoy's admin interface answers at {@code path}, e.g. {@code /config_dump}. */
  public String admin(String path) throws Exception {
    return envoy.admin(path);
  }

  @Override
  public void close() {
    envoy.close();
    server.close();
    executor.shutdownNow();
  }
}
