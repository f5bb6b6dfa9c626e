package dev.gantry.xds;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny DNS server on a random loopback UDP port, for Envoy's DNS clusters in tests: it answers A
 * queries for the names in its map (TTL 1 s), AAAA queries for them with no answer (so a resolver
 * asking for IPv6 first falls back to IPv4), and NXDOMAIN for any other name. Answers change with
 * {@link #answer}. No recursion: nothing it is asked leaves the machine.
 */
public final class DnsServer implements AutoCloseable {
  private static final int TYPE_A = 1;
  private static final int TYPE_AAAA = 28;
  private static final int NXDOMAIN = 3;
  private static final int NOTIMP = 4;

  private final DatagramSocket socket;
  private final Map<String, List<String>> answers = new ConcurrentHashMap<>();
  private final AtomicLong queries = new AtomicLong();
  private final Thread thread;

  private DnsServer(DatagramSocket socket) {
    this.socket = socket;
    this.thread = new Thread(this::serve, "dns-server-" + socket.getLocalPort());
    thread.setDaemon(true);
  }

  public static DnsServer start() {
    try {
      DnsServer server = new DnsServer(new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)));
      server.thread.start();
      return server;
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** From now on {@code name} resolves to {@code addresses} (IPv4); none removes it. */
  public void answer(String name, String... addresses) {
    String key = name.toLowerCase(Locale.ROOT);
    if (addresses.length == 0) {
      answers.remove(key);
    } else {
      answers.put(key, List.of(addresses));
    }
  }

  /** The queries answered so far. */
  public long queries() {
    return queries.get();
  }

  private void serve() {
    byte[] buffer = new byte[1500];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
        byte[] reply = reply(buffer, packet.getLength());
        if (reply != null) {
          queries.incrementAndGet();
          socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
        }
      } catch (IOException e) {
        if (socket.isClosed()) {
          return;
        }
      } catch (RuntimeException e) {
        // A malformed query gets no answer; the next one does.
      }
    }
  }

  /** The response to the query in {@code q[0, length)}, or null when it is not one. */
  byte[] reply(byte[] q, int length) {
    if (length < 12 || (q[2] & 0x80) != 0 || u16(q, 4) != 1) {
      return null; // not a query of one question
    }
    StringBuilder name = new StringBuilder();
    int i = 12;
    while (true) {
      int label = q[i] & 0xff;
      if (label == 0) {
        i++;
        break;
      }
      if (label > 63 || i + 1 + label > length) {
        return null;
      }
      if (name.length() > 0) {
        name.append('.');
      }
      name.append(new String(q, i + 1, label, java.nio.charset.StandardCharsets.US_ASCII));
      i += 1 + label;
    }
    if (i + 4 > length) {
      return null;
    }
    int type = u16(q, i);
    int questionEnd = i + 4;
    List<String> addresses = answers.get(name.toString().toLowerCase(Locale.ROOT));
    int rcode = addresses == null ? NXDOMAIN : (type == TYPE_A || type == TYPE_AAAA ? 0 : NOTIMP);
    List<String> records = rcode == 0 && type == TYPE_A ? addresses : List.of();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(q[0]);
    out.write(q[1]); // the query's id
    out.write(0x80 | 0x04 | (q[2] & 0x01)); // response, authoritative, recursion desired as asked
    out.write(rcode);
    writeU16(out, 1);
    writeU16(out, records.size());
    writeU16(out, 0);
    writeU16(out, 0);
    out.write(q, 12, questionEnd - 12);
    for (String address : records) {
      writeU16(out, 0xc00c); // the question's name
      writeU16(out, TYPE_A);
      writeU16(out, 1); // IN
      writeU16(out, 0);
      writeU16(out, 1); // TTL 1 s
      writeU16(out, 4);
      try {
        out.write(InetAddress.getByName(address).getAddress());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out.toByteArray();
  }

  private static int u16(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  private static void writeU16(ByteArrayOutputStream out, int value) {
    out.write(value >> 8);
    out.write(value);
  }

  @Override
  public void close() {
    socket.close();
  }
}
