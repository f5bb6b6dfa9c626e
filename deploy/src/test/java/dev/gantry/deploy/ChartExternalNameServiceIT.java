package dev.gantry.deploy;

import static dev.gantry.deploy.Charts.render;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hub.enableExternalNameService}: off by default (no route reaches an ExternalName Service),
 * on gives the hub {@code --enable-external-name-service}, and the schema takes only a boolean.
 */
class ChartExternalNameServiceIT {
  private static final String NS = "gantry-system";

  @TempDir Path dir;

  @Test
  void offByDefault() throws Exception {
    assertThat(render("d", NS, null)).doesNotContain("--enable-external-name-service");
  }

  @Test
  void onGivesTheHubTheFlag() throws Exception {
    Path values =
        Files.writeString(dir.resolve("on.yaml"), "hub: {enableExternalNameService: true}\n");

    assertThat(render("on", NS, values)).contains("\n        - --enable-external-name-service\n");
  }

  @Test
  void aValueThatIsNotABooleanIsRefusedByTheSchema() throws Exception {
    Path values =
        Files.writeString(dir.resolve("bad.yaml"), "hub: {enableExternalNameService: \"yes\"}\n");

    Charts.Helm helm =
        Charts.helm("template", "b", Charts.CHART.toString(), "-n", NS, "-f", values.toString());

    assertThat(helm.exitCode()).isNotZero();
    assertThat(helm.output()).contains("/hub/enableExternalNameService");
  }
}
