package dev.gantry.runtime.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The version of Gantry this build made, for every command's {@code --version}. */
public final class BuildVersion implements IVersionProvider {
  private static final String VERSION = load();

  /** The project's version as Maven built it, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return VERSION;
  }

  @Spec CommandSpec spec;

  /**
   * {@code <command> <version>}: {@code gantry 0.1.0} for the CLI, the image's name in an image.
   */
  @Override
  public String[] getVersion() {
    String command = spec == null ? "gantry" : spec.root().name();
    return new String[] {command + " " + VERSION};
  }

  private static String load() {
    try (InputStream in = BuildVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the build");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
