package dev.gantry.deploy;

import static dev.gantry.deploy.Charts.render;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hub.fallbackCertificate} reaches the hub's {@code --fallback-certificate}, is left out
 * when empty, and the schema refuses what is not {@code namespace/name} before the hub starts.
 */
class ChartHubTlsIT {
  private static final String NS = "gantry-system";

  @TempDir Path dir;

  @Test
  void noFallbackCertificateByDefault() throws Exception {
    assertThat(render("d", NS, null)).doesNotContain("- --fallback-certificate=");
  }

  @Test
  void theFallbackCertificateReachesTheHubsArguments() throws Exception {
    Path values =
        Files.writeString(
            dir.resolve("fallback.yaml"), "hub: {fallbackCertificate: gantry-system/fallback}\n");

    assertThat(render("f", NS, values))
        .contains("- --fallback-certificate=gantry-system/fallback\n");
  }

  @Test
  void aFallbackCertificateWithoutItsNamespaceIsRefusedByTheSchema() throws Exception {
    Path values =
        Files.writeString(dir.resolve("bad.yaml"), "hub: {fallbackCertificate: fallback}\n");

    Charts.Helm helm =
        Charts.helm("template", "b", Charts.CHART.toString(), "-n", NS, "-f", values.toString());

    assertThat(helm.exitCode()).isNotZero();
    assertThat(helm.output()).contains("/hub/fallbackCertificate");
  }
}
