package dev.gantry.discoverer.queue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A work queue of keys that coalesces repeated adds and hands each key to one worker at a time (the
 * shape of client-go's workqueue). A key added while it is being processed is queued again when the
 * worker is done, so the latest state is always reconciled and never lost. Failed keys come back
 * after a per-key exponential backoff.
 */
public final class KeyedWorkQueue<K> {
  private final ArrayDeque<K> queue = new ArrayDeque<>();
  private final Set<K> dirty = new HashSet<>();
  private final Set<K> processing = new HashSet<>();
  private final Map<K, Integer> failures = new HashMap<>();
  private final ScheduledExecutorService scheduler;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private boolean shutdown;

  public KeyedWorkQueue(ScheduledExecutorService scheduler, Duration baseDelay, Duration maxDelay) {
    this.scheduler = scheduler;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
  }

  /** Adds {@code key}; a key already waiting is not added twice. */
  public synchronized void add(K key) {
    if (shutdown || dirty.contains(key)) {
      return;
    }
    dirty.add(key);
    if (!processing.contains(key)) {
      queue.addLast(key);
      // Every waiting worker, not one: on busy cores the first of them to get a core takes the key.
      // With notify() the one woken may wait its turn: a change waited 0.4 to 0.9 ms in the queue
      // under load instead of 0.1 to 0.3, and the CPU saved did not show (docs/performance.md,
      // 2026-12-07 from 15:45).
      notifyAll();
    }
  }

  /** Adds {@code key} after {@code delay}. */
  public void addAfter(K key, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(key);
      return;
    }
    scheduler.schedule(() -> add(key), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Re-adds a key whose processing failed, after its backoff; returns the delay used. */
  public Duration retry(K key) {
    int attempts;
    synchronized (this) {
      attempts = failures.merge(key, 1, Integer::sum);
    }
    Duration delay = backoff(attempts);
    addAfter(key, delay);
    return delay;
  }

  Duration backoff(int attempts) {
    long factor = 1L << Math.min(attempts - 1, 30);
    long nanos = baseDelay.toNanos() * factor;
    return nanos <= 0 || nanos > maxDelay.toNanos() ? maxDelay : Duration.ofNanos(nanos);
  }

  /** Clears a key's failure count after it succeeded. */
  public synchronized void forget(K key) {
    failures.remove(key);
  }

  /** How often processing of {@code key} has failed in a row. */
  public synchronized int failures(K key) {
    return failures.getOrDefault(key, 0);
  }

  /** Blocks until a key is available; empty once the queue is shut down. */
  public synchronized Optional<K> take() throws InterruptedException {
    while (queue.isEmpty() && !shutdown) {
      wait();
    }
    if (shutdown) {
      return Optional.empty();
    }
    K key = queue.removeFirst();
    dirty.remove(key);
    processing.add(key);
    return Optional.of(key);
  }

  /** Marks {@code key} processed; if it was added meanwhile, it is queued again. */
  public synchronized void done(K key) {
    processing.remove(key);
    if (dirty.contains(key)) {
      queue.addLast(key);
      notifyAll();
    }
  }

  /** Keys waiting (not counting those being processed). */
  public synchronized int depth() {
    return queue.size();
  }

  /** Whether nothing is waiting or being processed. */
  public synchronized boolean idle() {
    return queue.isEmpty() && processing.isEmpty();
  }

  public synchronized void shutdown() {
    shutdown = true;
    notifyAll();
  }
}
