package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.runtime.LeaderElection;
import dev.gantry.testbed.HubServices;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import dev.gantry.xds.Fixtures;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two hub replicas on one hub apiserver with {@code --leader-elect}: both serve xDS, one writes
 * HTTPProxy status; when it goes, the other takes the Lease and writes what changed since.
 */
@WithClusters({"hub"})
class LeaderElectionIT {
  private static final String NS = "ha";
  private static final Pattern WRITES =
      Pattern.compile("(?m)^gantry_hub_status_writes_total(?:\\{[^}]*\\})? (\\S+)$");

  @Test
  void oneReplicaWritesStatusAndAnotherTakesOverWhenItGoes(Testbed testbed) {
    KubernetesClient client = testbed.cluster("hub").client();
    HubFixtures.crdsAndNamespace(client, NS);
    HubServices.withEndpoint(client, NS, "web", "http", 80, 8080, "198.18.0.10");
    proxy(client, "one");

    Hub a = replica(client, "hub-a");
    Hub b = replica(client, "hub-b");
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> a.ready() && b.ready());
      await().atMost(Duration.ofSeconds(30)).until(() -> a.writing() ^ b.writing());
      Hub leader = a.writing() ? a : b;
      Hub standby = leader == a ? b : a;
      awaitValid(client, "one");
      proxy(client, "two");
      awaitValid(client, "two");
      assertThat(writes(leader)).isGreaterThanOrEqualTo(2);
      assertThat(writes(standby)).as("the standby writes nothing").isZero();
      assertThat(standby.ready()).as("a standby serves xDS").isTrue();

      leader.close();
      await().atMost(Duration.ofSeconds(10)).until(standby::writing);
      proxy(client, "three");
      awaitValid(client, "three");
      assertThat(writes(standby)).isPositive();
    } finally {
      a.close();
      b.close();
    }
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

  private static void proxy(KubernetesClient client, String name) {
    client
        .resources(HTTPProxy.class)
        .inNamespace(NS)
        .resource(
            Fixtures.proxy(NS + "/" + name)
                .fqdn(name + ".ha.test")
                .route("/", "web", 80, null)
                .build())
        .create();
  }

  private static void awaitValid(KubernetesClient client, String name) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(client.resources(HTTPProxy.class).inNamespace(NS).withName(name).get())
                    .extracting(
                        p -> p.getStatus() == null ? null : p.getStatus().getCurrentStatus())
                    .isEqualTo("valid"));
  }

  /** Statuses the replica wrote, from its metrics. */
  private static double writes(Hub hub) {
    Matcher m = WRITES.matcher(hub.metrics().scrape());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
