package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.runtime.cli.BuildVersion;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code gantry} command tree: its subcommands, their help, its version and exit codes. */
class GantryTest {
  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Gantry.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void helpListsEverySubcommand() {
    Run help = run("--help");

    assertThat(help.exitCode()).isZero();
    assertThat(Gantry.commandLine().getSubcommands().keySet())
        .containsExactly(
            "hub", "discoverer", "link", "unlink", "check", "certgen", "version", "completion");
    for (String sub : Gantry.commandLine().getSubcommands().keySet()) {
      assertThat(help.out()).contains("  " + sub + " ");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"hub", "discoverer", "link", "unlink", "check", "certgen", "version"})
  void everySubcommandsHelpHasExamplesOfItself(String sub) {
    Run help = run(sub, "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Usage: gantry " + sub).contains("Example");
    String examples = help.out().substring(help.out().indexOf("Example"));
    assertThat(examples.lines().filter(l -> l.strip().startsWith("gantry " + sub))).isNotEmpty();
  }

  @Test
  void versionComesFromTheBuild() {
    Run flag = run("--version");
    Run sub = run("version");
    Run hub = run("hub", "--version");

    assertThat(BuildVersion.version()).matches("[0-9]+\\.[0-9]+\\.[0-9]+.*");
    assertThat(flag.out().strip()).isEqualTo("gantry " + BuildVersion.version());
    assertThat(hub.out().strip()).isEqualTo("gantry " + BuildVersion.version());
    assertThat(sub.out().lines().toList().get(0)).isEqualTo("gantry " + BuildVersion.version());
    assertThat(sub.out()).contains("java " + Runtime.version());
  }

  @Test
  void completionIsABashScriptForEverySubcommand() {
    Run completion = run("completion");

    assertThat(completion.exitCode()).isZero();
    assertThat(completion.out()).contains("complete -F").contains("_picocli_gantry");
    for (String sub : List.of("hub", "discoverer", "link", "unlink", "check", "certgen")) {
      assertThat(completion.out()).contains(sub);
    }
  }

  @Test
  void noSubcommandOrAnUnknownOneExitsTwo() {
    Run none = run();
    Run unknown = run("frobnicate");

    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).startsWith("error: Missing subcommand");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("error: Unmatched argument");
  }
}
