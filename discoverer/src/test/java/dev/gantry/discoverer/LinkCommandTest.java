package dev.gantry.discoverer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.discoverer.link.Linker;
import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code gantry-discoverer link} flags: bad ones exit 2 with one line before anything is written to
 * any cluster (every kubeconfig here points at a closed port, so reaching a server would fail
 * differently); good ones become the documented options.
 */
class LinkCommandTest {
  /** Stands for the path of the two-context kubeconfig in argument lists. */
  private static final String KUBECONFIG = "<kubeconfig>";

  private static final String TWO_CONTEXTS =
      """
      apiVersion: v1
      kind: Config
      clusters:
      - name: east
        cluster:
          server: https://127.0.0.1:1
          certificate-authority-data: ZWFzdC1jYQ==
      - name: west
        cluster:
          server: https://127.0.0.2:1
          certificate-authority-data: d2VzdC1jYQ==
      users:
      - name: admin
        user:
          token: admin-token
      contexts:
      - name: east
        context:
          cluster: east
          user: admin
      - name: west
        context:
          cluster: west
          user: admin
      current-context: west
      """;

  @TempDir Path dir;
  private Path kubeconfig;

  @BeforeEach
  void writeKubeconfig() throws IOException {
    kubeconfig = Files.writeString(dir.resolve("remote.kubeconfig"), TWO_CONTEXTS);
  }

