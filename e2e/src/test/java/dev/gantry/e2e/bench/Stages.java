package dev.gantry.e2e.bench;

import dev.gantry.e2e.GantryProcesses;
import dev.gantry.e2e.JvmProcess;
import dev.gantry.e2e.PrometheusText;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The sums and counts of the processes' own propagation meters, which all start when a discoverer
 * sees the remote change: the discoverers' until the mirror is written (and their reconciles, the
 * one hub write included), the hub's until Envoy acknowledges it. Their means over a series are
 * cumulative from that moment; beside the benchmark's own mean (from before the remote write until
 * Envoy's admin lists the address, which Envoy does before it acknowledges), they tell the
 * discoverer's part, the hub hop's with the hub and Envoy (the hub's mean less the discoverers'),
 * and roughly the remote hop's (the benchmark's less the hub's, an underestimate). The hub
 * apiserver's own meter of the EndpointSlice updates it served splits the discoverer's write into
 * the apiserver's part (from the request entering its handlers, before its body is read, until the
 * answer is written) and the rest (the client's work, the connection, the waits for a core on
 * either side).
 */
record Stages(
    double toMirror,
    double mirrors,
    double reconciling,
    double reconciles,
    double toAck,
    double acks,
    double serving,
    double served) {
  private static final Map<String, String> SLICE_UPDATES =
      Map.of("verb", "PUT", "resource", "endpointslices");

  static Stages read(GantryProcesses gantry, KubernetesClient hubApi, String mode) {
    double toMirror = 0;
    double mirrors = 0;
    double reconciling = 0;
    double reconciles = 0;
    for (JvmProcess d : gantry.discoverers().values()) {
      PrometheusText m = d.metrics();
      toMirror += m.sum("gantry_discoverer_propagation_seconds_sum", Map.of());
      mirrors += m.sum("gantry_discoverer_propagation_seconds_count", Map.of());
      Map<String, String> ok = Map.of("result", "ok");
      reconciling += m.sum("gantry_discoverer_reconcile_duration_seconds_sum", ok);
      reconciles += m.sum("gantry_discoverer_reconcile_duration_seconds_count", ok);
    }
    PrometheusText hub = gantry.hub().metrics();
    Map<String, String> tag = Map.of("mode", mode);
    // Only the lines of the one meter: the apiserver's page is large, and read around each series.
    PrometheusText apiserver =
        new PrometheusText(
            hubApi
                .raw(hubApi.getMasterUrl() + "metrics")
                .lines()
                .filter(l -> l.startsWith("apiserver_request_duration_seconds_"))
                .collect(Collectors.joining("\n")));
    return new Stages(
        toMirror,
        mirrors,
        reconciling,
        reconciles,
        hub.sum("gantry_propagation_seconds_sum", tag),
        hub.sum("gantry_propagation_seconds_count", tag),
        apiserver.sum("apiserver_request_duration_seconds_sum", SLICE_UPDATES),
        apiserver.sum("apiserver_request_duration_seconds_count", SLICE_UPDATES));
  }

  /** The means since {@code before}, beside the mean of the benchmark's own {@code nanos}. */
  String since(Stages before, long[] nanos) {
    double mirrored = mirrors - before.mirrors;
    double reconciled = reconciles - before.reconciles;
    double acked = acks - before.acks;
    double puts = served - before.served;
    return ("means: write → in Envoy %.1f ms (this benchmark, n=%d); seen by a discoverer →"
            + " mirror written %.1f ms (the discoverers' meter, n=%.0f; of it the reconcile with"
            + " its write %.1f ms, n=%.0f; the hub apiserver's part of an EndpointSlice update %.1f ms,"
            + " n=%.0f), → Envoy's ACK %.1f ms (the hub's, n=%.0f)")
        .formatted(
            Arrays.stream(nanos).average().orElse(0) / 1e6,
            nanos.length,
            mirrored == 0 ? 0 : (toMirror - before.toMirror) * 1000 / mirrored,
            mirrored,
            reconciled == 0 ? 0 : (reconciling - before.reconciling) * 1000 / reconciled,
            reconciled,
            puts == 0 ? 0 : (serving - before.serving) * 1000 / puts,
            puts,
            acked == 0 ? 0 : (toAck - before.toAck) * 1000 / acked,
            acked);
  }
}
