package dev.gantry.cli;

import dev.gantry.runtime.cli.BuildVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gantry version}: the build's version and the Java runtime it runs on. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Prints Gantry's version and the Java runtime's.",
    footer = {"", "Example:", "  gantry version"})
final class VersionCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().getOut().println("gantry " + BuildVersion.version());
    spec.commandLine()
        .getOut()
        .println(
            "java "
                + Runtime.version()
                + " ("
                + System.getProperty("java.vendor")
                + ", "
                + System.getProperty("java.home")
                + ")");
    spec.commandLine().getOut().flush();
  }
}
