package dev.gantry.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The JVM options a component gets from the chart's {@code values.yaml}: its {@code jvmOptions}
 * and, standing in for the container's memory limit that {@code -XX:MaxRAMPercentage} is a share
 * of, {@code -XX:MaxRAM} set to {@code resources.limits.memory}. So a process started on this
 * machine sizes its heap as the chart's pod does.
 */
public final class ChartJvm {
  static final Path VALUES = Path.of("deploy", "helm", "gantry", "values.yaml");

  private ChartJvm() {}

  /**
   * The options of {@code component} ({@code hub} or {@code discoverer}).
   *
   * @param memoryMib a memory limit replacing the chart's, in MiB; 0 keeps the chart's
   */
  public static List<String> options(String component, int memoryMib) {
    JsonNode values = read(RepoFiles.find(VALUES));
    JsonNode node = values.path(component);
    String jvm = node.path("jvmOptions").asString("");
    long limit = memoryMib > 0 ? memoryMib : mebibytes(node.path("resources").path("limits"));
    List<String> options = new ArrayList<>();
    if (limit > 0) {
      options.add("-XX:MaxRAM=" + limit + "m");
    }
    options.addAll(Arrays.stream(jvm.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
    return options;
  }

  private static long mebibytes(JsonNode limits) {
    String memory = limits.path("memory").asString("");
    if (memory.isEmpty()) {
      return 0;
    }
    if (memory.endsWith("Gi")) {
      return Long.parseLong(memory.substring(0, memory.length() - 2)) * 1024;
    }
    if (memory.endsWith("Mi")) {
      return Long.parseLong(memory.substring(0, memory.length() - 2));
    }
    throw new IllegalArgumentException("memory limit " + memory + ": use Mi or Gi");
  }

  private static JsonNode read(Path file) {
    return YAMLMapper.shared().readTree(file);
  }
}
