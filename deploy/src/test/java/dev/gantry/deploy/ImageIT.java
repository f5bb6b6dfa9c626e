package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.testbed.Crds;
import dev.gantry.testbed.KubeCluster;
import dev.gantry.testbed.Ports;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.Tools;
import dev.gantry.testbed.WithClusters;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The images Jib built (target/jib-image.tar of discoverer and hub), run without Docker: their
 * layers unpacked into a root directory, the entrypoint run in it with chroot as the image's user.
 * The hub's image serves /readyz against a real hub apiserver.
 */
@WithClusters({"hub"})
class ImageIT {
  private static final Path ROOT = Tools.repositoryRoot();

  /** An unpacked image: its root file system and its config. */
  private record Image(Path rootfs, JsonNode manifest, JsonNode config) {
    List<String> entrypoint() {
      List<String> args = new ArrayList<>();
      config.path("config").path("Entrypoint").forEach(a -> args.add(a.asString()));
      return args;
    }
  }

  private static Image unpack(String module, Path into) throws Exception {
    Path tar = ROOT.resolve(module).resolve("target/jib-image.tar");
    assertThat(tar).as("built by mvn package -pl " + module).exists();
    Path layout = Files.createDirectories(into.resolve("layout"));
    Path rootfs = Files.createDirectories(into.resolve("rootfs"));
    run(List.of("tar", "-xf", tar.toString(), "-C", layout.toString()));
    JsonNode manifest =
        JsonMapper.shared().readTree(layout.resolve("manifest.json").toFile()).get(0);
    for (JsonNode layer : manifest.path("Layers")) {
      run(
          List.of(
              "tar", "-xzf", layout.resolve(layer.asString()).toString(), "-C", rootfs.toString()));
    }
    Files.createDirectories(rootfs.resolve("proc"));
    JsonNode config =
        JsonMapper.shared().readTree(layout.resolve(manifest.path("Config").asString()).toFile());
    return new Image(rootfs, manifest, config);
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(command + "\n" + out).isZero();
    return out;
  }

  /**
   * What a container runtime does with the image's config, done by Python (a prerequisite of the
   * project): chroot into the root file system, change to WorkingDir, become User, exec the
   * entrypoint with exactly the image's Env. chroot(1) alone would start in / with our environment.
   */
  private static final String EXEC_AS_RUNTIME =
      String.join(
          "\n",
          "import os, sys",
          "root, wd, user, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])",
          "env = dict(e.split('=', 1) for e in sys.argv[5:5 + n])",
          "argv = sys.argv[5 + n:]",
          "uid, gid = (int(x) for x in user.split(':'))",
          "os.chroot(root)",
          "os.chdir(wd)",
          "os.setgroups([])",
          "os.setgid(gid)",
          "os.setuid(uid)",
          "os.execve(argv[0], argv, env)");

  /**
   * The image's entrypoint plus {@code args}, run as the image's config says, with /proc mounted in
   * a mount namespace of its own.
   */
  private static ProcessBuilder inImage(Image image, List<String> args) {
    return inImage(image, Map.of(), args);
  }

