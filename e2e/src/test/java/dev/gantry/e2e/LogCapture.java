package dev.gantry.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Every log line of this JVM (the hub, the discoverers, the tests) from {@link #attach()} on, with
 * its stack trace, to look for what must never be logged: credentials, tokens, keys, certificate
 * bodies.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> {
  /** What a credential looks like in text, whichever it is. */
  private static final List<Pattern> CREDENTIAL_SHAPES =
      List.of(
          Pattern.compile("-----BEGIN"),
          Pattern.compile("PRIVATE KEY"),
          // A JWT (service account tokens): base64url of {"alg"... twice, dot-separated.
          Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}"),
          // "-----BEGIN" base64-encoded: kubeconfig *-data fields and Secret data.
          Pattern.compile("LS0tLS1CRUdJTi"));

  private final Queue<String> lines = new ConcurrentLinkedQueue<>();

  static LogCapture attach() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LogCapture capture = new LogCapture();
    capture.setContext(context);
    capture.setName("credential-scan");
    capture.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
    return capture;
  }

  @Override
  protected void append(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(event.getFormattedMessage());
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      line.append('\n').append(ThrowableProxyUtil.asString(thrown));
    }
    lines.add(line.toString());
  }

  /** How many lines were captured. */
  int size() {
    return lines.size();
  }

  /**
   * The captured lines that hold a credential's shape, or one of {@code secrets} (raw, or as the
   * base64 a kubeconfig or a Secret carries it in).
   */
  List<String> leaks(List<String> secrets) {
    List<String> needles = new ArrayList<>();
    for (String s : secrets) {
      if (s != null && s.length() >= 16) {
        needles.add(s);
        needles.add(Base64.getEncoder().encodeToString(s.getBytes()));
      }
    }
    List<String> found = new ArrayList<>();
    for (String line : lines) {
      boolean shaped = CREDENTIAL_SHAPES.stream().anyMatch(p -> p.matcher(line).find());
      boolean known = needles.stream().anyMatch(line::contains);
      if (shaped || known) {
        found.add(line.length() > 300 ? line.substring(0, 300) + "..." : line);
      }
    }
    return found;
  }

  void detach() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
    stop();
  }
}
