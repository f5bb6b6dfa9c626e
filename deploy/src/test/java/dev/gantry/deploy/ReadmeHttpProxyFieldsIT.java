package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testbed.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The README's HTTPProxy table names every field of Contour's HTTPProxy (the CRD of the Contour
 * release {@code scripts/provision} fetches): a user moving from Contour looks a field up there and
 * finds whether it works, and how; and each row names the tests behind it, tests that exist.
 */
class ReadmeHttpProxyFieldsIT {
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

  /** A backticked test class: {@code `ProxyCompilerTest`}, {@code `TlsIT`}. */
  private static final Pattern TEST_CLASS = Pattern.compile("`([A-Z][A-Za-z0-9]*(?:Test|IT))`");

  @Test
  void everyFieldOfContoursHttpProxySpecIsInTheReadmesHttpProxyTable() throws Exception {
    Set<String> fields = new TreeSet<>();
    leaves(spec(), fields);
    assertThat(fields).as("fields of Contour's HTTPProxy spec").hasSizeGreaterThan(100);

    Set<String> named = new TreeSet<>();
    Matcher code = CODE.matcher(httpProxySection());
    while (code.find()) {
      Matcher word = WORD.matcher(code.group(1));
      while (word.find()) {
        named.add(word.group());
      }
    }

    Set<String> missing = new TreeSet<>(fields);
    missing.removeAll(named);
    assertThat(missing)
        .as("fields of Contour's HTTPProxy that README.md's \"HTTPProxy support\" does not name")
        .isEmpty();
  }

  @Test
  void everyRowOfTheReadmesHttpProxyTableNamesTestsThatExist() throws Exception {
    String section = httpProxySection();
    List<String> rows = dataRows(section);
    assertThat(rows).as("data rows of README.md's HTTPProxy table").hasSizeGreaterThan(30);

    List<String> withoutTests = new ArrayList<>();
    for (String row : rows) {
      if (!TEST_CLASS.matcher(supported(row)).find()) {
        withoutTests.add(row.substring(0, Math.min(row.length(), 100)));
      }
    }
    assertThat(withoutTests)
        .as(
            "rows of README.md's HTTPProxy table whose second cell names no test class"
                + " (`SomethingTest` or `SomethingIT`)")
        .isEmpty();

    Set<String> testClasses = testClasses();
    assertThat(testClasses).as("test classes under src/test/java").contains("ProxyCompilerTest");
    List<String> unknown = new ArrayList<>();
    for (String line : section.split("\n")) {
      Matcher name = TEST_CLASS.matcher(line);
      while (name.find()) {
        if (!testClasses.contains(name.group(1))) {
          unknown.add(name.group(1) + " in " + line.substring(0, Math.min(line.length(), 100)));
        }
      }
    }
    assertThat(unknown)
        .as(
            "test classes README.md's \"HTTPProxy support\" names that are no <Name>.java under any"
                + " src/test/java")
        .isEmpty();
  }

  /** The table's rows after its header and separator, each one line. */
  private static List<String> dataRows(String section) {
    List<String> rows = new ArrayList<>();
    boolean separatorSeen = false;
    for (String line : section.split("\n")) {
      if (!line.startsWith("|")) {
        continue;
      }
      if (line.matches("\\|[-:| ]+\\|")) {
        separatorSeen = true;
      } else if (separatorSeen) {
        rows.add(line);
      }
    }
    return rows;
  }

  /** A row's second cell, what it says of the field. */
  private static String supported(String row) {
    int second = row.indexOf(" | ");
    return second < 0 ? "" : row.substring(second + 3);
  }

  /** The simple names of the {@code .java} files under every {@code src/test/java}. */
  private static Set<String> testClasses() throws IOException {
    Set<String> names = new TreeSet<>();
    Path root = Tools.repositoryRoot();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
            String name = dir.equals(root) ? "" : dir.getFileName().toString();
            return name.startsWith(".") || name.equals("target") || name.equals("node_modules")
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            String name = file.getFileName().toString();
            if (name.endsWith(".java") && file.toString().contains("/src/test/java/")) {
              names.add(name.substring(0, name.length() - ".java".length()));
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return names;
  }

  private static String httpProxySection() throws Exception {
    String readme = Files.readString(Tools.repositoryRoot().resolve("README.md"));
    int start = readme.indexOf("\n### HTTPProxy support");
    assertThat(start).as("README.md has a section \"HTTPProxy support\"").isPositive();
    int end = readme.indexOf("\n### ", start + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  private static JsonNode spec() throws Exception {
    ObjectMapper yaml = YAMLMapper.shared();
    try (InputStream in = Files.newInputStream(Tools.contourCrds())) {
      for (JsonNode document : yaml.readValues(yaml.createParser(in), JsonNode.class).readAll()) {
        if ("httpproxies.projectcontour.io"
            .equals(document.path("metadata").path("name").asString(""))) {
          return document
              .path("spec")
              .path("versions")
              .path(0)
              .path("schema")
              .path("openAPIV3Schema")
              .path("properties")
              .path("spec");
        }
      }
    }
    throw new IllegalStateException("no HTTPProxy CRD in " + Tools.contourCrds());
  }

  /** Every property name under {@code schema}, at any depth (objects and arrays of them). */
  private static void leaves(JsonNode schema, Set<String> names) {
    JsonNode properties = schema.path("properties");
    if (properties.isMissingNode()) {
      properties = schema.path("items").path("properties");
    }
    for (Map.Entry<String, JsonNode> property : properties.properties()) {
      names.add(property.getKey());
      leaves(property.getValue(), names);
    }
  }
}
