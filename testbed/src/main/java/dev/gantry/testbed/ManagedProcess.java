package dev.gantry.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An external process (etcd, kube-apiserver, Envoy) started by a test: its output goes to a log
 * file, it is recorded in a pid file so a later run can reap it if this JVM crashes, and a JVM
 * shutdown hook stops it if the test never does.
 */
public final class ManagedProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ManagedProcess.class);

  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path logFile;
  private Process process;
  private Thread shutdownHook;

  public ManagedProcess(String name, List<String> command, Path logFile) {
    this(name, command, Map.of(), logFile);
  }

  public ManagedProcess(
      String name, List<String> command, Map<String, String> environment, Path logFile) {
    this.name = name;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.logFile = logFile;
  }

  /** Starts the process; output is appended to the log file so restarts keep earlier lines. */
  public synchronized ManagedProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    LeftoverReaper.reapOnce();
    try {
      Files.createDirectories(logFile.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      builder.environment().putAll(environment);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + ")", e);
    }
    LeftoverReaper.record(process.pid(), command.get(0));
    Process started = process;
    shutdownHook = new Thread(() -> terminate(started), "stop-" + name);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    log.info("started {} (pid {}), log {}", name, process.pid(), logFile);
    return this;
  }

  /** Freezes the process (SIGSTOP): it keeps its sockets but runs nothing until {@link #resume}. */
  public synchronized void pause() {
    signal("STOP");
  }

  /** Lets a process frozen by {@link #pause} run again (SIGCONT). */
  public synchronized void resume() {
    signal("CONT");
  }

  private void signal(String signal) {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException(name + " is not running");
    }
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException(
            "kill -"
                + signal
                + " "
                + name
                + ": "
                + new String(kill.getInputStream().readAllBytes()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot signal " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted signalling " + name, e);
    }
    log.info("sent SIG{} to {} (pid {})", signal, name, process.pid());
  }

  /** Stops the process: SIGTERM, then SIGKILL after ten seconds. Idempotent. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    terminate(process);
    LeftoverReaper.forget(process.pid());
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already exiting; the hook runs or has run.
    }
    log.info("stopped {} (pid {})", name, process.pid());
    process = null;
  }

  /** Kills the process at once (SIGKILL), as a crash or an OOM kill would; no clean stop. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    try {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LeftoverReaper.forget(process.pid());
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already exiting.
    }
    log.info("killed {} (pid {})", name, process.pid());
    process = null;
  }

  private static void terminate(Process p) {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Fails with the end of the log when the process has exited. */
  public synchronized void checkAlive() {
    if (process != null && !process.isAlive()) {
      throw new IllegalStateException(
          name + " exited with code " + process.exitValue() + "; last lines:\n" + logTail(30));
    }
  }

  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException(name + " is not running");
    }
    return process.pid();
  }

  public String name() {
    return name;
  }

  public Path logFile() {
    return logFile;
  }

  /** The last {@code lines} lines of the log, for failure messages. */
  public String logTail(int lines) {
    try {
      if (!Files.exists(logFile)) {
        return "";
      }
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join(
          "\n", new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size())));
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  /** Waits until {@code ready} holds, failing early with the log if the process dies. */
  public void awaitReady(String what, Duration timeout, Probe ready) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      checkAlive();
      try {
        if (ready.ready()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      try {
        Thread.sleep(100); // polling an external process; there is no event to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
    throw new IllegalStateException(
        what
            + " not ready after "
            + timeout.toSeconds()
            + " s"
            + (last == null ? "" : " (last error: " + last + ")")
            + "; last lines of "
            + logFile
            + ":\n"
            + logTail(30));
  }

  @Override
  public void close() {
    stop();
  }

  /** A readiness check that may throw while the process is still coming up. */
  @FunctionalInterface
  public interface Probe {
    boolean ready() throws Exception;
  }
}
