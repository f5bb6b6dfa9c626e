package dev.gantry.runtime.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** {@link EventRecorder} on a real apiserver: what it writes, what it drops, what it survives. */
@WithClusters({"hub"})
class EventRecorderIT {

  @Test
  void writesAnEventOnTheObjectAndDropsTheSameEventRepeated(Testbed testbed) {
    KubernetesClient client = testbed.cluster("hub").client();
    ConfigMap object =
        client
            .configMaps()
            .inNamespace("default")
            .resource(
                new ConfigMapBuilder().withNewMetadata().withName("judged").endMetadata().build())
            .create();
    try (EventRecorder events = recorder(client, 100, 5, 20)) {
      EventRecorder.Regarding regarding = EventRecorder.Regarding.of(object);
      events.warning(regarding, "Invalid", "Validate", "it is wrong");
      events.warning(regarding, "Invalid", "Validate", "it is wrong"); // the same: dropped
      events.normal(regarding, "Valid", "Validate", "it is right");

      // One thread writes them in order: once the last is there, the first two are decided.
      await().atMost(Duration.ofSeconds(30)).until(() -> about(client, "judged").size() == 2);
      assertThat(about(client, "judged"))
          .extracting(Event::getReason, Event::getType, Event::getNote)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("Invalid", "Warning", "it is wrong"),
              org.assertj.core.groups.Tuple.tuple("Valid", "Normal", "it is right"));
      Event first = about(client, "judged").get(0);
      assertThat(first.getRegarding().getUid()).isEqualTo(object.getMetadata().getUid());
      assertThat(first.getRegarding().getKind()).isEqualTo("ConfigMap");
      assertThat(first.getReportingController()).isEqualTo("gantry.dev/test");
      assertThat(first.getReportingInstance()).isEqualTo("test-replica");
      assertThat(events.sent()).isEqualTo(2);
      assertThat(events.dropped()).isEqualTo(1);
      assertThat(events.failed()).isZero();
    }
  }

  @Test
  void aFullQueueDropsEventsAndARefusedWriteIsCountedNotThrown(Testbed testbed) {
    KubeCluster hub = testbed.cluster("hub");
    // An identity without RBAC: every write is refused (403).
    try (KubernetesClient nobody =
            new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(hub.kubeconfigForUser("nobody", List.of())))
                .build();
        EventRecorder events = recorder(nobody, 2, 0.001, 1)) {
      for (int i = 0; i < 10; i++) {
        // Returns at once: the caller (a build loop) never waits for the apiserver.
        events.warning(
            EventRecorder.Regarding.of("v1", "ConfigMap", "default/other"),
            "Invalid",
            "Validate",
            "problem " + i);
      }
      // The first is written at once (a burst of 1) and refused; the next token is 1,000 s away,
      // so two wait in the queue and the seven after them are dropped.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> events.failed() == 1 && events.dropped() == 7);
      assertThat(events.sent()).isZero();
    }
  }

  private static EventRecorder recorder(
      KubernetesClient client, int capacity, double perSecond, int burst) {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    return new EventRecorder(
        client,
        "gantry.dev/test",
        "test-replica",
        executor,
        Clock.systemUTC(),
        capacity,
        perSecond,
        burst);
  }

  private static List<Event> about(KubernetesClient client, String name) {
    return client.events().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> name.equals(e.getRegarding().getName()))
        .toList();
  }
}
