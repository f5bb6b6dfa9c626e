package dev.gantry.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code /metrics}, {@code /healthz} and {@code /readyz} for a Gantry process (the JDK HTTP
 * server: no dependency for three plain-text endpoints).
 */
public final class HealthServer implements AutoCloseable {
  /** A probe's answer: whether it passes and a line for people. */
  public record Check(boolean ok, String message) {}

  private final HttpServer server;

  public HealthServer(
      InetSocketAddress address,
      Supplier<String> metrics,
      Supplier<Check> health,
      Supplier<Check> readiness) {
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address + " for metrics", e);
    }
    server.setExecutor(Executors.newSingleThreadExecutor(r -> daemon(r, "metrics-http")));
    server.createContext(
        "/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4", metrics.get()));
    server.createContext("/healthz", exchange -> respond(exchange, health.get()));
    server.createContext("/readyz", exchange -> respond(exchange, readiness.get()));
    server.start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, Check check) throws IOException {
    respond(exchange, check.ok() ? 200 : 503, "text/plain", check.message() + "\n");
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
