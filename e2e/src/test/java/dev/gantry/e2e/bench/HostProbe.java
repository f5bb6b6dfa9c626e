package dev.gantry.e2e.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Asks Envoy over one kept-alive HTTP/1.1 connection: its listener for a host, for the status code
 * of the answer, or its admin for a page. A probe polled every millisecond or so while a change is
 * on its way, and so cheap enough (a write and a read on a socket) not to take the CPU the way it
 * measures needs. The JDK's HTTP client took about a millisecond of CPU a request. A reply it
 * cannot read simply (no length, a closed connection) opens a new connection for the next request,
 * as does one the server closed.
 */
final class HostProbe implements AutoCloseable {
  private final InetSocketAddress address;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  HostProbe(int port) {
    this.address = new InetSocketAddress("127.0.0.1", port);
  }

  /**
   * The status code of {@code GET /} for {@code host}; asked again on a new connection when the
   * kept one turns out closed.
   */
  int status(String host) throws IOException {
    return exchange(host, "/", false).status();
  }

  /** The body of {@code GET path} (Envoy's admin: content-length or chunked). */
  String body(String path) throws IOException {
    return exchange("127.0.0.1", path, true).body();
  }

  private record Reply(int status, String body) {}

  private Reply exchange(String host, String path, boolean keepBody) throws IOException {
    if (socket != null) {
      try {
        return ask(host, path, keepBody);
      } catch (IOException closed) {
        // ask closed it: the next try connects anew
      }
    }
    Socket fresh = new Socket();
    fresh.setTcpNoDelay(true);
    fresh.setSoTimeout(5_000);
    try {
      fresh.connect(address, 5_000);
      in = new BufferedInputStream(fresh.getInputStream());
      out = fresh.getOutputStream();
    } catch (IOException e) {
      fresh.close();
      throw e;
    }
    socket = fresh;
    return ask(host, path, keepBody);
  }

  private Reply ask(String host, String path, boolean keepBody) throws IOException {
    try {
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: gantry-bench\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine = line();
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP/1.1 status line: " + statusLine);
      }
      int status = Integer.parseInt(parts[1]);
      long length = -1;
      boolean chunked = false;
      boolean keep = true;
      for (String header = line(); !header.isEmpty(); header = line()) {
        String lower = header.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lower.substring("content-length:".length()).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        } else if (lower.startsWith("connection:") && lower.contains("close")) {
          keep = false;
        }
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (chunked) {
        for (long size = chunkSize(); size > 0; size = chunkSize()) {
          copy(size, body, keepBody);
          line(); // the CRLF after a chunk
        }
        for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
          // trailers, if any: read past them
        }
      } else if (length >= 0) {
        copy(length, body, keepBody);
      } else {
        keep = false; // a body without a length: it ends when the server closes
        if (keepBody) {
          in.transferTo(body);
        }
      }
      if (!keep) {
        close(); // a new connection next time
      }
      return new Reply(status, body.toString(StandardCharsets.UTF_8));
    } catch (NumberFormatException e) {
      close();
      throw new IOException("not a reply this probe can read", e);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private long chunkSize() throws IOException {
    String line = line();
    int extension = line.indexOf(';');
    return Long.parseLong((extension < 0 ? line : line.substring(0, extension)).trim(), 16);
  }

  private void copy(long n, ByteArrayOutputStream to, boolean keep) throws IOException {
    if (!keep) {
      in.skipNBytes(n);
      return;
    }
    byte[] bytes = in.readNBytes(Math.toIntExact(n));
    if (bytes.length < n) {
      throw new IOException("the connection closed in a reply");
    }
    to.write(bytes);
  }

  /** One header line without its CRLF. */
  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the connection closed in a reply");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
      socket = null;
    }
  }
}
