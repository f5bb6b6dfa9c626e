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
final class Re2ProgramSize extends Re2Reader {
  /** The program's fixed part: fail, match and the unanchored {@code .*?} prefix. */
  private static final int BASE = 4;

  /** What a repetition, an optional part or one more alternative costs besides its body. */
  private static final int BRANCH = 4;

  private boolean foldCase;
  private boolean dotAll;
  private String unsupported;

  /** Whether the last atom was a group of flags alone, such as {@code (?i)}: nothing to repeat. */
  private boolean flagsOnly;

  private static final java.util.regex.Pattern REPEAT =
      java.util.regex.Pattern.compile("\\{[0-9]{1,7}(,[0-9]{0,7})?}");

  /** An assertion: one instruction, and the jumps RE2 needs when it is repeated. */
  private static final int EMPTY_WIDTH = 3;

  /** RE2's largest repetition count. */
  private static final int MAX_REPEAT = 1000;

  /** The bound, or why the regex is not valid RE2 or not supported. */
  record Estimate(long size, String unsupported) {}

  private Re2ProgramSize(String re) {
    super(re);
  }

  static Estimate estimate(String regex) {
    Re2ProgramSize p = new Re2ProgramSize(regex);
    try {
      long body = p.alternation();
      if (p.more()) {
        throw p.error("unmatched )");
      }
      return new Estimate(Math.min(Re2Sizes.CAP, BASE + body), p.unsupported);
    } catch (SyntaxError e) {
      return new Estimate(0, "is not valid RE2: " + e.getMessage());
    }
  }

  private long alternation() {
    long size = concatenation();
    while (more() && peek() == '|') {
      pos++;
      size = Re2Sizes.add(size, Re2Sizes.add(concatenation(), BRANCH));
    }
    return size;
  }

  private long concatenation() {
    long size = 0;
    while (more() && peek() != '|' && peek() != ')') {
      size = Re2Sizes.add(size, repeated());
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
        atom = Re2Sizes.add(atom, BRANCH);
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
        atom = Re2Sizes.mul(once, Math.max(min, 1));
        if (max < 0) {
          atom = Re2Sizes.add(atom, BRANCH);
        } else if (max > min) {
          atom = Re2Sizes.add(atom, Re2Sizes.mul(Re2Sizes.add(once, BRANCH), max - min));
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
    return Math.min(Re2Sizes.CAP, Long.parseLong(re.substring(start, pos)));
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
        return Re2CharRanges.classSize(
            dotAll ? any : Re2CharRanges.complement(List.of(new int[] {'\n', '\n'})), false, true);
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
    return capture ? Re2Sizes.add(body, 2) : body;
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
        Re2CharRanges.addNamed(ranges, String.valueOf((char) Character.toLowerCase(c)), false);
        return Character.isUpperCase(c)
            ? Re2CharRanges.negatedSize(ranges, foldCase)
            : Re2CharRanges.classSize(ranges, foldCase, true);
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

  private long literal(int c) {
    List<int[]> ranges = new ArrayList<>();
    ranges.add(new int[] {c, c});
    return Re2CharRanges.classSize(ranges, foldCase, true);
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
        if (close >= 0 && Re2CharRanges.POSIX.contains(not ? name.substring(1) : name)) {
          pos = close + 2;
          Re2CharRanges.addNamed(ranges, not ? name.substring(1) : name, not);
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
    return negated
        ? Re2CharRanges.negatedSize(ranges, foldCase)
        : Re2CharRanges.classSize(ranges, foldCase, true);
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
        Re2CharRanges.addNamed(
            ranges, String.valueOf((char) Character.toLowerCase(e)), Character.isUpperCase(e));
      }
      return -1;
    }
    return escapedChar(e);
  }
}
