package dev.gantry.runtime.cli;

import dev.gantry.runtime.BuildInfo;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Every command's {@code --version}: the version of Gantry this build made ({@link BuildInfo}). */
public final class BuildVersion implements IVersionProvider {
  @Spec CommandSpec spec;

  /** The project's version as Maven built it, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return BuildInfo.version();
  }

  /**
   * {@code <command> <version>}: {@code gantry 0.1.0} for the CLI, the image's name in an image.
   */
  @Override
  public String[] getVersion() {
    String command = spec == null ? "gantry" : spec.root().name();
    return new String[] {command + " " + version()};
  }
}
