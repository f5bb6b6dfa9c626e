package dev.gantry.e2e.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
   * Nanoseconds the threads of the processes have spent ready to run but waiting for a core (the
   * second field of each thread's {@code /proc/PID/task/TID/schedstat}). Threads that ended are not
   * counted, so a difference over a series is a lower bound; the processes measured keep their
   * threads.
   */
  static long waitNanos(List<Long> pids) {
    long ns = 0;
    for (long pid : pids) {
      try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          ns += waited(task.resolve("schedstat"));
        }
      } catch (NoSuchFileException e) {
        throw new IllegalStateException("process " + pid + " is gone", e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return ns;
  }

  private static long waited(Path schedstat) throws IOException {
    try {
      String[] fields = Files.readString(schedstat).trim().split(" ");
      return Long.parseLong(fields[1]);
    } catch (NoSuchFileException e) {
      return 0; // the thread ended between the listing and the read
    }
  }
}
