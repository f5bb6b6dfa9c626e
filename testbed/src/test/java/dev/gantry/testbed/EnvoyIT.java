package dev.gantry.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A real Envoy from a static bootstrap proxies an HTTP request to a JDK backend on loopback. */
class EnvoyIT {

  @Test
  void envoyFromStaticBootstrapProxiesToLoopbackBackend() throws Exception {
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.createContext(
        "/",
        exchange -> {
          byte[] body =
              ("backend saw "
                      + exchange.getRequestURI().getPath()
                      + " host "
                      + exchange.getRequestHeaders().getFirst("Host"))
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("x-backend", "jdk");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    backend.start();
    int listenerPort = Ports.freeLoopbackPort();
    String bootstrap = Envoy.staticBootstrap(listenerPort, backend.getAddress().getPort());
    Path dir = Testbed.workDirectory().resolve("envoy-" + ThreeClustersIT.shortId());
    try (Envoy envoy = Envoy.start("envoy-smoke", bootstrap, dir)) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listenerPort + "/hello"))
                  .header("Host", "kuard.example.com")
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("backend saw /hello host kuard.example.com");
      assertThat(response.headers().firstValue("x-backend")).hasValue("jdk");
      // Envoy set its own header: the answer really crossed the proxy.
      assertThat(response.headers().firstValue("x-envoy-upstream-service-time")).isPresent();
      assertThat(envoy.stat("cluster.backend.upstream_rq_200")).isEqualTo(1);
    } finally {
      backend.stop(0);
    }
  }
}
