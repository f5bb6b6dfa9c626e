package dev.gantry.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The logging configuration the processes ship (gantry-runtime's logback.xml), run in a JVM of its
 * own as a process runs it: text by default, JSON lines with {@code GANTRY_LOG_FORMAT=json}.
 */
class LogFormatTest {
  private static final ObjectMapper JSON = JsonMapper.shared();

  @Test
  void jsonFormatFromTheEnvironmentWritesOneObjectPerLineWithTheObjectKeys() throws Exception {
    List<String> lines = run(Map.of("GANTRY_LOG_FORMAT", "json"), List.of());

    List<JsonNode> events = new ArrayList<>();
    for (String line : lines) {
      events.add(JSON.readTree(line)); // throws on a line that is not JSON
    }
    assertThat(events).hasSize(5);
    JsonNode write = events.get(1);
    assertThat(write.get("level").asText()).isEqualTo("INFO");
    assertThat(write.get("loggerName").asText()).isEqualTo(LoggingMain.class.getName());
    assertThat(write.get("formattedMessage").asText()).isEqualTo("demo/kuard: 2 hub write(s)");
    assertThat(write.get("timestamp").asLong()).isPositive();
    assertThat(write.get("mdc").get("cluster").asText()).isEqualTo("east");
    assertThat(write.get("mdc").get("kind").asText()).isEqualTo("Service");
    assertThat(write.get("mdc").get("object").asText()).isEqualTo("demo/kuard");

    JsonNode warning = events.get(2);
    assertThat(warning.get("level").asText()).isEqualTo("WARN");
    assertThat(warning.get("throwable").get("message").asText()).isEqualTo("a \"quoted\" reason");
    assertThat(warning.get("mdc").get("object").asText()).isEqualTo("demo/kuard");

    // The keys are gone once their scope is closed; a thread's cluster stays for its lines.
    JsonNode cluster = events.get(3);
    assertThat(cluster.get("mdc").get("cluster").asText()).isEqualTo("west");
    assertThat(cluster.get("mdc").has("object")).isFalse();
    assertThat(events.get(0).path("mdc").has("cluster")).isFalse();

    JsonNode pair = events.get(4);
    assertThat(pair.get("kvpList").toString()).contains("\"object\":\"shop/web\"");
  }

  @Test
  void jsonFormatFromASystemPropertyToo() throws Exception {
    List<String> lines = run(Map.of(), List.of("-DGANTRY_LOG_FORMAT=json"));

    assertThat(lines).hasSize(5);
    for (String line : lines) {
      assertThat(JSON.readTree(line).get("formattedMessage")).isNotNull();
    }
  }

  @Test
  void textIsTheDefaultAndTheLevelComesFromTheEnvironment() throws Exception {
    List<String> lines = run(Map.of(), List.of());

    assertThat(lines.get(0)).matches("^\\d{4}-\\d\\d-\\d\\dT\\S+ INFO  \\S+ - starting the test$");
    assertThat(lines).noneMatch(l -> l.startsWith("{"));
    assertThat(lines).noneMatch(l -> l.contains("below the level"));

    assertThat(run(Map.of("GANTRY_LOG_LEVEL", "DEBUG"), List.of()))
        .anyMatch(l -> l.contains("below the level"));
  }

  /** The lines {@link LoggingMain} writes on stdout (stderr apart: the JVM's own notes). */
  private static List<String> run(Map<String, String> env, List<String> jvmOptions)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LoggingMain.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("GANTRY_LOG_FORMAT");
    builder.environment().remove("GANTRY_LOG_LEVEL");
    builder.environment().putAll(env);
    Process process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    // A stack trace in the text format continues the line before it.
    return out.lines()
        .filter(l -> !l.isBlank() && !l.startsWith("\t") && !l.startsWith("java."))
        .toList();
  }
}
