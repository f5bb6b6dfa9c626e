package dev.gantry.discoverer.mirror;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector in its string form ({@code app=web,tier!=db,env in (a,b),!legacy}),
 * parsed once and matched in memory.
 */
public final class LabelSelector {
  private static final Pattern SET =
      Pattern.compile("^\\s*([A-Za-z0-9./_-]+)\\s+(in|notin)\\s*\\(([^)]*)\\)\\s*$");
  private static final Pattern EQUALITY =
      Pattern.compile("^\\s*([A-Za-z0-9./_-]+)\\s*(==|=|!=)\\s*([A-Za-z0-9._-]*)\\s*$");
  private static final Pattern EXISTS = Pattern.compile("^\\s*(!?)\\s*([A-Za-z0-9./_-]+)\\s*$");

  private record Requirement(String key, String operator, Set<String> values) {
    boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case "=", "in" -> value != null && values.contains(value);
        case "!=", "notin" -> value == null || !values.contains(value);
        case "exists" -> value != null;
        case "!exists" -> value == null;
        default -> throw new IllegalStateException(operator);
      };
    }
  }

  private final String text;
  private final List<Requirement> requirements;

  private LabelSelector(String text, List<Requirement> requirements) {
    this.text = text;
    this.requirements = List.copyOf(requirements);
  }

  /** Selects everything. */
  public static LabelSelector everything() {
    return new LabelSelector("", List.of());
  }

  /** Parses {@code text}; throws IllegalArgumentException naming the bad requirement. */
  public static LabelSelector parse(String text) {
    if (text == null || text.isBlank()) {
      return everything();
    }
    List<Requirement> requirements = new ArrayList<>();
    for (String part : splitTopLevel(text)) {
      Matcher set = SET.matcher(part);
      Matcher equality = EQUALITY.matcher(part);
      Matcher exists = EXISTS.matcher(part);
      if (set.matches()) {
        List<String> values = new ArrayList<>();
        for (String v : set.group(3).split(",")) {
          if (!v.isBlank()) {
            values.add(v.strip());
          }
        }
        if (values.isEmpty()) {
          throw new IllegalArgumentException(
              "label selector '" + text + "': '" + part.strip() + "' has an empty value set");
        }
        requirements.add(new Requirement(set.group(1), set.group(2), Set.copyOf(values)));
      } else if (equality.matches()) {
        String op = equality.group(2).equals("==") ? "=" : equality.group(2);
        requirements.add(new Requirement(equality.group(1), op, Set.of(equality.group(3))));
      } else if (exists.matches()) {
        String op = exists.group(1).isEmpty() ? "exists" : "!exists";
        requirements.add(new Requirement(exists.group(2), op, Set.of()));
      } else {
        throw new IllegalArgumentException(
            "label selector '" + text + "': cannot parse '" + part.strip() + "'");
      }
    }
    return new LabelSelector(text.strip(), requirements);
  }

  private static List<String> splitTopLevel(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(text.substring(start));
    for (String part : parts) {
      if (part.isBlank()) {
        throw new IllegalArgumentException(
            "label selector '" + text + "' has an empty requirement");
      }
    }
    return parts;
  }

  public boolean matches(Map<String, String> labels) {
    Map<String, String> actual = labels == null ? Map.of() : labels;
    return requirements.stream().allMatch(r -> r.matches(actual));
  }

  @Override
  public String toString() {
    return text;
  }
}
