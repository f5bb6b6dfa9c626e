package dev.gantry.xds.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.xds.compile.httpproxy.RateLimitService;
import org.junit.jupiter.api.Test;

/**
 * The hub-wide signal of a rate limit service that cannot be used: once per change, and a gauge.
 */
class RateLimitServiceLogTest {
  private final XdsMetrics metrics = new XdsMetrics();

  @Test
  void aChangeOfStateIsSaidOnceAndTheGaugeFollowsIt() {
    RateLimitServiceLog log =
        new RateLimitServiceLog(RateLimitService.of("limits/ratelimit"), metrics);

    assertThat(log.update(false)).as("missing at the first build").isTrue();
    assertThat(metrics.scrape()).contains("gantry_rate_limit_service_valid 0.0");
    assertThat(log.update(false)).as("still missing: nothing more said").isFalse();
    assertThat(log.update(true)).as("valid again").isTrue();
    assertThat(metrics.scrape()).contains("gantry_rate_limit_service_valid 1.0");
    assertThat(log.update(true)).isFalse();
    assertThat(log.update(false)).isTrue();
    assertThat(metrics.scrape())
        .contains("# HELP gantry_rate_limit_service_valid 1 when the hub's rate limit service")
        .contains("gantry_rate_limit_service_valid 0.0");
  }

  @Test
  void aHubWithoutARateLimitServiceHasNoSeries() {
    RateLimitServiceLog log = new RateLimitServiceLog(null, metrics);

    assertThat(log.update(false)).isFalse();
    assertThat(metrics.scrape()).doesNotContain("gantry_rate_limit_service_valid");
  }
}
