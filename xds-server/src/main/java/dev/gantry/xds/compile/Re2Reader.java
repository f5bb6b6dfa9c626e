package dev.gantry.xds.compile;

/**
 * A cursor over a regex as RE2 reads it, code point by code point, with RE2's escapes: what {@link
 * Re2ProgramSize} parses with. A {@link SyntaxError} says where and why the regex is not RE2.
 */
class Re2Reader {
  static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_]+");
  static final java.util.regex.Pattern HEX = java.util.regex.Pattern.compile("[0-9A-Fa-f]{1,8}");

  final String re;
  int pos;

  Re2Reader(String re) {
    this.re = re;
  }

  /** Where and why the regex is not RE2. */
  static final class SyntaxError extends RuntimeException {
    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }

  SyntaxError error(String what) {
    return new SyntaxError(what + " at position " + pos);
  }

  boolean more() {
    return pos < re.length();
  }

  int peek() {
    return more() ? re.codePointAt(pos) : -1;
  }

  int next() {
    if (!more()) {
      throw error("unexpected end");
    }
    int c = re.codePointAt(pos);
    pos += Character.charCount(c);
    return c;
  }

  /** The character an escape other than a class or an assertion stands for, as RE2 reads it. */
  int escapedChar(int c) {
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
}
