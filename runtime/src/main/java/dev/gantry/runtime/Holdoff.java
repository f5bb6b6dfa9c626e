package dev.gantry.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Runs a task on a single-threaded executor at most once per holdoff, leading edge first: an
 * isolated request runs at once; requests arriving within the holdoff of the last run wait for its
 * end and run together, so runs never come closer than the holdoff. Requests may come from any
 * thread; the task runs on the executor only.
 */
public final class Holdoff {
  private final ScheduledExecutorService executor;
  private final long holdoffNanos;
  private final BooleanSupplier task;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile long lastRunNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

  /**
   * @param task runs on the executor; answers whether it did its work (a run that found nothing to
   *     do yet, say because its inputs are incomplete, does not hold off the next)
   */
  public Holdoff(ScheduledExecutorService executor, Duration holdoff, BooleanSupplier task) {
    this.executor = Objects.requireNonNull(executor, "executor");
    this.holdoffNanos = Objects.requireNonNull(holdoff, "holdoff").toNanos();
    this.task = Objects.requireNonNull(task, "task");
  }

  /** Asks for a run; one already scheduled covers this request. */
  public void request() {
    if (!scheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      long wait = lastRunNanos + holdoffNanos - System.nanoTime();
      executor.schedule(this::runNow, Math.max(0, wait), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      scheduled.set(false);
    }
  }

  /** Runs the task now, on the calling thread, which must be the executor's. */
  public void runNow() {
    scheduled.set(false);
    long start = System.nanoTime();
    if (task.getAsBoolean()) {
      lastRunNanos = start;
    }
  }
}
