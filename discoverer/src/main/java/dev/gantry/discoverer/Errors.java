package dev.gantry.discoverer;

/** Turns exceptions into one line for logs and status, naming the root cause. */
public final class Errors {
  private Errors() {}

  public static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String top = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    if (root == t) {
      return top.strip();
    }
    String cause = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return (top.strip() + " (" + root.getClass().getSimpleName() + ": " + cause.strip() + ")");
  }

  /** Whether {@code t} comes from this thread being interrupted (the process is stopping). */
  public static boolean interrupted(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }
}
