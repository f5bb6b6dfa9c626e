package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testbed.Tools;
import java.io.InputStream;
import java.nio.file.Files;
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
 * finds whether it works, and how.
 */
class ReadmeHttpProxyFieldsIT {
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

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
