package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball the build makes is the whole distribution: unpacked anywhere, {@code bin/gantry} runs
 * on the Java runtime inside it (no JDK on the path) and prints the build's version; {@code
 * ./gantry} in the checkout runs the same build.
 */
class DistributionIT {
  private static final String VERSION = System.getProperty("gantry.cli.version");

  private record Run(int exitCode, String out) {}

  private static Run run(Path directory, List<String> command) throws Exception {
    return run(directory, command, Map.of());
  }

  private static Run run(Path directory, List<String> command, Map<String, String> env)
      throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.redirectErrorStream(true);
    builder.environment().remove("JAVA_HOME");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().putAll(env);
    // No java on the path: only the tarball's runtime can run it.
    builder.environment().put("PATH", "/usr/bin:/bin");
    Process process = builder.start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), out);
  }

  @Test
  void theUnpackedTarballRunsOnItsOwnRuntime(@TempDir Path dir) throws Exception {
    Path tarball = Path.of(System.getProperty("gantry.cli.tarball"));
    assertThat(tarball).exists();
    Run untar = run(dir, List.of("tar", "-xzf", tarball.toString()));
    assertThat(untar.exitCode()).as(untar.out()).isZero();
    Path home = dir.resolve("gantry-" + VERSION);
    // A symbolic link to the launcher, as a package manager installs it, finds its home too.
    Path link = Files.createSymbolicLink(dir.resolve("gantry"), home.resolve("bin/gantry"));

    Run version = run(dir, List.of(link.toString(), "version"));
    Run help = run(dir, List.of(home.resolve("bin/gantry").toString(), "check", "--help"));
    // The runtime carries the class data sharing archive of its own classes (a JDK's has one,
    // jlink's only when asked): -Xshare:on refuses to start without it.
    Run shared =
        run(
            dir,
            List.of(home.resolve("bin/gantry").toString(), "version"),
            Map.of("JAVA_OPTS", "-Xshare:on"));

    assertThat(version.exitCode()).as(version.out()).isZero();
    assertThat(version.out().lines().toList())
        .containsExactly(
            "gantry " + VERSION,
            "java "
                + Runtime.version()
                + " ("
                + System.getProperty("java.vendor")
                + ", "
                + home.toRealPath().resolve("runtime")
                + ")");
    assertThat(help.exitCode()).isZero();
    assertThat(shared.exitCode()).as(shared.out()).isZero();
    assertThat(help.out()).contains("Usage: gantry check").contains("--hub-admin");
    assertThat(home.resolve("runtime/release")).exists();
    assertThat(home.resolve("lib").toFile().list())
        .contains("gantry-cli-" + VERSION + ".jar", "gantry-hub-" + VERSION + ".jar");
  }

  @Test
  void theCheckoutsGantryRunsTheBuild() throws Exception {
    Path repo =
        Path.of(System.getProperty("gantry.cli.directory")).getParent().getParent().getParent();
    List<String> command = new ArrayList<>(List.of(repo.resolve("gantry").toString(), "--version"));

    Run version = run(repo, command);

    assertThat(version.exitCode()).as(version.out()).isZero();
    assertThat(version.out().strip()).isEqualTo("gantry " + VERSION);
  }
}
