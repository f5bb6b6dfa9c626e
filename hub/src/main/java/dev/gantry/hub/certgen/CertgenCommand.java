package dev.gantry.hub.certgen;

import dev.gantry.runtime.cli.Commands;
import dev.gantry.runtime.kube.KubeClients;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gantry-hub certgen}: the xDS port's CA, the hub's serving pair and the Envoys' client
 * pair, as Kubernetes Secrets (what the chart mounts) or as files. Existing ones are kept unless
 * {@code --overwrite}: run at every install or upgrade, it makes them once.
 */
@Command(
    name = "certgen",
    mixinStandardHelpOptions = true,
    description = {
      "Makes the xDS port's mutual TLS material: a CA, the hub's serving pair and the Envoys'"
          + " client pair.",
      "",
      "Examples:",
      "  gantry certgen --secrets --namespace gantry-system --name gantry",
      "  gantry certgen --output-dir ./xds-tls --namespace gantry-system"
    })
public final class CertgenCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--secrets",
      description =
          "Write Secrets <name>-xds-hub and <name>-xds-envoy (kubernetes.io/tls, with ca.crt) in"
              + " --namespace of the hub.")
  boolean secrets;

  @Option(
      names = "--output-dir",
      description =
          "Write hub.crt, hub.key, envoy.crt, envoy.key and ca.crt into this directory (keys"
              + " readable by the owner only).")
  Path outputDir;

  @Option(
      names = "--namespace",
      defaultValue = "gantry-system",
      description = "Namespace of the hub and its Secrets (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(
      names = "--name",
      defaultValue = "gantry",
      description =
          "Name the Secrets and the subjects start with, the chart's release name (default:"
              + " ${DEFAULT-VALUE}).")
  String name;

  @Option(
      names = "--dns-name",
      description =
          "A name Envoys reach the hub's xDS port by; repeat for more (default: <name>-hub,"
              + " <name>-hub.<namespace>, <name>-hub.<namespace>.svc,"
              + " <name>-hub.<namespace>.svc.cluster.local).")
  List<String> dnsNames = new ArrayList<>();

  @Option(
      names = "--validity-days",
      defaultValue = "365",
      description = "How long the certificates are valid (default: ${DEFAULT-VALUE}).")
  int validityDays;

  @Option(
      names = "--overwrite",
      description = "Replace Secrets or files that exist (default: keep them).")
  boolean overwrite;

  @Option(
      names = "--hub-kubeconfig",
      description =
          "Kubeconfig of the hub, for --secrets (default: " + Commands.AUTO_KUBECONFIG + ").")
  Path hubKubeconfig;

  @Override
  public Integer call() throws IOException {
    if (!secrets && outputDir == null) {
      throw new IllegalArgumentException("say where: --secrets, --output-dir or both");
    }
    if (validityDays < 1) {
      throw new IllegalArgumentException("--validity-days must be at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    XdsCertificates.Bundle bundle =
        XdsCertificates.issue(name, hubDnsNames(), Duration.ofDays(validityDays));
    if (outputDir != null) {
      out.println(writeFiles(bundle));
    }
    if (secrets) {
      try (KubernetesClient hub = KubeClients.of(hubConfig())) {
        out.println(writeSecrets(hub, bundle));
      }
    }
    out.flush();
    return 0;
  }

  List<String> hubDnsNames() {
    if (!dnsNames.isEmpty()) {
      return dnsNames;
    }
    String service = name + "-hub";
    return List.of(
        service,
        service + "." + namespace,
        service + "." + namespace + ".svc",
        service + "." + namespace + ".svc.cluster.local");
  }

  private Config hubConfig() throws IOException {
    return hubKubeconfig == null
        ? Config.autoConfigure(null)
        : Config.fromKubeconfig(Files.readString(hubKubeconfig));
  }

  private String writeFiles(XdsCertificates.Bundle bundle) throws IOException {
    Files.createDirectories(outputDir);
    Map<String, String> files =
        Map.of(
            "ca.crt", bundle.hub().caPem(),
            "hub.crt", bundle.hub().certificatePem(),
            "hub.key", bundle.hub().keyPem(),
            "envoy.crt", bundle.envoy().certificatePem(),
            "envoy.key", bundle.envoy().keyPem());
    if (!overwrite && files.keySet().stream().anyMatch(f -> Files.exists(outputDir.resolve(f)))) {
      return "kept the files in " + outputDir + " (--overwrite replaces them)";
    }
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path path = outputDir.resolve(f.getKey());
      Files.writeString(path, f.getValue(), StandardCharsets.US_ASCII);
      if (f.getKey().endsWith(".key")) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      }
    }
    return "wrote ca.crt, hub.crt, hub.key, envoy.crt, envoy.key to " + outputDir;
  }

  private String writeSecrets(KubernetesClient hub, XdsCertificates.Bundle bundle) {
    String hubSecret = name + "-xds-hub";
    String envoySecret = name + "-xds-envoy";
    var inNamespace = hub.secrets().inNamespace(namespace);
    if (!overwrite
        && inNamespace.withName(hubSecret).get() != null
        && inNamespace.withName(envoySecret).get() != null) {
      return "kept Secrets %s/%s and %s/%s (--overwrite replaces them)"
          .formatted(namespace, hubSecret, namespace, envoySecret);
    }
    inNamespace
        .resource(secret(hubSecret, "hub", bundle.hub()))
        .fieldManager("gantry-certgen")
        .forceConflicts()
        .serverSideApply();
    inNamespace
        .resource(secret(envoySecret, "envoy", bundle.envoy()))
        .fieldManager("gantry-certgen")
        .forceConflicts()
        .serverSideApply();
    return "wrote Secrets %s/%s and %s/%s".formatted(namespace, hubSecret, namespace, envoySecret);
  }

  private Secret secret(String secretName, String component, XdsCertificates.Pair pair) {
    Base64.Encoder b64 = Base64.getEncoder();
    return new SecretBuilder()
        .withNewMetadata()
        .withName(secretName)
        .withNamespace(namespace)
        .addToLabels("app.kubernetes.io/name", "gantry")
        .addToLabels("app.kubernetes.io/component", component)
        .addToLabels("app.kubernetes.io/managed-by", "gantry-certgen")
        .endMetadata()
        .withType("kubernetes.io/tls")
        .addToData(
            "tls.crt",
            b64.encodeToString(pair.certificatePem().getBytes(StandardCharsets.US_ASCII)))
        .addToData("tls.key", b64.encodeToString(pair.keyPem().getBytes(StandardCharsets.US_ASCII)))
        .addToData("ca.crt", b64.encodeToString(pair.caPem().getBytes(StandardCharsets.US_ASCII)))
        .build();
  }
}
