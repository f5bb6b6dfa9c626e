package dev.gantry.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A batch of writes is waited for, but never for ever: a write that hangs is given up. */
class WritesTest {
  private static final Logger log = LoggerFactory.getLogger(WritesTest.class);

  @Test
  void successesFailuresAndErrorsAreCounted() {
    List<Future<Boolean>> writes =
        List.of(
            CompletableFuture.completedFuture(true),
            CompletableFuture.completedFuture(false),
            CompletableFuture.failedFuture(new IllegalStateException("conflict")),
            CompletableFuture.completedFuture(true));

    Writes.Outcome outcome = Writes.await(writes, Duration.ofSeconds(5), log, "test write");

    assertThat(outcome).isEqualTo(new Writes.Outcome(2, 2));
    assertThat(outcome.allSucceeded()).isFalse();
  }

  @Test
  void aWriteThatNeverEndsIsGivenUpWithTheRestAfterTheStall() {
    CompletableFuture<Boolean> hanging = new CompletableFuture<>();
    CompletableFuture<Boolean> behind = new CompletableFuture<>();
    List<Future<Boolean>> writes =
        List.of(CompletableFuture.completedFuture(true), hanging, behind);

    Writes.Outcome outcome = Writes.await(writes, Duration.ofMillis(50), log, "test write");

    assertThat(outcome).isEqualTo(new Writes.Outcome(1, 2));
    assertThat(hanging.isCancelled()).isTrue();
    assertThat(behind.isCancelled()).isTrue();
  }
}
