package dev.gantry.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/bench-scale} at its smallest size, as a smoke test of the benchmark and of the
 * property it exists for: an endpoint change sends each Envoy one ClusterLoadAssignment and no
 * other type, in both ADS modes. Asserts no time: figures come from the benchmark at size.
 */
class ScaleBenchIT {
  @Test
  void theSmallestSizeRunsAndAnEndpointChangeSendsOneAssignmentInBothModes() throws Exception {
    List<String[]> rows =
        new ScaleBench(
                ScaleBench.flags(
                    "--remotes",
                    "2",
                    "--services",
                    "20",
                    "--endpoints",
                    "2",
                    "--changes",
                    "5",
                    "--rate",
                    "2",
                    "--rest",
                    "1",
                    "--delta-first",
                    "1",
                    "--quiet",
                    "20",
                    "--burn-in",
                    "3"))
            .run();

    Map<String, String> byMeasure = new LinkedHashMap<>();
    rows.forEach(r -> byMeasure.put(r[0], r[1]));
    List<String> measures = List.copyOf(byMeasure.keySet());
    assertThat(measures.indexOf("Delta: endpoint change → in Envoy, idle"))
        .as("--delta-first 1 measures Delta first")
        .isNotNegative()
        .isLessThan(measures.indexOf("SotW: endpoint change → in Envoy, idle"));
    for (String mode : List.of("SotW", "Delta")) {
      assertThat(byMeasure.get(mode + ": endpoint change → in Envoy, idle")).contains("(n=5)");
      // The floor beside the change: the same two hops relayed by the benchmark's own watch.
      assertThat(
              byMeasure.get(mode + ": floor, the same two apiserver hops relayed by a watch, idle"))
          .contains("(n=5)");
      assertThat(byMeasure.get(mode + ": floor, the same, 2 other changes/s")).contains("(n=5)");
      // The processes' own meters split each series by stage.
      assertThat(byMeasure.get(mode + ": the same by stage, idle"))
          .contains("(this benchmark, n=5)")
          .containsPattern("mirror written [0-9.]+ ms \\(the discoverers' meter, n=[1-9]")
          .containsPattern("Envoy's ACK [0-9.]+ ms \\(the hub's, n=[1-9]")
          // The hub apiserver's own meter of the mirror writes it served.
          .containsPattern(
              "the hub apiserver's part of an EndpointSlice update [0-9]+\\.[0-9] ms, n=[1-9]");
      assertThat(byMeasure.get(mode + ": hub per change, idle"))
          .contains("(1.0 assignments)")
          .contains(", 0 B of other types;")
          // The rest of the machine's CPU per change, read from the other processes.
          .containsPattern("beside them [1-9][0-9]*\\.[0-9]{2} ms the apiservers and etcds")
          .containsPattern(", [0-9.]+ ms Envoy, [1-9][0-9]*\\.[0-9]{2} ms this benchmark")
          .containsPattern("their JIT compilers [0-9]+\\.[0-9]{2} ms and [0-9]+\\.[0-9]{2} ms\\)")
          // How long each kind of process waited for a core: never less than nothing.
          .containsPattern(
              "threads waiting for a core, per change: [0-9]+\\.[0-9]{2} ms hub, [0-9]+\\.[0-9]{2} ms"
                  + " discoverers, [0-9]+\\.[0-9]{2} ms the apiservers and etcds, [0-9]+\\.[0-9]{2} ms"
                  + " Envoy, [0-9]+\\.[0-9]{2} ms this benchmark")
          .contains("beyond the hub's CPU at rest");
      assertThat(byMeasure.get(mode + ": at rest, no change for 1 s")).startsWith("CPU ");
      assertThat(byMeasure.get(mode + ": new Service + HTTPProxy → Envoy answers"))
          .contains("(n=20)")
          .containsPattern("their two writes returned after p50 [0-9]+ / p99 [0-9]+ ms")
          .containsPattern(
              "after 3 unmeasured, the first of which took [0-9]+ ms \\(its two writes [0-9]+ ms\\)");
      assertThat(byMeasure.get(mode + ": per new proxy (CPU at rest included)"))
          .containsPattern("^CPU [0-9]+\\.[0-9]{2} ms hub")
          .containsPattern("beside them [1-9][0-9]*\\.[0-9]{2} ms the apiservers and etcds");
      assertThat(
              byMeasure.get(mode + ": hub's gantry_propagation_seconds (remote event → Envoy ACK)"))
          .doesNotContain("n/a");
    }
    assertThat(byMeasure).containsKey("hub start → ready / → all HTTPProxies valid");
    // Every figure above came over xDS as the chart serves it.
    assertThat(byMeasure.get("xDS between the hub and Envoy")).startsWith("mutual TLS");
  }
}
