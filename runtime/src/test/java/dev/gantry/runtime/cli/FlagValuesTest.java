package dev.gantry.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlagValuesTest {
  @ParameterizedTest(name = "{0} is {1} ms")
  @CsvSource({
    "90s, 90000",
    "10m, 600000",
    "1h, 3600000",
    "250ms, 250",
    "PT5M, 300000",
    "pt1h30m, 5400000",
    "1h30m, 5400000",
    "1.5s, 1500",
    "' 10m ', 600000",
    "10M, 600000",
    "0, 0",
    "0s, 0",
  })
  void parsesDurations(String text, long millis) {
    assertThat(FlagValues.duration("--resync-period", text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "''{0}''")
  @CsvSource(
      value = {"''", "10", "1d", "m", "ms", "P5M", "ten minutes"},
      emptyValue = "")
  void rejectsWhatIsNotADuration(String text) {
    assertThatThrownBy(() -> FlagValues.duration("--resync-period", text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--resync-period: '" + text + "' is not a duration (e.g. 90s, 10m, 1h30m)");
  }
}
