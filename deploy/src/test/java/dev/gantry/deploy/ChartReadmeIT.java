package dev.gantry.deploy;

import static dev.gantry.deploy.Charts.CHART;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testbed.Tools;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The chart's README is what {@code scripts/chart-docs} (helm-docs) writes from values.yaml, and
 * every value in it has a description (issue 18). helm-docs lists a value without a {@code # --}
 * comment with an empty description, and its strict mode (v1.14.2) reports documented values too
 * and still exits 0, so the leaves of values.yaml are checked here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartReadmeIT {
  private static final String REGENERATE =
      "edit values.yaml (its `# --` comments) or README.md.gotmpl, then run scripts/chart-docs";

  private String generated;

  @BeforeAll
  void generate() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                Tools.repositoryRoot().resolve("scripts/chart-docs").toString(), "--stdout")
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("GANTRY_HELM_DOCS", Tools.helmDocs().toString());
    Process p = pb.start();
    generated = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("scripts/chart-docs --stdout").isZero();
    assertThat(generated).contains("| Key | Type | Default | Description |");
  }

  @Test
  void committedReadmeIsWhatChartDocsWrites() throws Exception {
    String committed = Files.readString(CHART.resolve("README.md"));

    assertThat(committed)
        .as("deploy/helm/gantry/README.md is not what the values give: " + REGENERATE)
        .isEqualTo(generated);
  }

  @Test
  void everyValueHasADescription() throws Exception {
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : generated.split("\n")) {
      // | key | type | default | description |
      if (line.startsWith("| ") && !line.startsWith("| Key |")) {
        String key = line.substring(2, line.indexOf(" |"));
        String description = line.substring(line.lastIndexOf(" | ") + 3, line.length() - 2);
        rows.put(key, description.strip());
      }
    }
    List<String> leaves = new ArrayList<>();
    leaves(YAMLMapper.shared().readTree(CHART.resolve("values.yaml").toFile()), "", leaves);

    // A map documented whole (resources) covers its keys.
    List<String> undocumented =
        leaves.stream()
            .filter(
                leaf ->
                    rows.entrySet().stream()
                        .noneMatch(
                            row ->
                                (leaf.equals(row.getKey()) || leaf.startsWith(row.getKey() + "."))
                                    && !row.getValue().isEmpty()))
            .toList();
    assertThat(leaves).hasSizeGreaterThan(90).contains("envoy.preStopDelaySeconds");
    assertThat(undocumented).as("values without a description: " + REGENERATE).isEmpty();
    assertThat(rows.keySet())
        .as("rows for values that are not in values.yaml")
        .allMatch(key -> leaves.stream().anyMatch(l -> l.equals(key) || l.startsWith(key + ".")));
  }

  /** Keys of scalars, lists and empty maps: what a user sets. */
  private static void leaves(JsonNode node, String prefix, List<String> out) {
    if (node.isObject() && !node.isEmpty()) {
      node.properties()
          .forEach(
              e ->
                  leaves(
                      e.getValue(),
                      prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
                      out));
    } else {
      out.add(prefix);
    }
  }
}
