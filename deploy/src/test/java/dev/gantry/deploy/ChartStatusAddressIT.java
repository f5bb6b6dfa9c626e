package dev.gantry.deploy;

import static dev.gantry.deploy.Charts.render;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the hub takes the address of {@code status.loadBalancer} from: the chart's own Envoy
 * Service by default, or {@code hub.ingressStatusAddress}; the schema refuses what is not a list of
 * addresses.
 */
class ChartStatusAddressIT {
  private static final String NS = "gantry-system";

  @TempDir Path dir;

  @Test
  void byDefaultTheHubWatchesTheChartsEnvoyService() throws Exception {
    String rendered = render("s", NS, null);

    assertThat(rendered)
        .contains(
            """
                    - --envoy-service-namespace=gantry-system
                    - --envoy-service-name=s-envoy
            """)
        .contains("kind: Service\nmetadata:\n  name: s-envoy\n")
        .doesNotContain("- --ingress-status-address=");
  }

  @Test
  void aFixedAddressReplacesTheService() throws Exception {
    Path values =
        Files.writeString(
            dir.resolve("fixed.yaml"),
            "hub: {ingressStatusAddress: \"192.0.2.10,edge.example.com\"}\n");

    assertThat(render("f", NS, values))
        .contains("- --ingress-status-address=192.0.2.10,edge.example.com\n")
        .doesNotContain("- --envoy-service-name=");
  }

  @Test
  void whatIsNotAnAddressIsRefusedByTheSchema() throws Exception {
    Path values =
        Files.writeString(dir.resolve("bad.yaml"), "hub: {ingressStatusAddress: \"a;b\"}\n");

    Charts.Helm helm =
        Charts.helm("template", "b", Charts.CHART.toString(), "-n", NS, "-f", values.toString());

    assertThat(helm.exitCode()).isNotZero();
    assertThat(helm.output()).contains("/hub/ingressStatusAddress");
  }
}
