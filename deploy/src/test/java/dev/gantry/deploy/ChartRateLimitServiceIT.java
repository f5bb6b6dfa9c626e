package dev.gantry.deploy;

import static dev.gantry.deploy.Charts.render;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rateLimitService} values reach the hub's {@code --rate-limit-*} arguments, none by default
 * (no service: global rate limits make a proxy invalid), and the schema refuses a service that is
 * not {@code <namespace>/<name>} before the hub ever starts.
 */
class ChartRateLimitServiceIT {
  private static final String NS = "gantry-system";

  @TempDir Path dir;

  @Test
  void byDefaultTheHubHasNoRateLimitService() throws Exception {
    assertThat(render("d", NS, null)).doesNotContain("--rate-limit-");
  }

  @Test
  void rateLimitServiceValuesReachTheHubsArguments() throws Exception {
    Path minimal =
        Files.writeString(
            dir.resolve("minimal.yaml"),
            "rateLimitService: {extensionService: projectcontour/ratelimit}\n");
    assertThat(render("m", NS, minimal))
        .contains(
            """
                    - --rate-limit-service=projectcontour/ratelimit
                    - --rate-limit-domain=contour
            """)
        .doesNotContain(
            "--rate-limit-fail-open",
            "--rate-limit-enable-x-ratelimit-headers",
            "--rate-limit-enable-resource-exhausted-code",
            "--rate-limit-default-global-policy");

    Path all =
        Files.writeString(
            dir.resolve("all.yaml"),
            """
            rateLimitService:
              extensionService: limits/rls
              domain: edge
              failOpen: true
              enableXRateLimitHeaders: true
              enableResourceExhaustedCode: true
              defaultGlobalRateLimitPolicy:
                descriptors: [{entries: [{remoteAddress: {}}]}]
            """);
    assertThat(render("a", NS, all))
        .contains(
            """
                    - --rate-limit-service=limits/rls
                    - --rate-limit-domain=edge
                    - --rate-limit-fail-open
                    - --rate-limit-enable-x-ratelimit-headers
                    - --rate-limit-enable-resource-exhausted-code
                    - "--rate-limit-default-global-policy={\\"descriptors\\":[{\\"entries\\":[{\\"remoteAddress\\":{}}]}]}"
            """);
  }

  @Test
  void aServiceThatIsNotNamespaceSlashNameIsRefusedByTheSchema() throws Exception {
    Path values =
        Files.writeString(
            dir.resolve("bad.yaml"), "rateLimitService: {extensionService: ratelimit}\n");

    Charts.Helm helm =
        Charts.helm("template", "b", Charts.CHART.toString(), "-n", NS, "-f", values.toString());

    assertThat(helm.exitCode()).isNotZero();
    assertThat(helm.output()).contains("/rateLimitService/extensionService");
  }
}
