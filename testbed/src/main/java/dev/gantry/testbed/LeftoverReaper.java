package dev.gantry.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills processes that an earlier test JVM started and never stopped (it crashed or was killed).
 *
 * <p>Every started process gets a pid file {@code <pid>.pid} holding the owner JVM's pid and the
 * executable. A process is a leftover when its owner is gone and it still runs the same executable
 * (so a recycled pid is never killed).
 */
public final class LeftoverReaper {
  private static final Logger log = LoggerFactory.getLogger(LeftoverReaper.class);
  private static final AtomicBoolean reaped = new AtomicBoolean();

  private LeftoverReaper() {}

  static Path pidDirectory() {
    return Path.of(System.getProperty("java.io.tmpdir"), "gantry-testbed-pids");
  }

  /** Reaps leftovers the first time a process is started in this JVM. */
  static void reapOnce() {
    if (reaped.compareAndSet(false, true)) {
      reap(pidDirectory());
    }
  }

  static void record(long pid, String executable) {
    write(pidDirectory(), pid, ProcessHandle.current().pid(), realPath(executable));
  }

  /** The kernel reports a process's executable with symlinks resolved; record it the same way. */
  static String realPath(String executable) {
    try {
      return Path.of(executable).toRealPath().toString();
    } catch (IOException | RuntimeException e) {
      return executable;
    }
  }

  static void forget(long pid) {
    try {
      Files.deleteIfExists(pidDirectory().resolve(pid + ".pid"));
    } catch (IOException e) {
      log.warn("cannot remove pid file for {}: {}", pid, e.getMessage());
    }
  }

  static void write(Path directory, long pid, long ownerPid, String executable) {
    try {
      Files.createDirectories(directory);
      Files.writeString(directory.resolve(pid + ".pid"), ownerPid + "\n" + executable + "\n");
    } catch (IOException e) {
      log.warn("cannot write pid file for {}: {}", pid, e.getMessage());
    }
  }

  /** Kills the leftovers recorded in {@code directory}; returns how many were killed. */
  static int reap(Path directory) {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    int killed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.pid")) {
      for (Path file : files) {
        if (reapOne(file)) {
          killed++;
        }
      }
    } catch (IOException e) {
      log.warn("cannot scan {} for leftover processes: {}", directory, e.getMessage());
    }
    return killed;
  }

  private static boolean reapOne(Path file) throws IOException {
    String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
    long pid = Long.parseLong(file.getFileName().toString().replace(".pid", ""));
    long owner = lines.length > 0 && !lines[0].isBlank() ? Long.parseLong(lines[0].trim()) : -1;
    String executable = lines.length > 1 ? lines[1].trim() : "";
    if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
      return false; // another live test JVM owns it
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    boolean same =
        process.flatMap(p -> p.info().command()).map(c -> c.equals(executable)).orElse(false);
    boolean killed = false;
    if (same) {
      log.info("killing leftover {} (pid {}) of a test run that ended abruptly", executable, pid);
      process.get().destroyForcibly();
      killed = true;
    }
    Files.deleteIfExists(file);
    return killed;
  }
}
