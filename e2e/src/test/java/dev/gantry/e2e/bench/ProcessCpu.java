package dev.gantry.e2e.bench;

import java.time.Duration;
import java.util.List;

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
}
