package dev.gantry.cli;

import dev.gantry.cli.check.CheckCommand;
import dev.gantry.discoverer.DiscovererCommand;
import dev.gantry.discoverer.LinkCommand;
import dev.gantry.discoverer.UnlinkCommand;
import dev.gantry.hub.HubCommand;
import dev.gantry.hub.certgen.CertgenCommand;
import dev.gantry.runtime.cli.BuildVersion;
import dev.gantry.runtime.cli.Commands;
import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gantry}: the one command of Gantry. Each process and each task is a subcommand: {@code
 * hub}, {@code discoverer}, {@code link}, {@code unlink}, {@code check}, {@code certgen}, {@code
 * version}, {@code completion}.
 */
@Command(
    name = "gantry",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description =
        "Federates the Services of many Kubernetes clusters and routes one tier of Envoy to them.",
    footer = {
      "",
      "Examples:",
      "  gantry link --cluster-name east --context east --hub-context hub --apply",
      "  gantry check --hub-context hub",
      "  gantry hub --help",
      "  source <(gantry completion)   # bash or zsh completion"
    })
public final class Gantry implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Parses and runs; returns the exit code (2 for bad flags, with the reason printed). */
  public static int run(String... args) {
    return Commands.execute(commandLine(), args);
  }

  /** As {@link #run(String...)}, with output and errors captured (a seam for tests). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return Commands.execute(commandLine().setOut(out).setErr(err), args);
  }

  /** The command tree, subcommands named as users type them. */
  static CommandLine commandLine() {
    CommandLine gantry = new CommandLine(new Gantry());
    gantry.addSubcommand("hub", named("hub", new HubCommand()));
    gantry.addSubcommand("discoverer", named("discoverer", new DiscovererCommand()));
    gantry.addSubcommand("link", new LinkCommand());
    gantry.addSubcommand("unlink", new UnlinkCommand());
    gantry.addSubcommand("check", new CheckCommand());
    gantry.addSubcommand("certgen", new CertgenCommand());
    gantry.addSubcommand("version", new VersionCommand());
    CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
    completion.getCommandSpec().usageMessage().hidden(false);
    completion
        .getCommandSpec()
        .usageMessage()
        .description("Prints a completion script for bash and zsh: source <(gantry completion).");
    gantry.addSubcommand("completion", completion);
    return gantry;
  }

  /**
   * {@code command} under {@code name}: its usage says {@code gantry hub}, not the image's name.
   */
  private static CommandLine named(String name, Object command) {
    CommandLine commandLine = new CommandLine(command);
    commandLine.getCommandSpec().name(name);
    return commandLine;
  }
}
