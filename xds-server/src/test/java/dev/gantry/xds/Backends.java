package dev.gantry.xds;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** HTTP backends on loopback that answer with their own name. */
public final class Backends implements AutoCloseable {
  private final List<HttpServer> servers = new ArrayList<>();

  public int start(String name) {
    return start(name, "127.0.0.1");
  }

  /** A backend on {@code address} (e.g. a test network namespace's host address). */
  public int start(String name, String address) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 0);
      server.createContext(
          "/",
          exchange -> {
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
      server.start();
      servers.add(server);
      return server.getAddress().getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
  }
}
