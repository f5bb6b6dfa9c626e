package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.gantry.api.crd.RemoteClusterStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterHeartbeatsTest {
  private static final Instant BEAT = Instant.parse("2026-01-01T10:00:00Z");
  private static final Instant SEEN = Instant.parse("2026-01-01T10:00:02Z");
  private static final Instant NOW = Instant.parse("2026-01-01T10:01:00Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(40);
  private static final String EARLIER = "2026-01-01T09:00:00Z";

  private static RemoteClusterStatus healthy() {
    RemoteClusterStatus s = new RemoteClusterStatus();
    s.setConditions(
        List.of(
            condition("Ready", "True", "Mirroring"),
            condition("Synced", "True", "AllMirrored"),
            condition("Stale", "False", "RemoteReachable")));
    s.setLastHeartbeatTime(BEAT.toString());
    s.setLastSyncTime(EARLIER);
    s.setMirroredServices(7);
    s.setMirroredEndpointSlices(9);
    s.setCollisions(List.of("shop/east-web"));
    s.setObservedBy("discoverer-east-1");
    return s;
  }

  private static Condition condition(String type, String status, String reason) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage("m")
        .withLastTransitionTime(EARLIER)
        .build();
  }

  @Test
  void aSilentHealthyClusterBecomesStaleSinceItsLastHeartbeat() {
    RemoteClusterStatus s = ClusterHeartbeats.staleStatus(healthy(), SEEN, NOW, TIMEOUT, "hub-1");

    assertThat(s.getStaleSince()).isEqualTo(BEAT.toString());
    assertThat(s.getConditions())
        .extracting(
            Condition::getType,
            Condition::getStatus,
            Condition::getReason,
            Condition::getLastTransitionTime)
        .containsExactly(
            tuple("Ready", "False", "HeartbeatExpired", NOW.toString()),
            tuple("Synced", "True", "AllMirrored", EARLIER),
            tuple("Stale", "True", "HeartbeatExpired", NOW.toString()));
    assertThat(s.condition("Ready").getMessage())
        .contains("no heartbeat from the discoverer since " + BEAT, "PT40S");
    assertThat(s.getLastHeartbeatTime())
        .as("kept: the discoverer's to move")
        .isEqualTo(BEAT.toString());
    assertThat(s.getMirroredServices()).isEqualTo(7);
    assertThat(s.getMirroredEndpointSlices()).isEqualTo(9);
    assertThat(s.getCollisions()).containsExactly("shop/east-web");
    assertThat(s.getLastSyncTime()).isEqualTo(EARLIER);
    assertThat(s.getObservedBy()).isEqualTo("hub/hub-1");
    assertThat(ClusterHeartbeats.markedByHub(s)).isTrue();
    assertThat(ClusterHeartbeats.markedByHub(healthy())).isFalse();
  }

  @Test
  void aClusterTheDiscovererAlreadyCalledStaleKeepsItsStaleSinceAndTransitionTime() {
    RemoteClusterStatus before = healthy();
    before.setStaleSince(EARLIER);
    before.setConditions(
        List.of(
            condition("Ready", "False", "Unreachable"),
            condition("Synced", "True", "AllMirrored"),
            condition("Stale", "True", "Unreachable")));

    RemoteClusterStatus s = ClusterHeartbeats.staleStatus(before, SEEN, NOW, TIMEOUT, "hub-1");

    assertThat(s.getStaleSince()).isEqualTo(EARLIER);
    assertThat(s.condition("Stale").getLastTransitionTime()).isEqualTo(EARLIER);
    assertThat(s.condition("Stale").getReason()).isEqualTo("HeartbeatExpired");
    assertThat(s.condition("Ready").getLastTransitionTime()).isEqualTo(EARLIER);
  }

  @Test
  void aHeartbeatFromTheFutureOrUnreadableCountsFromWhenTheHubSawIt() {
    RemoteClusterStatus future = healthy();
    future.setLastHeartbeatTime("2027-01-01T00:00:00Z");
    assertThat(ClusterHeartbeats.staleStatus(future, SEEN, NOW, TIMEOUT, "h").getStaleSince())
        .isEqualTo(SEEN.toString());
    RemoteClusterStatus garbled = healthy();
    garbled.setLastHeartbeatTime("not a time");
    assertThat(ClusterHeartbeats.staleStatus(garbled, SEEN, NOW, TIMEOUT, "h").getStaleSince())
        .isEqualTo(SEEN.toString());
  }
}
