package dev.gantry.cli.check;

import java.io.PrintWriter;

/**
 * What {@code gantry check} prints: a heading per subject, then one line per check, {@code ✓} or
 * {@code ✗} (with a hint on the next line), or {@code -} for a check that could not run.
 */
final class Report {
  private final PrintWriter out;
  private int failures;

  Report(PrintWriter out) {
    this.out = out;
  }

  void heading(String subject) {
    out.println(subject);
  }

  void pass(String what) {
    out.println("  ✓ " + what);
  }

  void fail(String what, String hint) {
    failures++;
    out.println("  ✗ " + what);
    out.println("      hint: " + hint);
  }

  void skip(String what) {
    out.println("  - " + what);
  }

  int failures() {
    return failures;
  }

  void flush() {
    out.flush();
  }
}
