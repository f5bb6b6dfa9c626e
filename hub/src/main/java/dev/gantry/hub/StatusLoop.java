package dev.gantry.hub;

import dev.gantry.xds.ir.ProxyVerdict;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes HTTPProxy status from the compiler's verdicts, off the build thread (status writes are
 * blocking I/O): only the latest verdicts are written, failed writes are retried until newer
 * verdicts replace them.
 */
final class StatusLoop implements AutoCloseable {
  private static final Duration RETRY = Duration.ofSeconds(2);
  // Status writes in flight at once: enough to write a thousand proxies in seconds, few enough
  // not to crowd the hub apiserver.
  private static final int WRITERS = 16;
  // A batch of writes at least this large is logged (the first after a start, a new Secret...).
  private static final int BATCH_LOGGED = 100;
  private static final Logger log = LoggerFactory.getLogger(StatusLoop.class);

  private final ScheduledExecutorService loop = Hub.executor("proxy-status");
  private final ExecutorService writers = Hub.pool("status-writer", WRITERS);
  private final AtomicReference<List<ProxyVerdict>> pending = new AtomicReference<>();
  private final AtomicReference<List<ProxyVerdict>> latest = new AtomicReference<>();
  private final ProxyStatusWriter writer;
  private final BooleanSupplier mayWrite;
  private final Counter written;
  private final Counter failed;

  /**
   * @param writer given the pool its writes run on
   * @param mayWrite whether this replica writes now (it holds the lease); verdicts that arrive
   *     while it may not are written when {@link #resume} is called
   * @param written counts the statuses written
   * @param failed counts the status writes that failed (each is retried)
   */
  StatusLoop(
      Function<ExecutorService, ProxyStatusWriter> writer,
      BooleanSupplier mayWrite,
      Counter written,
      Counter failed) {
    this.writer = writer.apply(writers);
    this.mayWrite = mayWrite;
    this.written = written;
    this.failed = failed;
  }

  /** The verdicts of a build: written soon, unless newer ones come first. */
  void accept(List<ProxyVerdict> verdicts) {
    latest.set(verdicts);
    if (pending.getAndSet(verdicts) == null) {
      try {
        loop.execute(this::write);
      } catch (RejectedExecutionException closed) {
        // A build that ended while the hub closes: nothing is written any more.
        log.debug("status of a build not written: closing");
      }
    }
  }

  /**
   * This replica may write again (it took the lease), or what is written besides the verdicts (the
   * status address) changed: the latest verdicts are written.
   */
  void resume() {
    List<ProxyVerdict> verdicts = latest.get();
    if (verdicts != null) {
      accept(verdicts);
    }
  }

  private void write() {
    List<ProxyVerdict> verdicts = pending.getAndSet(null);
    if (verdicts == null || !mayWrite.getAsBoolean()) {
      return;
    }
    long start = System.nanoTime();
    ProxyStatusWriter.Outcome outcome = writer.write(verdicts);
    if (outcome.written() + outcome.failed() >= BATCH_LOGGED) {
      log.info(
          "wrote {} HTTPProxy statuses in {} ms ({} failed, retried)",
          outcome.written(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
          outcome.failed());
    }
    written.increment(outcome.written());
    failed.increment(outcome.failed());
    // Retry the same verdicts later, unless newer ones arrived meanwhile (they win).
    if (outcome.failed() > 0 && pending.compareAndSet(null, verdicts)) {
      loop.schedule(this::write, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    Hub.shutDown(loop);
    Hub.shutDown(writers);
  }
}
