package dev.gantry.xds.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.xds.compile.ingress.IngressConverter.Warning;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngressWarningLogTest {
  @Test
  void aWarningIsLoggedWhenItAppearsNotOnEveryBuild() {
    IngressWarningLog log = new IngressWarningLog();
    Warning missing = new Warning("demo/a", "service \"demo/x\" is not found");
    Warning port = new Warning("demo/b", "port 0 is not 1-65535");

    assertThat(log.update(List.of(missing))).isEqualTo(1);
    assertThat(log.update(List.of(missing))).as("unchanged: nothing new").isZero();
    assertThat(log.update(List.of(missing, port))).isEqualTo(1);
    assertThat(log.update(List.of(port))).isZero();
    assertThat(log.update(List.of(port, missing))).as("back again: new again").isEqualTo(1);
  }
}
