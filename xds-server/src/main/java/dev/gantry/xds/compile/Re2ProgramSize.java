package dev.gantry.xds.compile;

import java.util.ArrayList;
import java.util.List;

/**
 * RE2's syntax, read strictly (what it cannot place is refused, so that nothing RE2 refuses gets
 * through), and an upper bound of the size of the RE2 program Envoy compiles from the regex (see
 * {@link Re2Regexes}): RE2's own count needs RE2, so this counts what RE2's compiler emits, each
 * part at its most. Linear in the regex, whatever it holds. A byte of a literal is one instruction;
 * a character class one per ASCII range and at most {@code (2L-1)·L} per UTF-8 length L a range of
 * other characters spans (6 for all of them, as in {@code .} and negated classes); a group two, an
 * empty-width assertion one; each repetition, optional part and alternative four, which covers the
 * jumps RE2 adds when it flattens its program; {@code x{n,m}} is {@code x} n times and {@code x?}
 * m-n times, as RE2 expands it; and four for the program's start, match and the unanchored search
 * loop. Tests hold it against RE2. Unicode classes ({@code \p}) are refused: most compile far
 * beyond Envoy's limit.
 */
final class Re2ProgramSize {
  /** The program's fixed part: fail, match and the unanchored {@code .*?} prefix. */
  private static final int BASE = 4;

  /** What a repetition, an optional part or one more alternative costs besides its body. */
  private static final int BRANCH = 4;

  /** RE2's largest repetition count; anything that big is beyond any limit of ours. */
  private static final long CAP = 1_000_000;

  private final String re;
  private int pos;
  private boolean foldCase;
  private boolean dotAll;
  private String unsupported;

