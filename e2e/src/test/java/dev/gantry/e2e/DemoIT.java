package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The demo command's program, as {@code scripts/demo --once} runs it: answers come from both
 * clusters through Envoy, by the HTTPProxy and by the Gateway API HTTPRoute alike, and no process
 * it started outlives it.
 */
class DemoIT {

  @Test
  void demoShowsBothClustersAnsweringAndStopsEverything() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
                java.toString(),
                "-Dlogback.configurationFile=" + Path.of("src/main/resources/demo-logback.xml"),
                "-cp",
                System.getProperty("java.class.path"),
                Demo.class.getName(),
                "--once")
            .redirectErrorStream(true);
    // INFO logs name every process started (with its pid), to check they all ended.
    builder.environment().put("GANTRY_LOG_LEVEL", "INFO");
    Process demo = builder.start();
    String output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(demo.waitFor(180, TimeUnit.SECONDS)).isTrue();

    assertThat(demo.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("Gantry demo up in")
        .contains("get remoteclusters,serviceimports,httpproxies,services -A")
        .containsPattern("request 1 -> 200 (east|west)-\\d \\(cluster (east|west)\\)")
        .contains("(cluster east)", "(cluster west)")
        .contains("get gatewayclasses,gateways,httproutes -A")
        .contains("HTTPRoute demo/kuard (Gateway demo/gantry, class gantry)")
        .contains("curl -H 'Host: kuard.gateway.gantry.test'");
    // The HTTPRoute's six requests, answered by both clusters.
    String byRoute = output.substring(output.indexOf("HTTPRoute demo/kuard"));
    assertThat(byRoute)
        .containsPattern("request 6 -> 200 (east|west)-\\d")
        .contains("(cluster east)", "(cluster west)");
    assertThat(output).contains("demo stopped: all processes ended");
    Matcher pids = Pattern.compile("started .* \\(pid (\\d+)\\)").matcher(output);
    List<Long> started = new ArrayList<>();
    while (pids.find()) {
      started.add(Long.parseLong(pids.group(1)));
    }
    assertThat(started)
        .as("etcd and apiserver x3, three backends and Envoy were started")
        .hasSizeGreaterThanOrEqualTo(10);
    assertThat(started)
        .allSatisfy(
            pid ->
                assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
                    .as("pid %d still running", pid)
                    .isEmpty());
  }
}
