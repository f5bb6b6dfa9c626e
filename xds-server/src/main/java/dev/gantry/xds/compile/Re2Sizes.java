package dev.gantry.xds.compile;

/**
 * Instruction counts of RE2 programs, saturating at {@link #CAP}: past it, the exact size no longer
 * matters.
 */
final class Re2Sizes {

  /** RE2's largest repetition count; anything that big is beyond any limit of ours. */
  static final long CAP = 1_000_000;

  private Re2Sizes() {}

  static long add(long a, long b) {
    return Math.min(CAP, a + b);
  }

  static long mul(long a, long b) {
    return Math.min(CAP, a * b);
  }
}
