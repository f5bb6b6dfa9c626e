package dev.gantry.runtime.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a few lines as Gantry code does, through the logging configuration Gantry ships. */
public final class LoggingMain {
  private static final Logger log = LoggerFactory.getLogger(LoggingMain.class);

  private LoggingMain() {}

  public static void main(String[] args) {
    log.info("starting {}", "the test");
    try (LogKeys.Scope ignored = LogKeys.object("east", "Service", "demo/kuard")) {
      log.info("{}: {} hub write(s)", "demo/kuard", 2);
      log.warn("not mirrored", new IllegalStateException("a \"quoted\" reason"));
    }
    LogKeys.inCluster("west", () -> log.info("cluster line")).run();
    log.atInfo().addKeyValue("object", "shop/web").log("a key-value pair");
    log.debug("below the level");
  }
}
