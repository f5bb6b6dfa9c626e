package dev.gantry.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.IPFilterPolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * IP filters through a real Envoy (its RBAC filter), with clients on different loopback addresses
 * (127.0.0.1, .2, .3: all loopback on Linux): the virtual host's allow list lets one address in and
 * refuses another with 403; a route's deny list replaces the host's rules; {@code Remote} is the
 * connection's peer, not an address a client writes into X-Forwarded-For.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IpFilterIT {
  private static final String HOST = "filtered.example.com";
  private final Backends backends = new Backends();
  private LoopbackGateway gateway;

  @BeforeAll
  void start() throws Exception {
    gateway = LoopbackGateway.serving("envoy-ipfilter", proxy(), backends);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> status("127.0.0.1", "/") == 200);
  }

  private static List<IPFilterPolicy> rules(String source, String... cidrs) {
    List<IPFilterPolicy> rules = new ArrayList<>();
    for (String cidr : cidrs) {
      IPFilterPolicy p = new IPFilterPolicy();
      p.setSource(source);
      p.setCidr(cidr);
      rules.add(p);
    }
    return rules;
  }

  private static HTTPProxy proxy() {
    return Fixtures.proxy("demo/filtered")
        .fqdn(HOST)
        .spec(s -> s.getVirtualhost().setIpAllowPolicy(rules("Peer", "127.0.0.1")))
        .route("/open", "web", 80, null)
        .lastRoute(r -> r.setIpDenyPolicy(rules("Peer", "127.0.0.3/32")))
        .route("/remote", "web", 80, null)
        .lastRoute(r -> r.setIpAllowPolicy(rules("Remote", "10.1.2.3")))
        .route("/remote-local", "web", 80, null)
        .lastRoute(r -> r.setIpAllowPolicy(rules("Remote", "127.0.0.2")))
        .route("/", "web", 80, null)
        .build();
  }

  @AfterAll
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    backends.close();
  }

  /** The status code of a GET sent from {@code source} (a loopback address), with headers. */
  private int status(String source, String path, String... headers) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5000);
      socket.setSoTimeout(5000);
      StringBuilder request =
          new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n");
      for (String header : headers) {
        request.append(header).append("\r\n");
      }
      request.append("Connection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return Integer.parseInt(statusLine.split(" ")[1]);
    }
  }

  @Test
  void theVirtualHostsAllowListLetsOneAddressInAndRefusesTheOthers() throws Exception {
    assertThat(gateway.verdicts()).singleElement().satisfies(v -> assertThat(v.valid()).isTrue());
    assertThat(status("127.0.0.1", "/")).isEqualTo(200);
    assertThat(status("127.0.0.2", "/")).isEqualTo(403);
    assertThat(status("127.0.0.3", "/anything")).isEqualTo(403);
  }

  @Test
  void aRoutesDenyListReplacesTheVirtualHostsRules() throws Exception {
    // The host would refuse .2; the route's own list only refuses .3.
    assertThat(status("127.0.0.2", "/open")).isEqualTo(200);
    assertThat(status("127.0.0.1", "/open")).isEqualTo(200);
    assertThat(status("127.0.0.3", "/open")).isEqualTo(403);
  }

  @Test
  void remoteIsThePeerNotWhatAClientWritesIntoXForwardedFor() throws Exception {
    assertThat(status("127.0.0.1", "/remote", "X-Forwarded-For: 10.1.2.3")).isEqualTo(403);
    assertThat(status("127.0.0.2", "/remote", "X-Forwarded-For: 10.1.2.3")).isEqualTo(403);
    assertThat(status("127.0.0.1", "/remote")).isEqualTo(403);
    // The peer is the client address: .2 comes in whatever it claims, .1 does not.
    assertThat(status("127.0.0.2", "/remote-local")).isEqualTo(200);
    assertThat(status("127.0.0.2", "/remote-local", "X-Forwarded-For: 10.9.9.9")).isEqualTo(200);
    assertThat(status("127.0.0.1", "/remote-local", "X-Forwarded-For: 127.0.0.2")).isEqualTo(403);
  }
}
