package dev.gantry.e2e;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Samples of a Prometheus text exposition, read the way a query would sum them. */
public record PrometheusText(String text) {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)", Pattern.MULTILINE);
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

  /** The sum of the samples named {@code name} whose labels include {@code labels}; 0 if none. */
  public double sum(String name, Map<String, String> labels) {
    double sum = 0;
    Matcher m = SAMPLE.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(name) && matches(m.group(3), labels)) {
        sum += Double.parseDouble(m.group(4));
      }
    }
    return sum;
  }

  /** The largest sample named {@code name} whose labels include {@code labels}; 0 if none. */
  public double max(String name, Map<String, String> labels) {
    double max = 0;
    Matcher m = SAMPLE.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(name) && matches(m.group(3), labels)) {
        max = Math.max(max, Double.parseDouble(m.group(4)));
      }
    }
    return max;
  }

  private static boolean matches(String labelText, Map<String, String> wanted) {
    if (wanted.isEmpty()) {
      return true;
    }
    if (labelText == null) {
      return false;
    }
    int found = 0;
    Matcher l = LABEL.matcher(labelText);
    while (l.find()) {
      if (l.group(2).equals(wanted.get(l.group(1)))) {
        found++;
      }
    }
    return found == wanted.size();
  }
}
