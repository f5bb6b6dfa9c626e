package dev.gantry.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network namespace made by the test, joined to the root namespace by a veth pair: the host side
 * is 10.251.N.1/24, the namespace side 10.251.N.2/24. Backends started in it have an address the
 * apiserver accepts in EndpointSlices (it rejects loopback) that Envoy in the root namespace can
 * reach. Needs root; names carry the owner's pid so leftovers of a crashed run are removed by the
 * next one.
 */
public final class NetworkNamespace implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NetworkNamespace.class);
  private static final String PREFIX = "gantry-";
  private static final AtomicInteger next = new AtomicInteger();
  private static volatile boolean reaped;

  private final String name;
  private final String hostVeth;
  private final int subnet;
  private final List<ManagedProcess> processes = new ArrayList<>();

  private NetworkNamespace(String name, String hostVeth, int subnet) {
    this.name = name;
    this.hostVeth = hostVeth;
    this.subnet = subnet;
  }

  /** Creates a namespace with its veth pair and addresses; fails clearly without root. */
  public static synchronized NetworkNamespace create() {
    reapLeftovers();
    long pid = ProcessHandle.current().pid();
    for (int attempt = 0; attempt < 250; attempt++) {
      int n = next.getAndIncrement();
      int subnet = (int) ((pid * 7 + n) % 250) + 1;
      if (subnetInUse(subnet)) {
        continue;
      }
      String name = PREFIX + pid + "-" + n;
      String hostVeth = "gh" + (pid % 100000) + "x" + n;
      String nsVeth = "gn" + (pid % 100000) + "x" + n;
      NetworkNamespace ns = new NetworkNamespace(name, hostVeth, subnet);
      try {
        ip("netns", "add", name);
        ip("link", "add", hostVeth, "type", "veth", "peer", "name", nsVeth);
        ip("link", "set", nsVeth, "netns", name);
        ip("addr", "add", "10.251." + subnet + ".1/24", "dev", hostVeth);
        ip("link", "set", hostVeth, "up");
        ip("netns", "exec", name, "ip", "addr", "add", "10.251." + subnet + ".2/24", "dev", nsVeth);
        ip("netns", "exec", name, "ip", "link", "set", nsVeth, "up");
        ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
        return ns;
      } catch (RuntimeException e) {
        ns.close();
        throw e;
      }
    }
    throw new IllegalStateException("no free 10.251.N.0/24 subnet for a test network namespace");
  }

  /** The backend address inside the namespace. */
  public String address() {
    return "10.251." + subnet + ".2";
  }

  /**
   * The root namespace's end of the veth pair: an address of this machine that the apiserver
   * accepts in EndpointSlices, for backends that run in the test JVM.
   */
  public String hostAddress() {
    return "10.251." + subnet + ".1";
  }

  public String name() {
    return name;
  }

  /** Starts {@code command} inside the namespace; stopped when the namespace is closed. */
  public ManagedProcess exec(String processName, List<String> command, Path logFile) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(command);
    ManagedProcess process = new ManagedProcess(processName, full, logFile).start();
    processes.add(process);
    return process;
  }

  /**
   * Starts an HTTP server in the namespace on {@code port} that answers every request with {@code
   * body} (Python's standard library; Python 3 is a prerequisite of the test bed).
   */
  public ManagedProcess httpBackend(String processName, int port, String body, Path logFile) {
    String script =
        "import http.server,sys\n"
            + "body=sys.argv[2].encode()\n"
            + "class H(http.server.BaseHTTPRequestHandler):\n"
            + "  protocol_version='HTTP/1.1'\n"
            + "  def do_GET(self):\n"
            + "    self.send_response(200);self.send_header('Content-Length',str(len(body)));"
            + "self.end_headers();self.wfile.write(body)\n"
            + "  def log_message(self,*a): pass\n"
            + "http.server.ThreadingHTTPServer((sys.argv[3],int(sys.argv[1])),H).serve_forever()\n";
    return exec(
        processName,
        List.of("python3", "-c", script, String.valueOf(port), body, address()),
        logFile);
  }

  @Override
  public synchronized void close() {
    processes.forEach(ManagedProcess::stop);
    processes.clear();
    quietly("netns", "del", name); // removes the namespace's end of the pair, and so the pair
    quietly("link", "del", hostVeth);
  }

  private static boolean subnetInUse(int subnet) {
    try {
      return run(List.of("ip", "-o", "addr", "show")).contains("10.251." + subnet + ".");
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Removes namespaces left by test JVMs that are gone. */
  static void reapLeftovers() {
    if (reaped) {
      return;
    }
    reaped = true;
    String list;
    try {
      list = run(List.of("ip", "netns", "list"));
    } catch (RuntimeException e) {
      return;
    }
    for (String line : list.split("\n")) {
      String ns = line.split(" ")[0].strip();
      if (!ns.startsWith(PREFIX)) {
        continue;
      }
      String[] parts = ns.substring(PREFIX.length()).split("-");
      try {
        long owner = Long.parseLong(parts[0]);
        if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
      } catch (NumberFormatException e) {
        continue;
      }
      log.info("removing network namespace {} left by an earlier test run", ns);
      quietly("netns", "del", ns);
    }
  }

  private static void ip(String... args) {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    run(command);
  }

  private static void quietly(String... args) {
    try {
      ip(args);
    } catch (RuntimeException e) {
      log.debug("ignored: {}", e.getMessage());
    }
  }

  private static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed (network namespaces need root): " + out.strip());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
