package dev.gantry.cli.check;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The checks of a hub process, through its admin port (probes, metrics) and its xDS port. */
final class HubCheck {
  private static final String STREAMS = "gantry_xds_streams";

  private final Report report;
  private final Duration timeout;
  private final HttpClient http;

  HubCheck(Report report, Duration timeout) {
    this.report = report;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** {@code /readyz} and the open xDS streams of the hub whose admin port is {@code admin}. */
  void admin(String admin) {
    String base = "http://" + admin;
    HttpResponse<String> ready;
    try {
      ready = get(base + "/readyz");
    } catch (IOException e) {
      report.fail(
          "the hub's admin port does not answer at " + base + " (" + ClusterCheck.brief(e) + ")",
          "the hub process runs? --hub-admin names its --admin-address (chart: hub.adminPort),"
              + " e.g. after kubectl -n <namespace> port-forward deploy/<hub> <port>");
      return;
    }
    String body = ready.body().strip();
    if (ready.statusCode() == 200) {
      report.pass("the hub is ready (" + body + ")");
    } else {
      report.fail(
          "the hub is not ready: " + ready.statusCode() + " " + body,
          "/readyz names what it waits for; the hub's log says more");
    }
    try {
      HttpResponse<String> metrics = get(base + "/metrics");
      long streams = streams(metrics.body());
      if (streams > 0) {
        report.pass("Envoy is connected: " + streams + " xDS stream(s) open on this hub");
      } else {
        report.fail(
            "no Envoy is connected to this hub (gantry_xds_streams is 0)",
            "Envoy's bootstrap must name the hub's xDS Service and, with xDS TLS, present the"
                + " client pair (Secret <release>-xds-envoy); with several hub replicas, check each");
      }
    } catch (IOException e) {
      report.fail(
          "the hub's metrics do not answer at " + base + "/metrics (" + ClusterCheck.brief(e) + ")",
          "the hub's log says why");
    }
  }

  /** Whether the xDS port at {@code address} (host:port) accepts a connection. */
  void xds(String address) {
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon).replaceAll("^\\[|]$", "");
    int port = Integer.parseInt(address.substring(colon + 1));
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      report.pass("the hub's xDS port accepts connections at " + address);
    } catch (IOException e) {
      report.fail(
          "the hub's xDS port refuses connections at "
              + address
              + " ("
              + ClusterCheck.brief(e)
              + ")",
          "Envoy cannot reach the hub there either: check the hub's --xds-address and the xDS"
              + " Service");
    }
  }

  /** The sum of {@code gantry_xds_streams} over its labels in a Prometheus text page. */
  static long streams(String metrics) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(STREAMS + "{") || l.startsWith(STREAMS + " "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private HttpResponse<String> get(String url) throws IOException {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
