package dev.gantry.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeftoverReaperTest {

  @Test
  void processWhoseOwnerIsGoneIsKilled(@TempDir Path pids) throws Exception {
    Process orphan = new ProcessBuilder("sleep", "300").start();
    long deadOwner = deadPid();
    LeftoverReaper.write(pids, orphan.pid(), deadOwner, LeftoverReaper.realPath("/bin/sleep"));

    assertThat(LeftoverReaper.reap(pids)).isEqualTo(1);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !orphan.isAlive());
    assertThat(pids.resolve(orphan.pid() + ".pid")).doesNotExist();
  }

  @Test
  void processOfALiveOwnerIsLeftAlone(@TempDir Path pids) throws Exception {
    Process running = new ProcessBuilder("sleep", "300").start();
    try {
      LeftoverReaper.write(
          pids,
          running.pid(),
          ProcessHandle.current().pid(),
          LeftoverReaper.realPath("/bin/sleep"));

      assertThat(LeftoverReaper.reap(pids)).isZero();
      assertThat(running.isAlive()).isTrue();
    } finally {
      running.destroyForcibly();
    }
  }

  @Test
  void recycledPidRunningSomethingElseIsNotKilled(@TempDir Path pids) throws Exception {
    Process unrelated = new ProcessBuilder("sleep", "300").start();
    try {
      LeftoverReaper.write(pids, unrelated.pid(), deadPid(), "/opt/gantry/etcd");

      assertThat(LeftoverReaper.reap(pids)).isZero();
      assertThat(unrelated.isAlive()).isTrue();
      assertThat(pids.resolve(unrelated.pid() + ".pid")).doesNotExist();
    } finally {
      unrelated.destroyForcibly();
    }
  }

  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }
}
