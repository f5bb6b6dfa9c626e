package dev.gantry.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The parts of {@code gantry check} that read text: token expiry, the xDS stream gauge. */
class ChecksTest {
  private static String jwt(String payload) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + ".c2lnbmF0dXJl";
  }

  @Test
  void expiryIsTheJwtsExpClaim() {
    assertThat(Tokens.expiry(jwt("{\"exp\":1796515200,\"sub\":\"x\"}")))
        .contains(Instant.ofEpochSecond(1796515200));
  }

  @Test
  void tokensWithoutAnExpiryHaveNone() {
    assertThat(Tokens.expiry(jwt("{\"sub\":\"x\"}"))).isEmpty();
    assertThat(Tokens.expiry(jwt("not json"))).isEmpty();
    assertThat(Tokens.expiry("opaque-token")).isEmpty();
    assertThat(Tokens.expiry("a.%%%.c")).isEmpty();
    assertThat(Tokens.expiry(null)).isEmpty();
  }

  @Test
  void streamsAreSummedOverModes() {
    String metrics =
        """
        # HELP gantry_xds_streams Open xDS streams by mode (sotw, delta)
        # TYPE gantry_xds_streams gauge
        gantry_xds_streams{mode="delta"} 2.0
        gantry_xds_streams{mode="sotw"} 1.0
        gantry_xds_streams_other 7.0
        """;

    assertThat(HubCheck.streams(metrics)).isEqualTo(3);
    assertThat(HubCheck.streams("gantry_xds_streams{mode=\"delta\"} 0.0\n")).isZero();
    assertThat(HubCheck.streams("")).isZero();
  }

  @Test
  void durationsReadAsPeopleSayThem() {
    assertThat(ClusterCheck.human(Duration.ofDays(364).plusHours(23))).isEqualTo("364 days");
    assertThat(ClusterCheck.human(Duration.ofHours(30))).isEqualTo("30 hours");
    assertThat(ClusterCheck.human(Duration.ofMinutes(59))).isEqualTo("59 minutes");
    assertThat(ClusterCheck.human(Duration.ofSeconds(10))).isEqualTo("1 minute");
  }
}
