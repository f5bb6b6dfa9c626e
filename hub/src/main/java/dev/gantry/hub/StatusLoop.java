package dev.gantry.hub;

import dev.gantry.xds.ir.ProxyVerdict;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Writes HTTPProxy status from the compiler's verdicts, off the build thread (status writes are
 * blocking I/O): only the latest verdicts are written, failed writes are retried until newer
 * verdicts replace them.
 */
final class StatusLoop implements AutoCloseable {
  private static final Duration RETRY = Duration.ofSeconds(2);
  // Status writes in flight at once: enough to write a thousand proxies in seconds, few enough
  // not to crowd the hub apiserver.
  private static final int WRITERS = 8;

  private final ScheduledExecutorService loop = Hub.executor("proxy-status");
  private final ExecutorService writers =
      Executors.newFixedThreadPool(
          WRITERS,
          r -> {
            Thread t = new Thread(r, "gantry-status-writer");
            t.setDaemon(true);
            return t;
          });
  private final AtomicReference<List<ProxyVerdict>> pending = new AtomicReference<>();
  private final ProxyStatusWriter writer;

  /**
   * @param writer given the pool its writes run on
   */
  StatusLoop(Function<ExecutorService, ProxyStatusWriter> writer) {
    this.writer = writer.apply(writers);
  }

  /** The verdicts of a build: written soon, unless newer ones come first. */
  void accept(List<ProxyVerdict> verdicts) {
    if (pending.getAndSet(verdicts) == null) {
      loop.execute(this::write);
    }
  }

  private void write() {
    List<ProxyVerdict> verdicts = pending.getAndSet(null);
    if (verdicts == null) {
      return;
    }
    ProxyStatusWriter.Outcome outcome = writer.write(verdicts);
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
