package dev.gantry.discoverer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.discoverer.mirror.LabelSelector;
import dev.gantry.discoverer.mirror.MirrorScope;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class DiscovererCommandTest {
  /** Stands for the path of a readable kubeconfig file in argument lists. */
  private static final String KUBECONFIG = "<kubeconfig>";

  @TempDir Path dir;
  private Path kubeconfig;

  @BeforeEach
  void writeKubeconfig() throws IOException {
    kubeconfig = Files.writeString(dir.resolve("remote.kubeconfig"), "apiVersion: v1\n");
  }

  /** Flags that must not start a discoverer, and the first line of the error printed. */
  record Bad(String name, List<String> args, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Bad> badFlags() {
    return Stream.of(
        new Bad(
            "cluster name with upper case and underscore",
            List.of("--cluster-name", "East_1", "--remote-kubeconfig", KUBECONFIG),
            "error: --cluster-name: cluster name 'East_1' must consist of lower-case letters,"
                + " digits and '-', start with a letter and end with a letter or digit"),
        new Bad(
            "cluster name the hub's own Services have",
            List.of("--cluster-name", "hub", "--remote-kubeconfig", KUBECONFIG),
            "error: --cluster-name: cluster name 'hub' is reserved for the hub's own Services"),
        new Bad(
            "cluster name starting with a digit",
            List.of("--cluster-name", "1east", "--remote-kubeconfig", KUBECONFIG),
            "error: --cluster-name: cluster name '1east' must consist of lower-case letters,"
                + " digits and '-', start with a letter and end with a letter or digit"),
        new Bad(
            "missing --cluster-name",
            List.of("--remote-kubeconfig", KUBECONFIG),
            "error: Missing required option: '--cluster-name=<clusterName>'"),
        new Bad(
            "missing --remote-kubeconfig",
            List.of("--cluster-name", "east"),
            "error: Missing required option: '--remote-kubeconfig=<remoteKubeconfig>'"),
        new Bad("unknown flag", withRequired("--hub", "x"), "error: Unknown options: '--hub', 'x'"),
        new Bad(
            "--resync-period that is not a duration",
            withRequired("--resync-period", "soon"),
            "error: --resync-period: 'soon' is not a duration (e.g. 90s, 10m, 1h30m)"),
        new Bad(
            "--resync-period in days",
            withRequired("--resync-period", "1d"),
            "error: --resync-period: '1d' is not a duration (e.g. 90s, 10m, 1h30m)"),
        new Bad(
            "zero --resync-period",
            withRequired("--resync-period", "0s"),
            "error: --resync-period must be positive"),
        new Bad(
            "--metrics-address without a port",
            withRequired("--metrics-address", "localhost"),
            "error: --metrics-address: 'localhost' is not host:port"),
        new Bad(
            "--metrics-address with a named port",
            withRequired("--metrics-address", "127.0.0.1:http"),
            "error: --metrics-address: '127.0.0.1:http' is not host:port"),
        new Bad(
            "--metrics-address with a port out of range",
            withRequired("--metrics-address", "127.0.0.1:70000"),
            "error: --metrics-address: '127.0.0.1:70000' is not host:port"),
        new Bad(
            "--service-selector that does not parse",
            withRequired("--service-selector", "env in ()"),
            "error: label selector 'env in ()': 'env in ()' has an empty value set"),
        new Bad(
            "--workers zero",
            withRequired("--workers", "0"),
            "error: --workers must be at least 1"),
        new Bad(
            "--hub-qps not a number",
            withRequired("--hub-qps", "fast"),
            "error: Invalid value for option '--hub-qps': 'fast' is not a double"));
  }

  /** {@code --cluster-name east --remote-kubeconfig <kubeconfig>} followed by {@code flags}. */
  private static List<String> withRequired(String... flags) {
    List<String> args =
        new ArrayList<>(List.of("--cluster-name", "east", "--remote-kubeconfig", KUBECONFIG));
    args.addAll(List.of(flags));
    return args;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFlags")
  void badFlagsExitWithTwoAndSayWhy(Bad c) {
    List<String> args =
        c.args().stream().map(a -> a.replace(KUBECONFIG, kubeconfig.toString())).toList();

    Run run = run(args);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines()).first().isEqualTo(c.error());
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void helpSaysTheHubKubeconfigFallsBackToInClusterLast() {
    // fabric8's Config.autoConfigure reads the kubeconfig files before the service account.
    String[] help =
        new CommandLine(new DiscovererCommand())
            .getCommandSpec()
            .findOption("--hub-kubeconfig")
            .description();

    assertThat(help)
        .containsExactly(
            "Kubeconfig of the hub (default: $KUBECONFIG or ~/.kube/config, else in-cluster).");
  }

  @Test
  void missingRemoteKubeconfigExitsWithTwoAndNamesTheFile() {
    Path missing = dir.resolve("missing.kubeconfig");

    Run run = run(List.of("--cluster-name", "east", "--remote-kubeconfig", missing.toString()));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines())
        .containsExactly("error: --remote-kubeconfig " + missing + " is not a readable file");
  }

  @Test
  void directoryAsRemoteKubeconfigExitsWithTwo() {
    Run run = run(List.of("--cluster-name", "east", "--remote-kubeconfig", dir.toString()));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines())
        .containsExactly("error: --remote-kubeconfig " + dir + " is not a readable file");
  }

  @Test
  void unreadableHubKubeconfigExitsWithTwoAndNamesTheFile() {
    Path missing = dir.resolve("hub.kubeconfig");

    Run run =
        run(
            List.of(
                "--cluster-name",
                "east",
                "--remote-kubeconfig",
                kubeconfig.toString(),
                "--hub-kubeconfig",
                missing.toString()));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines())
        .first()
        .asString()
        .startsWith("error: cannot read --hub-kubeconfig " + missing);
  }

  /** Flags and the settings they must give, beyond the defaults. */
  record Valid(
      String name,
      List<String> flags,
      Function<DiscovererConfig.Builder, DiscovererConfig.Builder> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Valid> validFlags() {
    return Stream.of(
        new Valid("required flags only: documented defaults", List.of(), b -> b),
        new Valid(
            "--namespaces replaces the default exclusions",
            List.of("--namespaces", "shop,kube-system"),
            b ->
                b.scope(
                    new MirrorScope(
                        Set.of("shop", "kube-system"), Set.of(), LabelSelector.everything()))),
        new Valid(
            "--exclude-namespaces replaces the default exclusions",
            List.of("--exclude-namespaces", "legacy,batch"),
            b ->
                b.scope(
                    new MirrorScope(
                        Set.of(), Set.of("legacy", "batch"), LabelSelector.everything()))),
        new Valid(
            "--service-selector",
            List.of("--service-selector", "app=web,tier!=db"),
            b ->
                b.scope(
                    new MirrorScope(
                        Set.of(),
                        MirrorScope.DEFAULT_EXCLUDED,
                        LabelSelector.parse("app=web,tier!=db")))),
        new Valid(
            "--no-create-namespaces",
            List.of("--no-create-namespaces"),
            b -> b.createNamespaces(false)),
        new Valid(
            "--create-namespaces", List.of("--create-namespaces"), b -> b.createNamespaces(true)),
        new Valid(
            "rates, workers, resync, metrics address and hub kubeconfig",
            List.of(
                "--hub-qps", "50.5",
                "--hub-burst", "100",
                "--workers", "8",
                "--resync-period", "90s",
                "--metrics-address", "0.0.0.0:9100",
                "--hub-kubeconfig", "/etc/gantry/hub.kubeconfig"),
            b ->
                b.hubRate(50.5, 100)
                    .workers(8)
                    .resyncPeriod(Duration.ofSeconds(90))
                    .metricsAddress(new InetSocketAddress("0.0.0.0", 9100))
                    .hubKubeconfig(Path.of("/etc/gantry/hub.kubeconfig"))),
        new Valid(
            "leader election",
            List.of("--leader-elect", "--leader-elect-namespace", "gantry-system"),
            b -> b.leaderElection(true, "gantry-system")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validFlags")
  void flagsBecomeTheConfig(Valid c) {
    DiscovererCommand command = new DiscovererCommand();
    List<String> args =
        new ArrayList<>(
            List.of("--cluster-name", "east", "--remote-kubeconfig", kubeconfig.toString()));
    args.addAll(c.flags());
    new CommandLine(command).parseArgs(args.toArray(String[]::new));

    DiscovererConfig config = command.config();

    DiscovererConfig expected =
        c.expected()
            .apply(DiscovererConfig.builder("east", kubeconfig).identity(config.identity()))
            .build();
    assertThat(config).usingRecursiveComparison().isEqualTo(expected);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    DiscovererCommand command = new DiscovererCommand();
    new CommandLine(command)
        .parseArgs("--cluster-name", "east", "--remote-kubeconfig", kubeconfig.toString());

    DiscovererConfig config = command.config();

    assertThat(config.clusterName()).isEqualTo("east");
    assertThat(config.remoteKubeconfig()).isEqualTo(kubeconfig);
    assertThat(config.hubKubeconfig()).isNull();
    assertThat(config.resyncPeriod()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.hubQps()).isEqualTo(500.0);
    assertThat(config.hubBurst()).isEqualTo(1000);
    assertThat(config.workers()).isEqualTo(8);
    assertThat(config.metricsAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 9090));
    assertThat(config.scope().namespaces()).isEmpty();
    assertThat(config.scope().excludedNamespaces())
        .containsExactlyInAnyOrder("kube-system", "kube-public", "kube-node-lease");
    assertThat(config.scope().selector()).hasToString("");
    assertThat(config.createNamespaces()).isTrue();
    assertThat(config.leaderElect()).isFalse();
    assertThat(config.leaseNamespace()).isEqualTo("default");
  }

  private record Run(int exitCode, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  private static Run run(List<String> args) {
    StringWriter err = new StringWriter();
    int exitCode = DiscovererCommand.run(new PrintWriter(err, true), args.toArray(String[]::new));
    return new Run(exitCode, err.toString());
  }
}
