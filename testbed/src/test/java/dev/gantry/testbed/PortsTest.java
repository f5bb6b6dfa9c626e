package dev.gantry.testbed;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortsTest {
  @Test
  void choosesBindablePortsBelowTheEphemeralRange() throws Exception {
    int ephemeralStart = Ports.ephemeralStart();
    for (int i = 0; i < 20; i++) {
      int port = Ports.freeLoopbackPort();
      assertTrue(port >= 10_000 && port < ephemeralStart, "port " + port);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertTrue(socket.isBound());
      }
    }
  }

  @Test
  void neverHandsOutAPortTwice() {
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      assertTrue(seen.add(Ports.freeLoopbackPort()), "a port handed out twice");
    }
  }
}
