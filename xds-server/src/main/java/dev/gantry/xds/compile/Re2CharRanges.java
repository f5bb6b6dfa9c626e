package dev.gantry.xds.compile;

import java.util.ArrayList;
import java.util.List;

/**
 * Character classes for {@link Re2ProgramSize}: the Perl and POSIX classes as RE2 defines them (all
 * ASCII), complements and merges of code point ranges, and the size of the program RE2 compiles a
 * class into.
 */
final class Re2CharRanges {
  private Re2CharRanges() {}

  /**
   * A negated class: RE2 folds the case of the class before it negates it, so where folding adds
   * characters the complement is no longer all of the non-ASCII ones but a patchwork of them.
   */
  static long negatedSize(List<int[]> positive, boolean foldCase) {
    boolean folds =
        foldCase && positive.stream().anyMatch(r -> r[1] >= 0x80 || (r[0] <= 'z' && r[1] >= 'A'));
    return folds
        ? classSize(complement(positive), true, false)
        : classSize(complement(positive), false, true);
  }

  static final java.util.Set<String> POSIX =
      java.util.Set.of(
          "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
          "space", "upper", "word", "xdigit");

  /** Perl and POSIX classes, all ASCII in RE2. */
  static void addNamed(List<int[]> ranges, String name, boolean negated) {
    String spec =
        switch (name) {
          case "d", "digit" -> "09";
          case "s" -> "\t\n\f\r  ";
          case "space" -> "\t\r  ";
          case "w", "word" -> "09AZ__az";
          case "alpha" -> "AZaz";
          case "alnum" -> "09AZaz";
          case "lower" -> "az";
          case "upper" -> "AZ";
          case "xdigit" -> "09AFaf";
          case "blank" -> "\t\t  ";
          case "cntrl" -> "\0\u001f\u007f\u007f";
          case "punct" -> "!/:@[`{~";
          case "graph" -> "!~";
          case "print" -> " ~";
          default -> "\0\u007f"; // ascii, and anything unknown at its widest
        };
    List<int[]> named = new ArrayList<>();
    for (int i = 0; i < spec.length(); i += 2) {
      named.add(new int[] {spec.charAt(i), spec.charAt(i + 1)});
    }
    ranges.addAll(negated ? complement(named) : named);
  }

  static List<int[]> complement(List<int[]> ranges) {
    List<int[]> sorted = merge(ranges);
    List<int[]> out = new ArrayList<>();
    int next = 0;
    for (int[] r : sorted) {
      if (r[0] > next) {
        out.add(new int[] {next, r[0] - 1});
      }
      next = Math.max(next, r[1] + 1);
    }
    if (next <= Character.MAX_CODE_POINT) {
      out.add(new int[] {next, Character.MAX_CODE_POINT});
    }
    return out;
  }

  static List<int[]> merge(List<int[]> ranges) {
    List<int[]> sorted = new ArrayList<>(ranges);
    sorted.sort((a, b) -> Integer.compare(a[0], b[0]));
    List<int[]> out = new ArrayList<>();
    for (int[] r : sorted) {
      int[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && r[0] <= last[1] + 1) {
        last[1] = Math.max(last[1], r[1]);
      } else {
        out.add(new int[] {r[0], r[1]});
      }
    }
    return out;
  }

  /**
   * One instruction per ASCII range; a single other character costs its UTF-8 bytes, a range of
   * them at most {@code (2L-1)·L} per UTF-8 length L it spans, or 6 when it is all of them. Case
   * folding costs nothing for ASCII letters (RE2 compares them ignoring case), quadruples the rest
   * (plus a range of three-byte characters) and adds what RE2 folds to ASCII letters: the Kelvin
   * sign for K, the long s for S.
   */
  static long classSize(List<int[]> ranges, boolean foldCase, boolean allAtOnce) {
    long ascii = 0;
    long other = 0;
    long all = 0;
    boolean kelvin = false;
    boolean longS = false;
    for (int[] r : merge(ranges)) {
      if (r[0] < 0x80) {
        ascii++;
        kelvin |= covers(r, 'k') || covers(r, 'K');
        longS |= covers(r, 's') || covers(r, 'S');
      }
      if (r[1] < 0x80) {
        continue;
      }
      int lo = Math.max(r[0], 0x80);
      if (allAtOnce && !foldCase && lo == 0x80 && r[1] == Character.MAX_CODE_POINT) {
        all = 6; // folding adds nothing to all of them
      } else if (lo == r[1]) {
        other += lo <= 0x7ff ? 2 : lo <= 0xffff ? 3 : 4;
      } else {
        int[] limits = {0x7ff, 0xffff, Character.MAX_CODE_POINT};
        for (int len = 2, start = 0x80; len <= 4; start = limits[len - 2] + 1, len++) {
          if (lo <= limits[len - 2] && r[1] >= start) {
            other += (2L * len - 1) * len;
          }
        }
      }
    }
    if (!foldCase) {
      return ascii + all + other;
    }
    // Folding may reach further UTF-8 lengths too (the Ohm sign for omega): 15 covers three bytes.
    return ascii + all + (other > 0 ? 4 * other + 15 : 0) + (kelvin ? 4 : 0) + (longS ? 3 : 0);
  }

  static boolean covers(int[] range, int c) {
    return range[0] <= c && c <= range[1];
  }
}
