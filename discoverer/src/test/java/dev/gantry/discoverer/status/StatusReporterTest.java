package dev.gantry.discoverer.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.gantry.api.crd.RemoteClusterStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StatusReporterTest {
  private static final String IDENTITY = "discoverer-east-0";
  private static final Instant SYNCED_AT = Instant.parse("2025-03-01T10:00:00Z");
  private static final Instant STALE_SINCE = Instant.parse("2025-03-01T10:05:00Z");
  private static final Instant NOW = Instant.parse("2025-03-01T10:10:00Z");
  private static final String T_NOW = NOW.toString();
  private static final Duration HEARTBEAT = Duration.ofSeconds(10);

  /** A cluster state and the complete conditions expected for it. */
  record Case(String name, ClusterState state, List<Condition> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> conditions() {
    Map<String, String> sixFailures = new LinkedHashMap<>();
    for (String key : List.of("shop/f", "shop/e", "shop/d", "shop/c", "shop/b", "shop/a")) {
      sixFailures.put(key, "forbidden");
    }
    return Stream.of(
        new Case(
            "healthy after a sync",
            healthy().build(),
            List.of(
                condition(
                    "Ready", "True", "Mirroring", "the remote cluster is watched and mirrored"),
                condition("Synced", "True", "AllMirrored", "every Service in scope is mirrored"),
                condition(
                    "Stale", "False", "RemoteReachable", "mirrors follow the remote cluster"))),
        new Case(
            "before the first sync",
            healthy().remoteSynced(false).lastSync(null).build(),
            List.of(
                condition(
                    "Ready", "False", "InitialSyncPending", "waiting for the first full sync"),
                condition(
                    "Synced",
                    "False",
                    "InitialSyncPending",
                    "the first full sync has not completed"),
                condition(
                    "Stale", "False", "RemoteReachable", "mirrors follow the remote cluster"))),
        new Case(
            "remote informers synced but the first full sync not done",
            healthy().lastSync(null).build(),
            List.of(
                condition(
                    "Ready", "False", "InitialSyncPending", "waiting for the first full sync"),
                condition(
                    "Synced",
                    "False",
                    "InitialSyncPending",
                    "the first full sync has not completed"),
                condition(
                    "Stale", "False", "RemoteReachable", "mirrors follow the remote cluster"))),
        new Case(
            "remote unreachable after a sync",
            healthy()
                .reachable(false)
                .staleSince(STALE_SINCE)
                .unreachableReason("connect timed out")
                .build(),
            List.of(
                condition(
                    "Ready",
                    "False",
                    "RemoteUnreachable",
                    "the remote apiserver does not answer (down or out of reach): connect timed out"),
                condition("Synced", "True", "AllMirrored", "every Service in scope is mirrored"),
                condition(
                    "Stale",
                    "True",
                    "RemoteUnreachable",
                    "mirrors are kept as last seen; stale since 2025-03-01T10:05:00Z"))),
        new Case(
            "remote refusing the token after a sync",
            healthy()
                .reachable(false)
                .staleSince(STALE_SINCE)
                .problem(RemoteProblem.UNAUTHORIZED)
                .unreachableReason("Unauthorized")
                .build(),
            List.of(
                condition(
                    "Ready",
                    "False",
                    "RemoteUnauthorized",
                    "the remote apiserver refuses the discoverer's credentials (expired or revoked"
                        + " token; run link again): Unauthorized"),
                condition("Synced", "True", "AllMirrored", "every Service in scope is mirrored"),
                condition(
                    "Stale",
                    "True",
                    "RemoteUnauthorized",
                    "mirrors are kept as last seen; stale since 2025-03-01T10:05:00Z"))),
        new Case(
            "remote forbidding the identity after a sync",
            healthy()
                .reachable(false)
                .staleSince(STALE_SINCE)
                .problem(RemoteProblem.FORBIDDEN)
                .unreachableReason("services is forbidden")
                .build(),
            List.of(
                condition(
                    "Ready",
                    "False",
                    "RemoteForbidden",
                    "the discoverer's identity may not list Services in the remote cluster (RBAC"
                        + " missing; run link again): services is forbidden"),
                condition("Synced", "True", "AllMirrored", "every Service in scope is mirrored"),
                condition(
                    "Stale",
                    "True",
                    "RemoteForbidden",
                    "mirrors are kept as last seen; stale since 2025-03-01T10:05:00Z"))),
        new Case(
            "remote unreachable before the first sync",
            healthy()
                .remoteSynced(false)
                .lastSync(null)
                .reachable(false)
                .staleSince(STALE_SINCE)
                .unreachableReason("connection refused")
                .build(),
            List.of(
                condition(
                    "Ready",
                    "False",
                    "RemoteUnreachable",
                    "the remote apiserver does not answer (down or out of reach): connection refused"),
                condition(
                    "Synced",
                    "False",
                    "InitialSyncPending",
                    "the first full sync has not completed"),
                condition(
                    "Stale",
                    "True",
                    "RemoteUnreachable",
                    "mirrors are kept as last seen; stale since 2025-03-01T10:05:00Z"))),
        new Case(
            "reconcile failures, listed by key",
            healthy().failures(Map.of("shop/web", "forbidden", "pay/api", "conflict")).build(),
            List.of(
                condition(
                    "Ready", "True", "Mirroring", "the remote cluster is watched and mirrored"),
                condition(
                    "Synced",
                    "False",
                    "ReconcileErrors",
                    "2 service(s) failing: pay/api: conflict; shop/web: forbidden"),
                condition(
                    "Stale", "False", "RemoteReachable", "mirrors follow the remote cluster"))),
        new Case(
            "more than five reconcile failures: the first five by key, then an ellipsis",
            healthy().failures(sixFailures).build(),
            List.of(
                condition(
                    "Ready", "True", "Mirroring", "the remote cluster is watched and mirrored"),
                condition(
                    "Synced",
                    "False",
                    "ReconcileErrors",
                    "6 service(s) failing: shop/a: forbidden; shop/b: forbidden; shop/c: forbidden;"
                        + " shop/d: forbidden; shop/e: forbidden; ..."),
                condition(
                    "Stale", "False", "RemoteReachable", "mirrors follow the remote cluster"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conditions")
  void conditionsSayWhatTheDiscovererKnows(Case c) {
    RemoteClusterStatus status =
        StatusReporter.statusFor(c.state(), null, IDENTITY, NOW, HEARTBEAT);

    assertThat(status.getConditions()).containsExactlyElementsOf(c.expected());
  }

  @Test
  void healthyStatusCarriesSyncTimeCountsAndIdentity() {
    RemoteClusterStatus status =
        StatusReporter.statusFor(healthy().counts(12, 30).build(), null, IDENTITY, NOW, HEARTBEAT);

    assertThat(status.getLastSyncTime()).isEqualTo("2025-03-01T10:00:00Z");
    assertThat(status.getStaleSince()).isNull();
    assertThat(status.getMirroredServices()).isEqualTo(12);
    assertThat(status.getMirroredEndpointSlices()).isEqualTo(30);
    assertThat(status.getCollisions()).isEmpty();
    assertThat(status.getObservedBy()).isEqualTo(IDENTITY);
  }

  @Test
  void unreachableRemoteSetsStaleSince() {
    RemoteClusterStatus status =
        StatusReporter.statusFor(
            healthy().reachable(false).staleSince(STALE_SINCE).build(),
            null,
            IDENTITY,
            NOW,
            HEARTBEAT);

    assertThat(status.getStaleSince()).isEqualTo("2025-03-01T10:05:00Z");
    assertThat(status.getLastSyncTime()).isEqualTo("2025-03-01T10:00:00Z");
  }

  @Test
  void noSyncTimeBeforeTheFirstSync() {
    RemoteClusterStatus status =
        StatusReporter.statusFor(healthy().lastSync(null).build(), null, IDENTITY, NOW, HEARTBEAT);

    assertThat(status.getLastSyncTime()).isNull();
  }

  @Test
  void collisionsAreSortedAndCappedAtTwenty() {
    List<String> collisions = new ArrayList<>();
    IntStream.rangeClosed(1, 25)
        .map(i -> 26 - i) // reverse order
        .forEach(i -> collisions.add("Service shop/east-svc%02d is not ours".formatted(i)));

    RemoteClusterStatus status =
        StatusReporter.statusFor(
            healthy().collisions(collisions).build(), null, IDENTITY, NOW, HEARTBEAT);

    assertThat(status.getCollisions())
        .hasSize(20)
        .isSorted()
        .startsWith("Service shop/east-svc01 is not ours")
        .endsWith("Service shop/east-svc20 is not ours");
  }

  @Test
  void unchangedConditionKeepsItsTransitionTimeAndChangedOneGetsNow() {
    String before = "2025-03-01T09:00:00Z";
    RemoteClusterStatus previous = new RemoteClusterStatus();
    previous.setConditions(
        List.of(
            new ConditionBuilder(
                    condition(
                        "Ready", "True", "Mirroring", "the remote cluster is watched and mirrored"))
                .withLastTransitionTime(before)
                .build(),
            new ConditionBuilder(
                    condition(
                        "Synced", "True", "AllMirrored", "every Service in scope is mirrored"))
                .withLastTransitionTime(before)
                .build(),
            new ConditionBuilder(
                    condition(
                        "Stale", "False", "RemoteReachable", "mirrors follow the remote cluster"))
                .withLastTransitionTime(before)
                .build()));
    ClusterState unreachable =
        healthy().reachable(false).staleSince(STALE_SINCE).unreachableReason("timeout").build();

    RemoteClusterStatus status =
        StatusReporter.statusFor(unreachable, previous, IDENTITY, NOW, HEARTBEAT);

    assertThat(status.getConditions())
        .extracting(Condition::getType, Condition::getStatus, Condition::getLastTransitionTime)
        .containsExactly(
            tuple("Ready", "False", T_NOW),
            tuple("Synced", "True", before),
            tuple("Stale", "True", T_NOW));
  }

  @Test
  void sameStatusWithNewReasonKeepsTheTransitionTime() {
    String before = "2025-03-01T09:00:00Z";
    RemoteClusterStatus previous =
        StatusReporter.statusFor(
            healthy().remoteSynced(false).lastSync(null).build(),
            null,
            IDENTITY,
            Instant.parse(before),
            HEARTBEAT);
    ClusterState failing = healthy().failures(Map.of("shop/web", "forbidden")).build();

    RemoteClusterStatus status =
        StatusReporter.statusFor(failing, previous, IDENTITY, NOW, HEARTBEAT);

    Condition synced = status.condition("Synced");
    assertThat(synced.getStatus()).isEqualTo("False");
    assertThat(synced.getReason()).isEqualTo("ReconcileErrors");
    assertThat(synced.getLastTransitionTime())
        .as("False before and after: no transition")
        .isEqualTo(before);
    assertThat(status.condition("Ready").getLastTransitionTime()).isEqualTo(T_NOW);
  }

  private static Condition condition(String type, String status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(T_NOW)
        .build();
  }

  private static StateBuilder healthy() {
    return new StateBuilder();
  }

  /** A synced, reachable, idle cluster with nothing failing; each case changes what it tests. */
  private static final class StateBuilder {
    private boolean remoteSynced = true;
    private boolean reachable = true;
    private Instant staleSince;
    private String unreachableReason;
    private RemoteProblem problem = RemoteProblem.UNREACHABLE;

    StateBuilder problem(RemoteProblem v) {
      problem = v;
      return this;
    }

    private Instant lastSync = SYNCED_AT;
    private int services = 3;
    private int slices = 5;
    private List<String> collisions = List.of();
    private Map<String, String> failures = Map.of();

    StateBuilder remoteSynced(boolean v) {
      remoteSynced = v;
      return this;
    }

    StateBuilder reachable(boolean v) {
      reachable = v;
      return this;
    }

    StateBuilder staleSince(Instant v) {
      staleSince = v;
      return this;
    }

    StateBuilder unreachableReason(String v) {
      unreachableReason = v;
      return this;
    }

    StateBuilder lastSync(Instant v) {
      lastSync = v;
      return this;
    }

    StateBuilder counts(int mirroredServices, int mirroredSlices) {
      services = mirroredServices;
      slices = mirroredSlices;
      return this;
    }

    StateBuilder collisions(List<String> v) {
      collisions = v;
      return this;
    }

    StateBuilder failures(Map<String, String> v) {
      failures = v;
      return this;
    }

    ClusterState build() {
      return new ClusterState(
          remoteSynced,
          reachable,
          staleSince,
          problem,
          unreachableReason,
          lastSync,
          true,
          services,
          slices,
          collisions,
          failures);
    }
  }

  @Test
  void theHeartbeatMovesOnceTheIntervalHasPassed() {
    RemoteClusterStatus first =
        StatusReporter.statusFor(healthy().build(), null, IDENTITY, NOW, HEARTBEAT);
    assertThat(first.getLastHeartbeatTime()).isEqualTo(T_NOW);

    RemoteClusterStatus soon =
        StatusReporter.statusFor(healthy().build(), first, IDENTITY, NOW.plusSeconds(9), HEARTBEAT);
    assertThat(soon.getLastHeartbeatTime()).as("within the interval: unchanged").isEqualTo(T_NOW);

    Instant later = NOW.plusSeconds(10);
    RemoteClusterStatus due =
        StatusReporter.statusFor(healthy().build(), soon, IDENTITY, later, HEARTBEAT);
    assertThat(due.getLastHeartbeatTime()).isEqualTo(later.toString());
  }

  @Test
  void aHeartbeatFromTheFutureOrUnreadableIsReplaced() {
    RemoteClusterStatus previous = new RemoteClusterStatus();
    previous.setLastHeartbeatTime(NOW.plusSeconds(3600).toString());
    assertThat(
            StatusReporter.statusFor(healthy().build(), previous, IDENTITY, NOW, HEARTBEAT)
                .getLastHeartbeatTime())
        .isEqualTo(T_NOW);
    previous.setLastHeartbeatTime("yesterday");
    assertThat(
            StatusReporter.statusFor(healthy().build(), previous, IDENTITY, NOW, HEARTBEAT)
                .getLastHeartbeatTime())
        .isEqualTo(T_NOW);
  }

  @Test
  void aRestartedDiscovererKeepsTheEarlierStaleSince() {
    // Stale since 10:00 as written before the restart (by this discoverer or by the hub when the
    // heartbeat stopped); the new process found the remote unreachable at 10:05.
    RemoteClusterStatus previous = new RemoteClusterStatus();
    previous.setStaleSince(SYNCED_AT.toString());
    ClusterState unreachable =
        healthy().reachable(false).staleSince(STALE_SINCE).unreachableReason("timeout").build();

    RemoteClusterStatus status =
        StatusReporter.statusFor(unreachable, previous, IDENTITY, NOW, HEARTBEAT);

    assertThat(status.getStaleSince()).isEqualTo(SYNCED_AT.toString());
    assertThat(status.condition("Stale").getMessage()).endsWith("stale since " + SYNCED_AT);
  }

  @Test
  void aReachableRemoteClearsAStaleSinceWrittenBefore() {
    RemoteClusterStatus previous = new RemoteClusterStatus();
    previous.setStaleSince(SYNCED_AT.toString());

    RemoteClusterStatus status =
        StatusReporter.statusFor(healthy().build(), previous, IDENTITY, NOW, HEARTBEAT);

    assertThat(status.getStaleSince()).isNull();
    assertThat(status.condition("Stale").getStatus()).isEqualTo("False");
  }

  @Test
  void aLaterStaleSinceOfAnEarlierEpisodeIsNotKept() {
    // A previous value after this episode's start (a clock step) does not move the start later.
    RemoteClusterStatus previous = new RemoteClusterStatus();
    previous.setStaleSince(NOW.toString());
    ClusterState unreachable =
        healthy().reachable(false).staleSince(STALE_SINCE).unreachableReason("timeout").build();

    assertThat(
            StatusReporter.statusFor(unreachable, previous, IDENTITY, NOW, HEARTBEAT)
                .getStaleSince())
        .isEqualTo(STALE_SINCE.toString());
  }
}
