package dev.gantry.discoverer.remote;

import dev.gantry.api.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when a kubeconfig file's content changes. Secret volumes are updated by swapping a
 * symlink, which file-system watches miss, so the content is hashed on every poll.
 */
public final class KubeconfigFileWatcher {
  private static final Logger log = LoggerFactory.getLogger(KubeconfigFileWatcher.class);

  private final Path file;
  private String lastHash;

  public KubeconfigFileWatcher(Path file) {
    this.file = file;
    this.lastHash = Digests.sha256Hex(read());
  }

  /** Reads the file; a clear error when it is missing or unreadable. */
  public String read() {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read kubeconfig " + file + ": " + e.getMessage(), e);
    }
  }

  /** Calls {@code onChange} with the new content when it differs from the last poll. */
  public void poll(Consumer<String> onChange) {
    String content;
    try {
      content = Files.readString(file);
    } catch (IOException e) {
      // Mid-swap or briefly missing: keep the current credentials and look again next time.
      log.debug("kubeconfig {} not readable right now: {}", file, e.getMessage());
      return;
    }
    String hash = Digests.sha256Hex(content);
    if (!hash.equals(lastHash)) {
      lastHash = hash;
      onChange.accept(content);
    }
  }
}