  /** Whether the last atom was a group of flags alone, such as {@code (?i)}: nothing to repeat. */
  private boolean flagsOnly;

  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9_]+");
  private static final java.util.regex.Pattern HEX =
      java.util.regex.Pattern.compile("[0-9A-Fa-f]{1,8}");
  private static final java.util.regex.Pattern REPEAT =
      java.util.regex.Pattern.compile("\\{[0-9]{1,7}(,[0-9]{0,7})?}");

  /** An assertion: one instruction, and the jumps RE2 needs when it is repeated. */
  private static final int EMPTY_WIDTH = 3;

  /** RE2's largest repetition count. */
  private static final int MAX_REPEAT = 1000;

  /** The bound, or why the regex is not valid RE2 or not supported. */
  record Estimate(long size, String unsupported) {}

  /** Where and why the regex is not RE2. */
  private static final class SyntaxError extends RuntimeException {
    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }

  private SyntaxError error(String what) {
    return new SyntaxError(what + " at position " + pos);
  }

  private Re2ProgramSize(String re) {
    this.re = re;
  }

  static Estimate estimate(String regex) {
    Re2ProgramSize p = new Re2ProgramSize(regex);
    try {
      long body = p.alternation();
      if (p.more()) {
        throw p.error("unmatched )");
      }
      return new Estimate(Math.min(CAP, BASE + body), p.unsupported);
    } catch (SyntaxError e) {
      return new Estimate(0, "is not valid RE2: " + e.getMessage());
    }
  }

  private boolean more() {
    return pos < re.length();
  }

  private int peek() {
    return more() ? re.codePointAt(pos) : -1;
  }

  private int next() {
    if (!more()) {
      throw error("unexpected end");
    }
    int c = re.codePointAt(pos);
    pos += Character.charCount(c);
    return c;
  }

  private long alternation() {
    long size = concatenation();
    while (more() && peek() == '|') {
      pos++;
      size = add(size, add(concatenation(), BRANCH));
    }
    return size;
  }

  private long concatenation() {
    long size = 0;
    while (more() && peek() != '|' && peek() != ')') {
      size = add(size, repeated());
    }
    return size;
  }

  private long repeated() {
    flagsOnly = false;
    long atom = atom();
    boolean repeated = false;
    while (more()) {
      int c = peek();
      if (c == '*' || c == '+' || c == '?') {
        pos++;
        atom = add(atom, BRANCH);
      } else if (c == '{' && repeatAhead()) {
        pos++;
        long min = number();
        long max = min;
        if (peek() == ',') {
          pos++;
          max = peek() == '}' ? -1 : number();
        }
        pos++; // '}'
        if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) {
          throw error("invalid repetition size");
        }
        long once = atom;
        atom = mul(once, Math.max(min, 1));
        if (max < 0) {
          atom = add(atom, BRANCH);
        } else if (max > min) {
          atom = add(atom, mul(add(once, BRANCH), max - min));
        } else if (max == 0) {
          atom = 0;
        }
      } else {
        break;
      }
      if (repeated || flagsOnly) {
        throw error("bad repetition operator");
      }
      repeated = true;
      if (more() && peek() == '?') {
        pos++; // non-greedy: the same program
      }
    }
    return atom;
  }

  /** Whether a valid {n}, {n,} or {n,m} starts here (else RE2 reads the brace literally). */
  private boolean repeatAhead() {
    return REPEAT.matcher(re).region(pos, re.length()).lookingAt();
  }

  private long number() {
    int start = pos;
    while (Character.isDigit(peek())) {
      pos++;
    }
    return Math.min(CAP, Long.parseLong(re.substring(start, pos)));
  }

  private long atom() {
    int c = next();
    switch (c) {
      case '*':
      case '+':
      case '?':
        throw error("missing argument to repetition operator");
      case ')':
        throw error("unmatched )");
      case '{':
        pos--;
        if (repeatAhead()) {
          throw error("missing argument to repetition operator");
        }
        pos++;
        return literal(c);
      case '(':
        return group();
      case '[':
        return charClass();
      case '.':
        List<int[]> any = new ArrayList<>();
        any.add(new int[] {0, Character.MAX_CODE_POINT});
        return classSize(dotAll ? any : complement(List.of(new int[] {'\n', '\n'})), false, true);
      case '^':
      case '$':
        return EMPTY_WIDTH;
      case '\\':
        return escape();
      default:
        return literal(c);
    }
  }

  /**
   * A group after its {@code (}; flags set by {@code (?i)} alone last to the end of the enclosing
   * one.
   */
  private long group() {
    boolean savedFold = foldCase;
    boolean savedDotAll = dotAll;
    boolean capture = true;
    if (peek() == '?') {
      pos++;
      int c = peek();
      if (c == 'P' || c == '<') {
        if (c == 'P') {
          pos++;
          if (peek() != '<') {
            throw error("invalid named capture");
          }
        }
        pos++;
        int close = re.indexOf('>', pos);
        if (close < 0 || !NAME.matcher(re.substring(pos, close)).matches()) {
          throw error("invalid named capture");
        }
        pos = close + 1;
      } else {
        capture = false;
        boolean on = true;
        boolean any = false;
        int f;
        while ((f = next()) != ')' && f != ':') {
          if (f == '-' && on && any) {
            on = false;
            any = false;
            continue;
          }
          if (f != 'i' && f != 'm' && f != 's' && f != 'U') {
            throw error("invalid or unsupported Perl syntax");
          }
          any = true;
          if (f == 'i') {
            foldCase = on;
          } else if (f == 's') {
            dotAll = on;
          }
        }
        if (!any && (f == ')' || !on)) {
          throw error("invalid or unsupported Perl syntax");
        }
        if (f == ')') {
          flagsOnly = true;
          return 0;
        }
      }
    }
    long body = alternation();
    if (next() != ')') {
      throw error("missing )");
    }
    foldCase = savedFold;
    dotAll = savedDotAll;
    return capture ? add(body, 2) : body;
  }

  private long escape() {
    int c = next();
    switch (c) {
      case 'd':
      case 'w':
      case 's':
      case 'D':
      case 'W':
      case 'S':
        List<int[]> ranges = new ArrayList<>();
        addNamed(ranges, String.valueOf((char) Character.toLowerCase(c)), false);
        return Character.isUpperCase(c) ? negatedSize(ranges) : classSize(ranges, foldCase, true);
      case 'b':
      case 'B':
      case 'A':
      case 'z':
        return EMPTY_WIDTH;
      case 'C':
        return 1;
      case 'p':
      case 'P':
        unicodeClass();
        return 0;
      case 'Q':
        int end = re.indexOf("\\E", pos);
        String quoted = re.substring(pos, end < 0 ? re.length() : end);
        pos = end < 0 ? re.length() : end + 2;
        return quoted.codePoints().mapToLong(this::literal).sum();
      default:
        return literal(escapedChar(c));
    }
  }

  private void unicodeClass() {
    if (next() == '{') {
      int close = re.indexOf('}', pos);
      if (close < 0) {
        throw error("invalid character class range");
      }
      pos = close + 1;
    }
    unsupported =
        "Unicode classes (\\p, \\P) are not supported: most make an RE2 program larger than"
            + " Envoy's limit";
  }

  /** The character an escape other than a class or an assertion stands for, as RE2 reads it. */
  private int escapedChar(int c) {
    if (c == 'x') {
      if (peek() == '{') {
        int close = re.indexOf('}', pos);
        String hex = close < 0 ? "" : re.substring(pos + 1, close);
        if (!HEX.matcher(hex).matches() || Integer.parseInt(hex, 16) > Character.MAX_CODE_POINT) {
          throw error("invalid escape sequence");
        }
        pos = close + 1;
        return Integer.parseInt(hex, 16);
      }
      String hex = pos + 2 <= re.length() ? re.substring(pos, pos + 2) : "";
      if (!HEX.matcher(hex).matches()) {
        throw error("invalid escape sequence");
      }
      pos += 2;
      return Integer.parseInt(hex, 16);
    }
    if (c >= '1' && c <= '7' && !(peek() >= '0' && peek() <= '7')) {
      throw error("invalid escape sequence (backreferences are not RE2)");
    }
    if (c >= '0' && c <= '7') {
      int v = c - '0';
      for (int i = 0; i < 2 && peek() >= '0' && peek() <= '7'; i++) {
        v = v * 8 + (next() - '0');
      }
      return v;
    }
    switch (c) {
      case 'a':
        return 7;
      case 'f':
        return 12;
      case 't':
        return 9;
      case 'n':
        return 10;
      case 'r':
        return 13;
      case 'v':
        return 11;
      default:
        boolean word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (c >= 0x80 || word) {
          throw error("invalid escape sequence");
        }
        return c;
    }
  }

  private long literal(int c) {
    List<int[]> ranges = new ArrayList<>();
    ranges.add(new int[] {c, c});
    return classSize(ranges, foldCase, true);
  }

  private long charClass() {
    boolean negated = false;
    if (peek() == '^') {
      negated = true;
      pos++;
    }
    List<int[]> ranges = new ArrayList<>();
    boolean first = true;
    while (peek() != ']' || first) {
      if (!more()) {
        throw error("missing ]");
      }
      first = false;
      if (re.startsWith("[:", pos)) {
        int close = re.indexOf(":]", pos + 2);
        String name = close < 0 ? "" : re.substring(pos + 2, close);
        boolean not = name.startsWith("^");
        if (close >= 0 && POSIX.contains(not ? name.substring(1) : name)) {
          pos = close + 2;
          addNamed(ranges, not ? name.substring(1) : name, not);
          continue;
        }
        if (close >= 0 && NAME.matcher(not ? name.substring(1) : name).matches()) {
          throw error("invalid character class range");
        }
      }
      int lo = classChar(ranges);
      if (lo < 0) {
        continue;
      }
      int hi = lo;
      if (peek() == '-' && pos + 1 < re.length() && re.charAt(pos + 1) != ']') {
        pos++;
        hi = classChar(null);
        if (hi < lo) {
          throw error("invalid character class range");
        }
      }
      ranges.add(new int[] {lo, hi});
    }
    pos++; // ']'
    return negated ? negatedSize(ranges) : classSize(ranges, foldCase, true);
  }

  /**
   * A negated class: RE2 folds the case of the class before it negates it, so where folding adds
   * characters the complement is no longer all of the non-ASCII ones but a patchwork of them.
   */
  private long negatedSize(List<int[]> positive) {
    boolean folds =
        foldCase && positive.stream().anyMatch(r -> r[1] >= 0x80 || (r[0] <= 'z' && r[1] >= 'A'));
    return folds
        ? classSize(complement(positive), true, false)
        : classSize(complement(positive), false, true);
  }

  /**
   * A character of a class, or -1 when it was a Perl or Unicode class, added to {@code ranges}
   * (null where a class cannot stand: the end of a range).
   */
  private int classChar(List<int[]> ranges) {
    int c = next();
    if (c != '\\') {
      return c;
    }
    int e = next();
    if ("dDsSwWpP".indexOf(e) >= 0) {
      if (ranges == null) {
        throw error("invalid character class range");
      }
      if (e == 'p' || e == 'P') {
        unicodeClass();
      } else {
        addNamed(ranges, String.valueOf((char) Character.toLowerCase(e)), Character.isUpperCase(e));
      }
      return -1;
    }
    return escapedChar(e);
  }

  private static final java.util.Set<String> POSIX =
      java.util.Set.of(
          "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
          "space", "upper", "word", "xdigit");

  /** Perl and POSIX classes, all ASCII in RE2. */
  private static void addNamed(List<int[]> ranges, String name, boolean negated) {
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

  private static List<int[]> complement(List<int[]> ranges) {
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

  private static List<int[]> merge(List<int[]> ranges) {
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
  private static long classSize(List<int[]> ranges, boolean foldCase, boolean allAtOnce) {
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

  private static boolean covers(int[] range, int c) {
    return range[0] <= c && c <= range[1];
  }

  private static long add(long a, long b) {
    return Math.min(CAP, a + b);
  }

  private static long mul(long a, long b) {
    return Math.min(CAP, a * b);
  }
}
