package dev.gantry.testbed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on the loopback interface.
 *
 * <p>Ports come from below the kernel's ephemeral range: a port the kernel hands out itself (to a
 * {@code bind(0)} or to an outgoing connection) can be taken by any connection in the gap between
 * choosing it and the server binding it, and was (an apiserver failed with "address already in
 * use"). Below that range only another explicit choice can collide, and the choice is random.
 */
public final class Ports {
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int LOWEST = 10_000;
  private static final int DEFAULT_EPHEMERAL_START = 32_768;

  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private Ports() {}

  /** A port nothing listens on right now, outside the kernel's ephemeral range. */
  public static int freeLoopbackPort() {
    int highest = ephemeralStart() - 1;
    if (highest > LOWEST) {
      for (int attempt = 0; attempt < 200; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
        // Never the same port twice from this JVM: clusters started side by side choose their
        // ports before any of them binds, so a repeat would collide.
        if (bindable(port) && HANDED_OUT.add(port)) {
          return port;
        }
      }
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
  static int ephemeralStart() {
    // readLine, not readString: the file reports size 0 and readString returns one byte.
    try (BufferedReader reader = Files.newBufferedReader(EPHEMERAL_RANGE)) {
      String[] range = reader.readLine().trim().split("\\s+");
      return Integer.parseInt(range[0]);
    } catch (IOException | RuntimeException e) {
      return DEFAULT_EPHEMERAL_START;
    }
  }
}
