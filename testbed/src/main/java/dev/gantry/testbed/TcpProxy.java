package dev.gantry.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP forwarder on a loopback port that a test can cut: {@link #cut()} closes every open
 * connection and refuses new ones (accepted, then closed at once) until {@link #restore()}. Put in
 * front of an apiserver it makes the apiserver unreachable for one client only, while its data and
 * everyone else's connections stay; TLS passes through untouched.
 */
public final class TcpProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

  private final String name;
  private final InetSocketAddress target;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong refused = new AtomicLong();
  private volatile boolean cut;
  private volatile boolean closed;

  private TcpProxy(String name, InetSocketAddress target) {
    this.name = name;
    this.target = target;
    try {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), Ports.freeLoopbackPort()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for proxy " + name, e);
    }
    Thread acceptor = new Thread(this::accept, "proxy-" + name);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts forwarding a new loopback port to {@code host:port}. */
  public static TcpProxy start(String name, String host, int port) {
    return new TcpProxy(name, new InetSocketAddress(host, port));
  }

  /** The loopback port it listens on. */
  public int port() {
    return server.getLocalPort();
  }

  /** Closes every open connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
    log.info("proxy {}: cut", name);
  }

  /** Whether it is cut now. */
  public boolean isCut() {
    return cut;
  }

  /** Forwards new connections again. */
  public void restore() {
    cut = false;
    log.info("proxy {}: restored ({} connection(s) refused while cut)", name, refused.get());
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed) {
          log.warn("proxy {}: accept failed: {}", name, e.toString());
        }
        return;
      }
      if (cut) {
        refused.incrementAndGet();
        closeQuietly(client);
        continue;
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(target, 2_000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(upstream);
        continue;
      }
      open.add(client);
      open.add(upstream);
      pump(client, upstream);
      pump(upstream, client);
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // The other side or cut() closed it.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "proxy-" + name + "-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }
}
