package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testbed.Crds;
import dev.gantry.testbed.Tools;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real helm on the chart and applies what it renders to a real apiserver. */
final class Charts {
  static final Path CHART = Tools.repositoryRoot().resolve("deploy/helm/gantry");

  private Charts() {}

  record Helm(int exitCode, String output) {}

  static Helm helm(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(Tools.require(Tools.resolve().helm()).toString()));
    command.addAll(List.of(args));
    if (args.length > 0 && args[0].equals("template")) {
      // Without a cluster helm assumes Kubernetes 1.20, below the chart's kubeVersion; the test
      // bed's apiservers are 1.34.
      command.addAll(List.of("--kube-version", "1.34.0"));
    }
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Helm(p.exitValue(), out);
  }

  /** {@code helm template}, which must succeed; {@code values} may be null (the defaults). */
  static String render(String release, String namespace, Path values) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("template", release, CHART.toString(), "-n", namespace));
    if (values != null) {
      args.addAll(List.of("-f", values.toString()));
    }
    Helm h = helm(args.toArray(String[]::new));
    assertThat(h.exitCode()).as(h.output()).isZero();
    return h.output();
  }

  static List<HasMetadata> objects(KubernetesClient client, String manifests) {
    return client
        .load(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8)))
        .items();
  }

  /** Applies every object of a rendering, CRDs first; the apiserver validates each. */
  static void apply(KubernetesClient client, String manifests) {
    List<HasMetadata> objects = objects(client, manifests);
    for (HasMetadata o : objects) {
      if (o instanceof CustomResourceDefinition crd) {
        if (client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(crd.getMetadata().getName())
                .get()
            == null) {
          client.resource(crd).create();
        }
        Crds.install(client, crd.getMetadata().getName()); // waits until established
      }
    }
    for (HasMetadata o : objects) {
      if (!(o instanceof CustomResourceDefinition)) {
        client.resource(o).forceConflicts().serverSideApply();
      }
    }
  }
}
