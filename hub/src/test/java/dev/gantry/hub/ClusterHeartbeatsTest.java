package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.gantry.api.crd.RemoteCluster;
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

  /** A clock the test moves. */
  private static final class TestClock extends java.time.Clock {
    Instant now = NOW;

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static RemoteCluster remote(String name, RemoteClusterStatus status) {
    RemoteCluster rc = new RemoteCluster();
    rc.getMetadata().setName(name);
    rc.getMetadata().setResourceVersion("7");
    rc.setStatus(status);
    return rc;
  }

  @Test
  void aHeartbeatThatStandsStillForTheTimeoutIsMarkedOnceAndOnlyByTheWriter() {
    TestClock clock = new TestClock();
    List<RemoteCluster> written = new java.util.ArrayList<>();
    boolean[] writes = {false};
    List<RemoteCluster> remotes = new java.util.ArrayList<>(List.of(remote("east", healthy())));
    ClusterHeartbeats heartbeats =
        new ClusterHeartbeats(
            written::add,
            () -> remotes,
            clock,
            TIMEOUT,
            () -> writes[0],
            "hub-1",
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry().counter("marked"));

    heartbeats.check();
    clock.now = NOW.plus(TIMEOUT).plusSeconds(1);
    heartbeats.check();
    assertThat(written).as("a standby judges nobody").isEmpty();

    writes[0] = true;
    heartbeats.check();
    clock.now = clock.now.plus(TIMEOUT).minusSeconds(1);
    heartbeats.check();
    assertThat(written).as("a new writer waits a full timeout of its own").isEmpty();

    clock.now = clock.now.plusSeconds(2);
    heartbeats.check();
    assertThat(written).hasSize(1);
    assertThat(written.get(0).getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(ClusterHeartbeats.markedByHub(written.get(0).getStatus())).isTrue();

    remotes.set(0, remote("east", written.get(0).getStatus()));
    clock.now = clock.now.plus(TIMEOUT);
    heartbeats.check();
    assertThat(written).as("marked already: not written again").hasSize(1);
  }

  @Test
  void aMovingHeartbeatOrAnUnreachableApiserverRestartsTheClock() {
    TestClock clock = new TestClock();
    List<RemoteCluster> written = new java.util.ArrayList<>();
    RemoteClusterStatus status = healthy();
    boolean[] reachable = {true};
    ClusterHeartbeats heartbeats =
        new ClusterHeartbeats(
            written::add,
            () -> {
              if (!reachable[0]) {
                throw new io.fabric8.kubernetes.client.KubernetesClientException("refused");
              }
              return List.of(remote("east", status));
            },
            clock,
            TIMEOUT,
            () -> true,
            "hub-1",
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry().counter("marked"));

    heartbeats.check();
    clock.now = NOW.plusSeconds(30);
    status.setLastHeartbeatTime(NOW.plusSeconds(30).toString());
    heartbeats.check(); // moved: the clock starts again
    clock.now = NOW.plusSeconds(60);
    heartbeats.check();
    assertThat(written).isEmpty();

    reachable[0] = false;
    clock.now = NOW.plusSeconds(65);
    heartbeats.check();
    reachable[0] = true;
    clock.now = NOW.plusSeconds(75);
    heartbeats.check();
    assertThat(written)
        .as("40 s without a new heartbeat, but the hub was blind for part of it")
        .isEmpty();
    clock.now = NOW.plusSeconds(75).plus(TIMEOUT).plusSeconds(1);
    heartbeats.check();
    assertThat(written).hasSize(1);
  }

  @Test
  void aClusterWithoutAHeartbeatIsNotJudged() {
    TestClock clock = new TestClock();
    List<RemoteCluster> written = new java.util.ArrayList<>();
    RemoteClusterStatus status = healthy();
    status.setLastHeartbeatTime(null);
    ClusterHeartbeats heartbeats =
        new ClusterHeartbeats(
            written::add,
            () -> List.of(remote("old", status), remote("new", null)),
            clock,
            TIMEOUT,
            () -> true,
            "hub-1",
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry().counter("marked"));
    heartbeats.check();
    clock.now = NOW.plus(TIMEOUT.multipliedBy(3));
    heartbeats.check();
    assertThat(written).isEmpty();
  }
}
