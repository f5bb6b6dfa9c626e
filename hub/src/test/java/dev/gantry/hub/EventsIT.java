package dev.gantry.hub;

import static dev.gantry.xds.IngressFixtures.ingress;
import static dev.gantry.xds.IngressFixtures.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.runtime.LeaderElection;
import dev.gantry.testbed.HubServices;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import dev.gantry.xds.Fixtures;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes Events the hub writes ({@code events.k8s.io/v1}): on an HTTPProxy that turns invalid
 * and again when it is valid, on an Ingress with a warning, and on the Lease when a replica takes
 * it; once per change, not once per snapshot build.
 */
@WithClusters({"hub"})
class EventsIT {
  private static final String NS = "events";

  @Test
  void invalidProxiesIngressWarningsAndLeaderChangesAreEventsOnTheirObjects(Testbed testbed) {
    KubernetesClient client = testbed.cluster("hub").client();
    HubFixtures.crdsAndNamespace(client, NS);
    HubServices.withEndpoint(client, NS, "web", "http", 80, 8080, "198.18.0.10");
    HTTPProxy bad = proxy(client, "bad", "missing");
    client
        .network()
        .v1()
        .ingresses()
        .inNamespace(NS)
        .resource(
            ingress(NS + "/restricted")
                .annotation("nginx.ingress.kubernetes.io/whitelist-source-range", "10.0.0.0/8")
                .rule("restricted.example.com", path("/", "Prefix", "web", 80))
                .build())
        .create();

    try (Hub hub = replica(client, "hub-events-a")) {
      Event invalid = awaitEvent(client, NS, "HTTPProxy", "bad", "Invalid");
      assertThat(invalid.getType()).isEqualTo("Warning");
      assertThat(invalid.getRegarding().getApiVersion()).isEqualTo("projectcontour.io/v1");
      assertThat(invalid.getRegarding().getUid()).isEqualTo(bad.getMetadata().getUid());
      assertThat(invalid.getNote()).contains("missing");
      assertThat(invalid.getReportingController()).isEqualTo("gantry.dev/hub");
      assertThat(invalid.getReportingInstance()).isEqualTo("hub-events-a");
      assertThat(invalid.getAction()).isEqualTo("Validate");

      Event ignored = awaitEvent(client, NS, "Ingress", "restricted", "Ignored");
      assertThat(ignored.getType()).isEqualTo("Warning");
      assertThat(ignored.getRegarding().getApiVersion()).isEqualTo("networking.k8s.io/v1");
      assertThat(ignored.getNote()).contains("whitelist-source-range");

      Event elected = awaitEvent(client, "default", "Lease", HubCommand.LEASE, "LeaderElected");
      assertThat(elected.getType()).isEqualTo("Normal");
      assertThat(elected.getRegarding().getApiVersion()).isEqualTo("coordination.k8s.io/v1");
      assertThat(elected.getNote()).contains("hub-events-a");

      // Builds that do not change a proxy's status write no Event about it: another invalid
      // proxy's Event, written after those builds by the same one thread, shows they are done.
      proxy(client, "other", "absent");
      awaitEvent(client, NS, "HTTPProxy", "other", "Invalid");
      HubServices.withEndpoint(client, NS, "web", "http", 80, 8080, "198.18.0.11");
      proxy(client, "third", "gone");
      awaitEvent(client, NS, "HTTPProxy", "third", "Invalid");
      assertThat(events(client, NS, "HTTPProxy", "bad")).hasSize(1);

      // Mended: a Normal Event says so.
      client
          .resources(HTTPProxy.class)
          .inNamespace(NS)
          .withName("bad")
          .edit(
              p -> {
                HTTPProxySpec.RouteService service =
                    p.getSpec().getRoutes().get(0).getServices().get(0);
                service.setName("web");
                return p;
              });
      Event valid = awaitEvent(client, NS, "HTTPProxy", "bad", "Valid");
      assertThat(valid.getType()).isEqualTo("Normal");

      assertThat(hub.metrics().scrape())
          .containsPattern("gantry_events_total\\{result=\"sent\"} [5-9]")
          .contains("gantry_events_total{result=\"failed\"} 0.0");
    }
  }

  private static Event awaitEvent(
      KubernetesClient client, String ns, String kind, String name, String reason) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                events(client, ns, kind, name).stream()
                    .filter(e -> reason.equals(e.getReason()))
                    .findFirst()
                    .orElse(null),
            e -> e != null);
  }

  /** The Events in {@code ns} regarding {@code kind} {@code name}. */
  static List<Event> events(KubernetesClient client, String ns, String kind, String name) {
    return client.events().v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> e.getRegarding() != null)
        .filter(e -> kind.equals(e.getRegarding().getKind()))
        .filter(e -> name.equals(e.getRegarding().getName()))
        .toList();
  }

  private static HTTPProxy proxy(KubernetesClient client, String name, String service) {
    return client
        .resources(HTTPProxy.class)
        .inNamespace(NS)
        .resource(
            Fixtures.proxy(NS + "/" + name)
                .fqdn(name + ".events.test")
                .route("/", service, 80, null)
                .build())
        .create();
  }

  private static Hub replica(KubernetesClient client, String identity) {
    return new Hub(
            new HubConfig(
                    new InetSocketAddress("127.0.0.1", 0),
                    null,
                    Duration.ofMillis(10),
                    null,
                    "gantry",
                    "127.0.0.1",
                    Ports.freeLoopbackPort(),
                    Ports.freeLoopbackPort(),
                    null,
                    null)
                .withLeaderElection(
                    new LeaderElection.Settings(
                        "default",
                        HubCommand.LEASE,
                        identity,
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(3),
                        Duration.ofMillis(500))),
            client)
        .start();
  }
}
