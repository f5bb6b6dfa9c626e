package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxyStatus;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import dev.gantry.xds.Fixtures;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The hub's HTTPProxy status writes on a real apiserver: a build writes only the statuses that
 * differ from what the proxies hold, and a status someone else changed is written back by the next
 * build, even though that proxy's verdict did not change.
 */
@WithClusters({"hub"})
class ProxyStatusIT {
  private static final String NS = "status";
  private static final Duration CONVERGE = Duration.ofSeconds(30);

  @Test
  void aStatusChangedBySomeoneElseIsWrittenBackByTheNextBuildAndNoOtherIsRewritten(
      Testbed testbed) {
    KubernetesClient client = testbed.cluster("hub").client();
    HubFixtures.crdsAndNamespace(client, NS);
    try (Hub hub = HubFixtures.hub(client, Ports.freeLoopbackPort(), Ports.freeLoopbackPort())) {
      proxy(client, "a", "a.status.test");
      proxy(client, "b", "b.status.test");
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                assertThat(status(client, "a")).isEqualTo("invalid");
                assertThat(status(client, "b")).isEqualTo("invalid");
              });
      HTTPProxyStatus written = get(client, "a").getStatus();
      String bVersion = get(client, "b").getMetadata().getResourceVersion();
      // A build that finds a's and b's statuses right.
      proxy(client, "c", "c.status.test");
      await().atMost(CONVERGE).until(() -> "invalid".equals(status(client, "c")));

      // Another writer replaces a's status; no build follows a change of status alone.
      HTTPProxy tampered = get(client, "a");
      HTTPProxyStatus theirs = new HTTPProxyStatus();
      theirs.setCurrentStatus("tampered");
      theirs.setDescription("not the hub's");
      tampered.setStatus(theirs);
      client.resources(HTTPProxy.class).resource(tampered).updateStatus();

      // A build for another reason (a new proxy): a's verdict is unchanged, its status is not.
      proxy(client, "d", "d.status.test");
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                assertThat(status(client, "d")).isEqualTo("invalid");
                assertThat(get(client, "a").getStatus()).isEqualTo(written);
              });
      assertThat(get(client, "b").getMetadata().getResourceVersion())
          .as("b's status was right: not written again")
          .isEqualTo(bVersion);
    }
  }

  /** A root proxy for {@code fqdn} routing to a Service that does not exist (invalid). */
  private static void proxy(KubernetesClient client, String name, String fqdn) {
    client
        .resources(HTTPProxy.class)
        .inNamespace(NS)
        .resource(
            Fixtures.proxy(NS + "/" + name).fqdn(fqdn).route("/", "missing", 80, null).build())
        .create();
  }

  private static HTTPProxy get(KubernetesClient client, String name) {
    return client.resources(HTTPProxy.class).inNamespace(NS).withName(name).get();
  }

  private static String status(KubernetesClient client, String name) {
    HTTPProxyStatus status = get(client, name).getStatus();
    return status == null ? null : status.getCurrentStatus();
  }
}
