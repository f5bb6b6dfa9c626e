package dev.gantry.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** Requests through Envoy's {@code ingress_http} listener on a loopback port. */
public final class Traffic {
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public Traffic(int port) {
    this.port = port;
  }

  /** GET {@code path} with the Host header {@code host}. */
  public HttpResponse<String> get(String host, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The answer to one GET: the body of a 200 (the backend's name), or {@code status-<code>}, or
   * {@code error} when the request failed.
   */
  public String answer(String host, String path) {
    try {
      HttpResponse<String> r = get(host, path);
      return r.statusCode() == 200 ? r.body() : "status-" + r.statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (Exception e) {
      return "error";
    }
  }

  /** Sends {@code requests} GETs and counts the {@link #answer}s. */
  public Map<String, Integer> tally(String host, String path, int requests) {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < requests; i++) {
      counts.merge(answer(host, path), 1, Integer::sum);
    }
    return counts;
  }
}
