package dev.gantry.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository this runs in, found from the working directory or one above it. */
public final class RepoFiles {
  private RepoFiles() {}

  /** The file at {@code relative} to the repository's root. */
  public static Path find(Path relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
    }
    throw new IllegalStateException(
        "no " + relative + " in or above " + Path.of("").toAbsolutePath());
  }
}
