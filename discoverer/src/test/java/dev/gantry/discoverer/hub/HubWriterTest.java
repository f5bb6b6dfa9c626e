package dev.gantry.discoverer.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HubWriterTest {
  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(
            "throttled (429)", new KubernetesClientException("slow down", 429, null), true),
        Arguments.of("server error (500)", new KubernetesClientException("oops", 500, null), true),
        Arguments.of("unavailable (503)", new KubernetesClientException("busy", 503, null), true),
        Arguments.of(
            "connection refused",
            new KubernetesClientException(
                "An error has occurred.", new ConnectException("refused")),
            true),
        Arguments.of("plain I/O error", new IOException("reset"), true),
        Arguments.of("conflict (409)", new KubernetesClientException("conflict", 409, null), false),
        Arguments.of("forbidden (403)", new KubernetesClientException("no", 403, null), false),
        Arguments.of("invalid (422)", new KubernetesClientException("bad", 422, null), false),
        Arguments.of("a bug", new IllegalStateException("bug"), false));
  }

  @ParameterizedTest(name = "{0} -> retried: {2}")
  @MethodSource("errors")
  void onlyThrottlingServerErrorsAndLostConnectionsAreRetried(
      String name, Throwable error, boolean retried) {
    assertThat(HubWriter.transientError(error)).isEqualTo(retried);
  }

  @org.junit.jupiter.api.Test
  void aReplicaThatMayNotWriteSendsNothingAndSaysSo() {
    dev.gantry.discoverer.metrics.MicrometerDiscovererMetrics metrics =
        new dev.gantry.discoverer.metrics.MicrometerDiscovererMetrics("east");
    // No client at all: a withheld write must not reach for one.
    HubWriter writer = new HubWriter(null, "east", true, 100, 10, metrics, () -> false);
    io.fabric8.kubernetes.api.model.Service mirror =
        new io.fabric8.kubernetes.api.model.ServiceBuilder()
            .withNewMetadata()
            .withName("east-web")
            .withNamespace("shop")
            .endMetadata()
            .build();

    for (dev.gantry.discoverer.mirror.HubWrite.Verb verb :
        dev.gantry.discoverer.mirror.HubWrite.Verb.values()) {
      HubWriter.Result result =
          writer.execute(new dev.gantry.discoverer.mirror.HubWrite(verb, mirror));
      assertThat(result.outcome()).isEqualTo(HubWriter.Outcome.RETRY);
    }
    assertThat(metrics.scrape()).contains("result=\"fenced\"").doesNotContain("result=\"done\"");
  }
}