  /** The same with {@code overrides} replacing (or adding to) the image's Env. */
  private static ProcessBuilder inImage(
      Image image, Map<String, String> overrides, List<String> args) {
    JsonNode config = image.config().path("config");
    List<String> env = new ArrayList<>();
    config.path("Env").forEach(e -> env.add(e.asString()));
    env.removeIf(e -> overrides.containsKey(e.substring(0, e.indexOf('='))));
    overrides.forEach((name, value) -> env.add(name + "=" + value));
    List<String> command =
        new ArrayList<>(
            List.of(
                "unshare",
                "--mount",
                "--fork",
                "--kill-child",
                "sh",
                "-c",
                "mount -t proc proc \"$0/proc\" && exec \"$@\"",
                image.rootfs().toString(),
                "python3",
                "-c",
                EXEC_AS_RUNTIME,
                image.rootfs().toString(),
                config.path("WorkingDir").asString("/"),
                config.path("User").asString(),
                Integer.toString(env.size())));
    command.addAll(env);
    command.addAll(image.entrypoint());
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true);
  }

  /**
   * Stops a process started by {@link #inImage}: {@code unshare --fork} ignores SIGTERM while it
   * waits for its child, so the program in the image gets the signal itself, then unshare ends with
   * it (and with {@code --kill-child}, takes any rest along).
   */
  private static void stop(Process process) throws InterruptedException {
    List<ProcessHandle> tree = process.descendants().toList();
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      tree.forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** What a command run to its end in the image printed, and its exit code. */
  private record Run(int exitCode, String output) {
    /** The output without the JVM's note that it applied the image's JAVA_TOOL_OPTIONS. */
    String program() {
      return output
          .lines()
          .filter(l -> !l.startsWith(JVM_NOTE))
          .map(l -> l + "\n")
          .collect(Collectors.joining());
    }
  }

  private static final String JVM_NOTE = "Picked up JAVA_TOOL_OPTIONS: ";

  private static Run runInImage(Image image, String... args) throws Exception {
    return runInImage(image, Map.of(), args);
  }

  private static Run runInImage(Image image, Map<String, String> env, String... args)
      throws Exception {
    Process p = inImage(image, env, List.of(args)).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  /**
   * The config both images share (the parent pom's Jib section): tag, non-root user, the command as
   * entrypoint with the container JVM flags, a writable working directory, labels.
   */
  private static void assertConfig(Image image, String name, String mainClass, String title)
      throws IOException {
    assertThat(image.manifest().path("RepoTags").get(0).asString())
        .isEqualTo("ghcr.io/gantry-dev/" + name + ":" + chartAppVersion());
    JsonNode config = image.config().path("config");
    assertThat(config.path("User").asString()).isEqualTo("65532:65532");
    assertThat(image.entrypoint())
        .containsExactly("/opt/java/bin/java", "-cp", "@/app/jib-classpath-file", mainClass);
    assertThat(config.path("WorkingDir").asString()).isEqualTo("/tmp");
    assertThat(config.path("Env").toString())
        .contains(
            "JAVA_HOME=/opt/java",
            "JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError");
    assertThat(config.path("Labels").path("org.opencontainers.image.title").asString())
        .isEqualTo(title);
  }

  private static String chartAppVersion() throws IOException {
    return Files.readAllLines(ROOT.resolve("deploy/helm/gantry/Chart.yaml")).stream()
        .filter(l -> l.startsWith("appVersion:"))
        .map(l -> l.substring("appVersion:".length()).strip().replace("\"", ""))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void discovererImageIsTheChartsAndRunsAsNonRoot(Testbed testbed) throws Exception {
    Image image = unpack("discoverer", testbed.directory().resolve("image-discoverer"));
    assertConfig(
        image, "gantry-discoverer", "dev.gantry.discoverer.DiscovererCommand", "gantry-discoverer");

    Run help = runInImage(image, "--help");
    assertThat(help.exitCode()).as(help.output()).isZero();
    // The JVM in the image applied the container flags.
    assertThat(help.output()).startsWith(JVM_NOTE + "-XX:MaxRAMPercentage=75");
    assertThat(help.program()).startsWith("Usage: gantry-discoverer").contains("link");

    Run version = runInImage(image, "--version");
    assertThat(version.exitCode()).as(version.output()).isZero();
    // The build's version, not a constant.
    assertThat(version.program())
        .isEqualTo("gantry-discoverer " + System.getProperty("gantry.version") + "\n");

    Run bad = runInImage(image, "--cluster-name", "East_1");
    assertThat(bad.exitCode()).as(bad.output()).isEqualTo(2);
    assertThat(bad.program()).startsWith("error: ").doesNotContain("\tat ");
  }

  /**
   * The JVM options the chart gives each component start the images' Java: an option it does not
   * know (e.g. one newer than its update) would stop every pod before its first line of log. With
   * them, the Java runtime shares the classes of its archive.
   */
  @Test
  void chartsJvmOptionsStartTheImagesJava(Testbed testbed) throws Exception {
    Image image = unpack("hub", testbed.directory().resolve("image-jvm-options"));
    JsonNode values = YAMLMapper.shared().readTree(ROOT.resolve("deploy/helm/gantry/values.yaml"));
    for (String component : List.of("hub", "discoverer")) {
      String options = values.path(component).path("jvmOptions").asString().strip();
      Run help = runInImage(image, Map.of("JAVA_TOOL_OPTIONS", options), "--help");
      assertThat(help.exitCode()).as(component + ": " + help.output()).isZero();
      assertThat(help.output()).startsWith(JVM_NOTE + options + "\n");
      assertThat(help.program()).startsWith("Usage: gantry-hub");
      // The runtime's class data sharing archive (the JDK's classes, parsed once when the image
      // was built) maps with these options: -Xshare:on refuses to start otherwise.
      Run shared =
          runInImage(image, Map.of("JAVA_TOOL_OPTIONS", options + " -Xshare:on"), "--version");
      assertThat(shared.exitCode()).as(component + ": " + shared.output()).isZero();
    }
  }

  @Test
  void hubImageServesAgainstARealHub(Testbed testbed) throws Exception {
    KubeCluster hub = testbed.cluster("hub");
    Crds.install(hub.client(), RemoteCluster.CRD_NAME, HTTPProxy.CRD_NAME, ServiceImport.CRD_NAME);
    Image image = unpack("hub", testbed.directory().resolve("image-hub"));
    assertConfig(image, "gantry-hub", "dev.gantry.hub.HubCommand", "gantry-hub");
    Run help = runInImage(image, "--help");
    assertThat(help.exitCode()).as(help.output()).isZero();
    assertThat(help.program()).startsWith("Usage: gantry-hub");
    // The credentials a Secret volume would give the pod, readable by the image's user.
    Path kubeconfig = image.rootfs().resolve("tmp/hub.kubeconfig");
    Files.copy(hub.adminKubeconfigFile(), kubeconfig);
    kubeconfig.toFile().setReadable(true, false);
    int admin = Ports.freeLoopbackPort();
    // The xDS port's certificates, made by the image's own certgen.
    Run certgen = runInImage(image, "certgen", "--output-dir=/tmp/xds", "--dns-name=localhost");
    assertThat(certgen.exitCode()).as(certgen.output()).isZero();

    Process process =
        inImage(
                image,
                List.of(
                    "--hub-kubeconfig=/tmp/hub.kubeconfig",
                    "--xds-address=127.0.0.1:" + Ports.freeLoopbackPort(),
                    "--xds-tls-cert=/tmp/xds/hub.crt",
                    "--xds-tls-key=/tmp/xds/hub.key",
                    "--xds-tls-ca=/tmp/xds/ca.crt",
                    "--admin-address=127.0.0.1:" + admin))
            .redirectOutput(testbed.directory().resolve("image-hub.log").toFile())
            .start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  http.send(
                              HttpRequest.newBuilder(
                                      URI.create("http://127.0.0.1:" + admin + "/readyz"))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString())
                          .statusCode()
                      == 200);
    } finally {
      stop(process);
    }
    assertThat(process.isAlive()).as("the hub in the image stopped").isFalse();
    // The image's own logging config, not logback's default (everything at DEBUG).
    assertThat(Files.readString(testbed.directory().resolve("image-hub.log")))
        .contains(JVM_NOTE + "-XX:MaxRAMPercentage=75", "hub up: xDS on port")
        // BoringSSL's native libraries load in the image (from their jars, into /tmp): grpc-java's
        // for the xDS port, netty-tcnative for the apiserver.
        .contains("(mutual TLS, BoringSSL)", "TLS to the hub apiserver: BoringSSL (netty-tcnative)")
        .doesNotContain(" DEBUG ", "\tat ");
  }
}
