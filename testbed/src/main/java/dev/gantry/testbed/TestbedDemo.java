package dev.gantry.testbed;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the local test bed for people to look at: three clusters (east, west, hub) and an Envoy in
 * front of a sample backend, then prints how to reach each and waits for Ctrl-C. With {@code
 * --once} it stops right after printing (used by the demo's own test).
 */
public final class TestbedDemo {
  private TestbedDemo() {}

  public static void main(String[] args) throws Exception {
    boolean once = List.of(args).contains("--once");
    long started = System.nanoTime();
    Tools tools = Tools.resolve();
    HttpServer backend = sampleBackend();
    Testbed testbed =
        Testbed.start(new ClusterProvider.LocalBinaryProvider(), List.of("east", "west", "hub"));
    int listener = Ports.freeLoopbackPort();
    Envoy envoy =
        Envoy.start(
            "envoy",
            staticBootstrap(listener, backend.getAddress().getPort()),
            testbed.directory().resolve("envoy"),
            tools);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  envoy.close();
                  testbed.close();
                  backend.stop(0);
                  System.out.println("demo stopped: all processes ended");
                  stopped.countDown();
                },
                "demo-stop"));

    System.out.printf(
        "Gantry test bed up in %.1f s (provider: local, files in %s)%n%n",
        (System.nanoTime() - started) / 1e9, testbed.directory());
    for (KubeCluster cluster : testbed.clusters()) {
      System.out.printf(
          "  cluster %-5s %s%n    kubectl --kubeconfig %s get namespaces%n",
          cluster.name(), cluster.apiServerUrl(), cluster.adminKubeconfigFile());
    }
    System.out.printf(
        "%n  envoy   http://127.0.0.1:%d/  (admin http://127.0.0.1:%d/)%n",
        listener, envoy.adminPort());
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener + "/demo"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    System.out.printf(
        "    curl http://127.0.0.1:%d/demo  ->  %d %s%n%n",
        listener, answer.statusCode(), answer.body());
    if (once) {
      System.exit(answer.statusCode() == 200 ? 0 : 1);
    }
    System.out.println("Press Ctrl-C to stop.");
    stopped.await();
  }

  private static HttpServer sampleBackend() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = "hello from the sample backend".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return server;
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
}
