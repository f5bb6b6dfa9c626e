package dev.gantry.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What build this is: the Maven project version and the source revision, filtered into {@code
 * build.properties} when gantry-runtime is built; for {@code --version}, {@code gantry_build_info}
 * and the startup log.
 */
public final class BuildInfo {
  private static final String UNKNOWN = "unknown";
  private static final Properties PROPERTIES = load();

  private BuildInfo() {}

  /** The version Gantry was built as, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return value("version");
  }

  /** The source revision it was built from, or {@code unknown} when the build was not told. */
  public static String revision() {
    return value("revision");
  }

  private static String value(String key) {
    String value = PROPERTIES.getProperty(key, "").trim();
    // An unfiltered file (a build that skipped resource processing) says ${...}.
    return value.isEmpty() || value.startsWith("${") ? UNKNOWN : value;
  }

  private static Properties load() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read build.properties of gantry-runtime", e);
    }
    return properties;
  }
}