  /** Flags that must not link, and the one line printed. */
  record Bad(String name, List<String> args, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Bad> badFlags() {
    return Stream.of(
        new Bad(
            "missing --cluster-name",
            List.of("--remote-kubeconfig", KUBECONFIG),
            "error: Missing required option: '--cluster-name=<clusterName>'"),
        new Bad(
            "cluster name the discoverer would refuse",
            List.of("--remote-kubeconfig", KUBECONFIG, "--cluster-name", "East_1"),
            "error: --cluster-name: cluster name 'East_1' must consist of lower-case letters,"
                + " digits and '-', start with a letter and end with a letter or digit"),
        new Bad(
            "cluster name starting with a digit",
            List.of("--remote-kubeconfig", KUBECONFIG, "--cluster-name", "1east"),
            "error: --cluster-name: cluster name '1east' must consist of lower-case letters,"
                + " digits and '-', start with a letter and end with a letter or digit"),
        new Bad(
            "--namespace that is not a namespace name",
            withRequired("--namespace", "Gantry"),
            "error: --namespace: 'Gantry' is not a namespace name (a DNS-1123 label)"),
        new Bad(
            "--hub-namespace that is not a namespace name",
            withRequired("--hub-namespace", "gantry.system"),
            "error: --hub-namespace: 'gantry.system' is not a namespace name (a DNS-1123 label)"),
        new Bad(
            "--secret-name that is not a Secret name",
            withRequired("--secret-name", "Remote_East"),
            "error: --secret-name: 'Remote_East' is not a Secret name (a DNS-1123 subdomain)"),
        new Bad(
            "--token-ttl that is not a duration",
            withRequired("--token-ttl", "forever"),
            "error: --token-ttl: 'forever' is not a duration (e.g. 90s, 10m, 1h30m)"),
        new Bad(
            "--token-ttl shorter than the TokenRequest API issues",
            withRequired("--token-ttl", "5m"),
            "error: --token-ttl must be at least 10m"),
        new Bad(
            "--server over plain http",
            withRequired("--server", "http://east.example.com:6443"),
            "error: --server: 'http://east.example.com:6443' is not an https URL"
                + " (e.g. https://east.example.com:6443)"),
        new Bad(
            "--server without a host",
            withRequired("--server", "east:6443"),
            "error: --server: 'east:6443' is not an https URL (e.g. https://east.example.com:6443)"),
        new Bad(
            "--context the kubeconfig lacks",
            withRequired("--context", "north"),
            "error: --context: no context 'north' in " + KUBECONFIG),
        new Bad(
            "unknown flag",
            withRequired("--token", "x"),
            "error: Unknown options: '--token', 'x'"));
  }

  /** {@code --remote-kubeconfig <kubeconfig> --cluster-name east} followed by {@code flags}. */
  private static List<String> withRequired(String... flags) {
    List<String> args =
        new ArrayList<>(List.of("--remote-kubeconfig", KUBECONFIG, "--cluster-name", "east"));
    args.addAll(List.of(flags));
    return args;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFlags")
  void badFlagsExitWithTwoAndSayWhy(Bad c) {
    Run run = link(c.args());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines())
        .first()
        .isEqualTo(c.error().replace(KUBECONFIG, kubeconfig.toString()));
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void missingRemoteKubeconfigExitsWithTwoAndNamesTheFile() {
    Path missing = dir.resolve("missing.kubeconfig");

    Run run = link(List.of("--remote-kubeconfig", missing.toString(), "--cluster-name", "east"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines())
        .singleElement()
        .asString()
        .startsWith("error: cannot read --remote-kubeconfig " + missing);
  }

  @Test
  void unreadableHubKubeconfigExitsWithTwoBeforeTheRemoteIsTouched() {
    Path missing = dir.resolve("hub.kubeconfig");

    // The remote is a closed port: getting past the hub check would fail with exit 1.
    Run run = link(withRequired("--apply", "--hub-kubeconfig", missing.toString()));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines())
        .singleElement()
        .asString()
        .startsWith("error: cannot read --hub-kubeconfig " + missing);
  }

  @Test
  void applyRefusesAHubThatIsTheRemoteItself() {
    // Both sides from one kubeconfig's current context: the remote's token would land in it.
    Run same = link(withRequired("--apply", "--hub-kubeconfig", KUBECONFIG));
    // The hub named by its context: past the check, the remote (a closed port) fails instead.
    Run named =
        link(withRequired("--apply", "--hub-kubeconfig", KUBECONFIG, "--hub-context", "east"));
    Run unknown =
        link(withRequired("--apply", "--hub-kubeconfig", KUBECONFIG, "--hub-context", "nope"));

    assertThat(same.exitCode()).isEqualTo(2);
    assertThat(same.errLines())
        .containsExactly(
            "error: --apply would write the Secret into the remote cluster itself (the hub and"
                + " the remote both resolve to https://127.0.0.2:1/): name the hub with"
                + " --hub-context or --hub-kubeconfig");
    assertThat(named.exitCode()).isEqualTo(1);
    assertThat(named.err()).startsWith("error: the remote cluster at https://127.0.0.2:1/");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.errLines().get(0)).startsWith("error: --hub-context: no context 'nope'");
  }

  @Test
  void invalidKubeconfigExitsWithTwoWithoutEchoingIt() throws IOException {
    Path garbage = Files.writeString(dir.resolve("garbage"), "token: [s3cret\n");

    Run run = link(List.of("--remote-kubeconfig", garbage.toString(), "--cluster-name", "east"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.errLines())
        .containsExactly("error: --remote-kubeconfig " + garbage + " is not a usable kubeconfig");
    assertThat(run.err()).doesNotContain("s3cret");
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    Linker.LinkOptions options = parse("--cluster-name", "east").options();

    assertThat(options)
        .isEqualTo(
            new Linker.LinkOptions(
                "east",
                "gantry-system",
                Duration.ofHours(8760),
                "gantry-system",
                "gantry-remote-east"));
  }

  @Test
  void flagsBecomeTheOptions() {
    Linker.LinkOptions options =
        parse(
                "--cluster-name=west-2",
                "--namespace=discovery",
                "--token-ttl=720h",
                "--hub-namespace=hub-system",
                "--secret-name=remotes.west-2",
                "--server=https://west.example.com:6443")
            .options();

    assertThat(options)
        .isEqualTo(
            new Linker.LinkOptions(
                "west-2", "discovery", Duration.ofDays(30), "hub-system", "remotes.west-2"));
  }

  @Test
  void contextSelectsItsClusterNotTheCurrentOne() {
    Config east = LinkCommand.config("--remote-kubeconfig", kubeconfig, "east");
    Config current = LinkCommand.config("--remote-kubeconfig", kubeconfig, null);

    assertThat(east.getMasterUrl()).isEqualTo("https://127.0.0.1:1/");
    assertThat(east.getCaCertData()).isEqualTo("ZWFzdC1jYQ==");
    assertThat(current.getMasterUrl()).isEqualTo("https://127.0.0.2:1/");
  }

  @Test
  void linkIsASubcommandAndTheDiscovererStillNeedsItsFlags() {
    CommandLine root = new CommandLine(new DiscovererCommand());

    assertThat(root.getSubcommands()).containsOnlyKeys("link", "unlink");
    Run bare = run(List.of());
    assertThat(bare.exitCode()).isEqualTo(2);
    assertThat(bare.errLines())
        .first()
        .isEqualTo("error: Missing required option: '--cluster-name=<clusterName>'");
  }

  @ParameterizedTest
  @MethodSource("serverUrls")
  void loopbackServersAreToldApart(String url, boolean loopback) {
    assertThat(LinkCommand.loopback(url)).as(url).isEqualTo(loopback);
  }

  static Stream<Arguments> serverUrls() {
    return Stream.of(
        Arguments.of("https://127.0.0.1:6443", true),
        Arguments.of("https://127.8.9.10:6443", true),
        Arguments.of("https://localhost:6443", true),
        Arguments.of("https://api.localhost", true),
        Arguments.of("https://[::1]:6443", true),
        Arguments.of("https://10.0.0.1:6443", false),
        Arguments.of("https://[fd00::1]:6443", false),
        Arguments.of("https://east.example.com:6443", false),
        Arguments.of("https://1270.example.com", false),
        Arguments.of("not a url", false));
  }

  private static LinkCommand parse(String... args) {
    LinkCommand command = new LinkCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  private record Run(int exitCode, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  private Run link(List<String> args) {
    List<String> all = new ArrayList<>();
    all.add("link");
    args.stream().map(a -> a.replace(KUBECONFIG, kubeconfig.toString())).forEach(all::add);
    return run(all);
  }

  private static Run run(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        DiscovererCommand.run(
            new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
    return new Run(exitCode, out.toString(), err.toString());
  }
}
