package dev.gantry.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;

/**
 * Waits for a batch of writes to the apiserver running on a pool, each answering whether it
 * succeeded. The wait is bounded: when no write has finished for {@code stall} (one hangs, the pool
 * is stuck), the rest are cancelled and counted as failed, so the caller's loop goes on and retries
 * them rather than waiting for ever. The bound is on progress, not on the whole batch: a large
 * batch behind a client rate limit still finishes.
 */
public final class Writes {
  /**
   * How long a batch of the hub's writes may make no progress before the rest are given up: far
   * above one write's worst case (the client's timeouts and retries), far below for ever.
   */
  public static final Duration STALL = Duration.ofMinutes(2);

  private Writes() {}

  /** What a batch came to: writes that succeeded, and those that failed or were given up. */
  public record Outcome(int succeeded, int failed) {
    public boolean allSucceeded() {
      return failed == 0;
    }
  }

  /**
   * Waits for {@code writes}, at most {@code stall} for each next one; logs a failed write's cause
   * and, once, the writes given up, as {@code what} (e.g. "ServiceImport write").
   */
  public static Outcome await(
      List<? extends Future<Boolean>> writes, Duration stall, Logger log, String what) {
    int succeeded = 0;
    int failed = 0;
    for (int i = 0; i < writes.size(); i++) {
      Future<Boolean> write = writes.get(i);
      try {
        if (Boolean.TRUE.equals(write.get(stall.toNanos(), TimeUnit.NANOSECONDS))) {
          succeeded++;
        } else {
          failed++;
        }
      } catch (ExecutionException e) {
        failed++;
        log.warn("{} failed", what, e.getCause());
      } catch (TimeoutException e) {
        int left = writes.size() - i;
        log.warn(
            "{}s made no progress for {} s: {} of {} given up, to be retried",
            what,
            stall.toSeconds(),
            left,
            writes.size());
        writes.subList(i, writes.size()).forEach(w -> w.cancel(true));
        return new Outcome(succeeded, failed + left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        writes.subList(i, writes.size()).forEach(w -> w.cancel(true));
        return new Outcome(succeeded, failed + writes.size() - i);
      }
    }
    return new Outcome(succeeded, failed);
  }
}
