package dev.gantry.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HoldoffTest {
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final AtomicInteger runs = new AtomicInteger();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  /** A holdoff whose every run counts and does its work. */
  private Holdoff counting(Duration holdoff) {
    return new Holdoff(
        executor,
        holdoff,
        () -> {
          runs.incrementAndGet();
          return true;
        });
  }

  /** Waits until every task queued so far on the executor has run. */
  private void drain() throws Exception {
    executor.submit(() -> {}).get(5, TimeUnit.SECONDS);
  }

  @Test
  void anIsolatedRequestRunsAtOnceAndRequestsWithinTheHoldoffWaitForIt() throws Exception {
    // An hour: a run within seconds can only be the leading edge.
    Holdoff holdoff = counting(Duration.ofHours(1));
    holdoff.request();
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
    holdoff.request();
    holdoff.request();
    drain();
    assertThat(runs).hasValue(1);
  }

  @Test
  void runNowRunsWithinTheHoldoff() throws Exception {
    Holdoff holdoff = counting(Duration.ofHours(1));
    holdoff.request();
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
    executor.submit(holdoff::runNow).get(5, TimeUnit.SECONDS);
    assertThat(runs).as("run at once, holdoff or not").hasValue(2);
  }

  @Test
  void aRunThatDidNothingDoesNotHoldOffTheNext() throws Exception {
    AtomicBoolean ready = new AtomicBoolean();
    Holdoff holdoff =
        new Holdoff(
            executor,
            Duration.ofHours(1),
            () -> {
              runs.incrementAndGet();
              return ready.get();
            });
    holdoff.request();
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
    ready.set(true);
    holdoff.request();
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2);
    holdoff.request();
    drain();
    assertThat(runs).as("the second run counted").hasValue(2);
  }

  @Test
  void requestsAfterTheHoldoffRunAgain() throws Exception {
    // Long enough that the two requests below fall within it even on a loaded machine (with
    // 50 ms, a slow machine could run the trailing edge between them).
    Holdoff holdoff = counting(Duration.ofSeconds(1));
    holdoff.request();
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 1);
    holdoff.request();
    holdoff.request();
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 2);
    drain();
    assertThat(runs).as("two requests within one holdoff make one run").hasValue(2);
  }
}
