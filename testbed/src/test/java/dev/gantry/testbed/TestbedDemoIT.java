package dev.gantry.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The demo command's program runs, answers through Envoy and leaves no process behind. */
class TestbedDemoIT {

  @Test
  void demoPrintsHowToReachEachPartAndStopsEverything() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process demo =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                TestbedDemo.class.getName(),
                "--once")
            .redirectErrorStream(true)
            .start();
    String output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(demo.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(demo.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("cluster east", "cluster west", "cluster hub")
        .contains("kubectl --kubeconfig")
        .contains("->  200 hello from the sample backend")
        .contains("demo stopped: all processes ended");
    Matcher pids = Pattern.compile("\\(pid (\\d+)\\)").matcher(output);
    List<Long> started = new ArrayList<>();
    while (pids.find()) {
      started.add(Long.parseLong(pids.group(1)));
    }
    assertThat(started)
        .as("etcd, apiserver x3 and envoy were started")
        .hasSizeGreaterThanOrEqualTo(7);
    assertThat(started)
        .allSatisfy(
            pid ->
                assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
                    .as("pid %d still running", pid)
                    .isEmpty());
  }
}
