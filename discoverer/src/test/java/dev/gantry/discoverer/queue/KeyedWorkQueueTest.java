package dev.gantry.discoverer.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyedWorkQueueTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final KeyedWorkQueue<String> queue =
      new KeyedWorkQueue<>(scheduler, Duration.ofMillis(10), Duration.ofSeconds(1));

  @AfterEach
  void stop() {
    queue.shutdown();
    scheduler.shutdownNow();
  }

  @Test
  void repeatedAddsOfOneKeyCoalesce() throws Exception {
    queue.add("a");
    queue.add("a");
    queue.add("b");
    queue.add("a");

    assertThat(queue.depth()).isEqualTo(2);
    assertThat(queue.take()).hasValue("a");
    assertThat(queue.take()).hasValue("b");
  }

  @Test
  void keyAddedWhileProcessingIsNotHandedOutTwiceButComesBackAfterDone() throws Exception {
    queue.add("a");
    assertThat(queue.take()).hasValue("a");
    queue.add("a"); // an event arrives while a worker reconciles "a"

    assertThat(queue.depth()).as("not given to a second worker").isZero();
    queue.done("a");
    assertThat(queue.depth()).isEqualTo(1);
    assertThat(queue.take()).hasValue("a");
    queue.done("a");
    assertThat(queue.idle()).isTrue();
  }

  @Test
  void failedKeyComesBackAfterExponentialBackoff() throws Exception {
    assertThat(queue.backoff(1)).isEqualTo(Duration.ofMillis(10));
    assertThat(queue.backoff(2)).isEqualTo(Duration.ofMillis(20));
    assertThat(queue.backoff(5)).isEqualTo(Duration.ofMillis(160));
    assertThat(queue.backoff(40)).isEqualTo(Duration.ofSeconds(1));

    queue.add("a");
    queue.take();
    queue.retry("a");
    queue.done("a");
    Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> queue.depth() == 1);
    assertThat(queue.failures("a")).isEqualTo(1);
    queue.forget("a");
    assertThat(queue.failures("a")).isZero();
  }

  @Test
  void shutdownReleasesWaitingWorkers() throws Exception {
    Thread worker =
        new Thread(
            () -> {
              try {
                assertThat(queue.take()).isEmpty();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    worker.start();
    queue.shutdown();
    worker.join(2000);
    assertThat(worker.isAlive()).isFalse();
  }
}
