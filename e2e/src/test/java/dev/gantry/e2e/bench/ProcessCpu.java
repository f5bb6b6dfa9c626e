package dev.gantry.e2e.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** CPU time of whole processes, every thread of theirs (the JIT's too), as the kernel counts it. */
final class ProcessCpu {
  private ProcessCpu() {}

  /** Nanoseconds of CPU the processes have used; a process that is gone fails the measure. */
  static long nanos(List<Long> pids) {
    long ns = 0;
    for (long pid : pids) {
      ns +=
          ProcessHandle.of(pid)
              .flatMap(h -> h.info().totalCpuDuration())
              .map(Duration::toNanos)
              .orElseThrow(() -> new IllegalStateException("process " + pid + " is gone"));
    }
    return ns;
  }

  /**
   * Nanoseconds each thread of the processes has spent ready to run but waiting for a core (the
   * second field of its {@code /proc/PID/task/TID/schedstat}), by thread id. Compare two readings
   * with {@link #waitedSince}.
   */
  static Map<Long, Long> waitNanos(List<Long> pids) {
    Map<Long, Long> waits = new HashMap<>();
    for (long pid : pids) {
      try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          waited(task.resolve("schedstat"))
              .ifPresent(ns -> waits.put(Long.parseLong(task.getFileName().toString()), ns));
        }
      } catch (NoSuchFileException e) {
        throw new IllegalStateException("process " + pid + " is gone", e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return waits;
  }

  /**
   * The nanoseconds waited between two readings of {@link #waitNanos}, by the threads alive at the
   * second (a thread started between them counts from its start). A thread that ended between them
   * is not counted, nor one whose id a new thread took (its count went down): a lower bound.
   */
  static long waitedSince(Map<Long, Long> before, Map<Long, Long> after) {
    long ns = 0;
    for (Map.Entry<Long, Long> thread : after.entrySet()) {
      ns += Math.max(0, thread.getValue() - before.getOrDefault(thread.getKey(), 0L));
    }
    return ns;
  }

  private static Optional<Long> waited(Path schedstat) throws IOException {
    try {
      String[] fields = Files.readString(schedstat).trim().split(" ");
      return Optional.of(Long.parseLong(fields[1]));
    } catch (IOException e) {
      // The thread ended between the listing and the read (no file, or ESRCH on the read).
      return Optional.empty();
    }
  }
}
