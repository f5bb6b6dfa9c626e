package dev.gantry.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The soak's short form (scripts/soak runs the long one): two remotes of 50 Services for a minute
 * of EndpointSlice and HTTPProxy changes with requests through Envoy. Nothing may fail, Envoy may
 * reject nothing, each remote change costs the hub one write, and no live heap grows beyond the
 * bound.
 */
class SoakIT {
  @Test
  void aMinuteOfChangesAndRequestsLosesNothing() throws Exception {
    SoakBench.Result result =
        new SoakBench(
                SoakBench.flags(
                    "--seconds", "60",
                    "--remotes", "2",
                    "--services", "50",
                    "--endpoints", "5",
                    "--rate", "20",
                    "--proxy-rate", "1",
                    "--window", "15"))
            .run();

    assertThat(result.requests()).isGreaterThan(1000);
    assertThat(result.failedRequests()).isZero();
    assertThat(result.nacks()).isZero();
    assertThat(result.writesPerChangeFirst()).isBetween(0.9, 1.05);
    assertThat(result.writesPerChangeLast()).isBetween(0.9, 1.05);
    assertThat(result.heapGrowthBytes()).isLessThanOrEqualTo(SoakBench.HEAP_GROWTH_BOUND);
  }
}
