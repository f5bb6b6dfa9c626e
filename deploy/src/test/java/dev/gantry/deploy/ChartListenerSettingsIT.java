package dev.gantry.deploy;

import static dev.gantry.deploy.Charts.render;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code envoy.listener} values reach the hub's arguments, with Contour's defaults when left alone,
 * and the schema refuses a timeout that is not a duration before the hub ever starts.
 */
class ChartListenerSettingsIT {
  private static final String NS = "gantry-system";

  @TempDir Path dir;

  @Test
  void defaultsGiveTheHubContoursListenerSettings() throws Exception {
    String rendered = render("d", NS, null);

    assertThat(rendered)
        .contains(
            """
                    - --access-log-format=envoy
                    - --access-log-level=info
                    - --num-trusted-hops=0
                    - --server-header-transformation=overwrite
                    - --connection-idle-timeout=60s
            """)
        .doesNotContain(
            "--use-proxy-protocol",
            "--disable-merge-slashes",
            "--request-timeout",
            "--stream-idle-timeout",
            "--max-connection-duration",
            "--delayed-close-timeout",
            "--connection-shutdown-grace-period");
  }

  @Test
  void listenerValuesReachTheHubsArguments() throws Exception {
    Path values =
        Files.writeString(
            dir.resolve("listener.yaml"),
            """
            envoy:
              listener:
                accessLogFormat: json
                accessLogLevel: error
                numTrustedHops: 1
                useProxyProtocol: true
                disableMergeSlashes: true
                serverHeaderTransformation: pass_through
                timeouts:
                  request: 30s
                  connectionIdle: infinity
                  streamIdle: 1m30s
                  maxConnectionDuration: 1h
                  delayedClose: 2s
                  connectionShutdownGracePeriod: 10s
            """);

    assertThat(render("l", NS, values))
        .contains(
            """
                    - --access-log-format=json
                    - --access-log-level=error
                    - --num-trusted-hops=1
                    - --server-header-transformation=pass_through
                    - --use-proxy-protocol
                    - --disable-merge-slashes
                    - --request-timeout=30s
                    - --connection-idle-timeout=infinity
                    - --stream-idle-timeout=1m30s
                    - --max-connection-duration=1h
                    - --delayed-close-timeout=2s
                    - --connection-shutdown-grace-period=10s
            """);
  }

  @Test
  void aTimeoutThatIsNotADurationIsRefusedByTheSchema() throws Exception {
    Path values =
        Files.writeString(
            dir.resolve("bad.yaml"), "envoy: {listener: {timeouts: {streamIdle: soon}}}\n");

    Charts.Helm helm =
        Charts.helm("template", "b", Charts.CHART.toString(), "-n", NS, "-f", values.toString());

    assertThat(helm.exitCode()).isNotZero();
    assertThat(helm.output()).contains("/envoy/listener/timeouts/streamIdle");
  }
}
