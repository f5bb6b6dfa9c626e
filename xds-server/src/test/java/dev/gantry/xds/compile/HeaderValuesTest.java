package dev.gantry.xds.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeaderValuesTest {
  private static final Map<String, String> VARIABLES =
      Map.of(HeaderValues.NAMESPACE, "demo", HeaderValues.SERVICE_NAME, "kuard");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "100%|100%%",
        "%%|%%%%",
        "plain|plain",
        "%HOSTNAME%|%HOSTNAME%",
        "a %DOWNSTREAM_REMOTE_ADDRESS% b|a %DOWNSTREAM_REMOTE_ADDRESS% b",
        "%REQ(x-a)%|%REQ(x-a)%",
        "%REQ(:authority?x-b):10%|%REQ(:authority?x-b):10%",
        "%REQ(x-a):123456%|%%REQ(x-a):123456%%",
        "%REQ(a b)%|%%REQ(a b)%%",
        "%UNKNOWN%|%%UNKNOWN%%",
        "%CONTOUR_NAMESPACE%/%CONTOUR_SERVICE_NAME%|demo/kuard",
        "%CONTOUR_SERVICE_PORT%|%%CONTOUR_SERVICE_PORT%%",
        "%HOSTNAME%HOSTNAME%|%HOSTNAME%HOSTNAME%%",
      })
  void percentIsEscapedOutsideTheAllowedCommands(String value, String escaped) {
    assertThat(HeaderValues.escape(value, VARIABLES)).isEqualTo(escaped);
  }

  @ParameterizedTest(name = "U+{0}")
  @CsvSource({"0", "10", "13", "1", "31", "127"})
  void controlCharactersAreRefused(int c) {
    assertThat(HeaderValues.problem("a" + (char) c + "b")).contains("control character");
  }

  @org.junit.jupiter.api.Test
  void tabAndNonAsciiAreAllowedAndTheLimitIsInBytes() {
    assertThat(HeaderValues.problem("a\tb é")).isNull();
    assertThat(HeaderValues.problem("v".repeat(HeaderValues.MAX_BYTES))).isNull();
    assertThat(HeaderValues.problem("é".repeat(HeaderValues.MAX_BYTES / 2 + 1)))
        .contains("more than the 8192 allowed");
    // The longest value doubles to exactly Envoy's own limit.
    String escaped = HeaderValues.escape("%".repeat(HeaderValues.MAX_BYTES), Map.of());
    assertThat(HeaderValues.escapedProblem(escaped)).isNull();
    assertThat(escaped).hasSize(HeaderValues.ENVOY_MAX_BYTES);
  }
}
