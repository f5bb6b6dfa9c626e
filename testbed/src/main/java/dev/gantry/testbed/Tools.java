package dev.gantry.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Paths of the test-bed binaries (kube-apiserver, kubectl, etcd, Envoy, helm, and beside them
 * helm-docs, Contour's CRDs, the MCS API's ServiceImport CRD, Gateway API's CRDs and a gRPC-Go xDS
 * client).
 *
 * <p>{@code scripts/provision} builds them into a cache outside the repository and is the one place
 * that knows versions and paths: a path comes from the environment ({@code GANTRY_KUBE_APISERVER},
 * {@code GANTRY_ETCD}, ...) when set, otherwise from {@code scripts/provision --print}.
 */
public record Tools(Path kubeApiServer, Path kubectl, Path etcd, Path envoy, Path helm) {

  /** Resolves the tools for this machine; fails with the command that provisions them. */
  public static Tools resolve() {
    Map<String, String> printed = new LinkedHashMap<>();
    if (System.getenv("GANTRY_KUBE_APISERVER") == null) {
      printed.putAll(parse(runProvisionPrint()));
    }
    return new Tools(
        path("KUBE_APISERVER", printed),
        path("KUBECTL", printed),
        path("ETCD", printed),
        path("ENVOY", printed),
        path("HELM", printed));
  }

  /**
   * Contour's own CRDs of the release {@code scripts/provision} names (its {@code
   * examples/contour/01-crds.yaml}), for tests of the hub beside Contour.
   */
  public static Path contourCrds() {
    Map<String, String> printed = new LinkedHashMap<>();
    if (System.getenv("GANTRY_CONTOUR_CRDS") == null) {
      printed.putAll(parse(runProvisionPrint()));
    }
    Path crds = path("CONTOUR_CRDS", printed);
    if (!Files.isRegularFile(crds)) {
      throw new IllegalStateException(
          crds + " is missing: run scripts/provision (it fetches Contour's CRDs)");
    }
    return crds;
  }

  /**
   * The Multi-Cluster Services API's ServiceImport CRD of the release {@code scripts/provision}
   * names (its module's {@code config/crd/multicluster.x-k8s.io_serviceimports.yaml}): the one the
   * test bed installs and the chart vendors, so that other MCS tools read the objects Gantry
   * writes.
   */
  public static Path mcsServiceImportCrd() {
    Map<String, String> printed = new LinkedHashMap<>();
    if (System.getenv("GANTRY_MCS_SERVICEIMPORT_CRD") == null) {
      printed.putAll(parse(runProvisionPrint()));
    }
    Path crd = path("MCS_SERVICEIMPORT_CRD", printed);
    if (!Files.isRegularFile(crd)) {
      throw new IllegalStateException(
          crd + " is missing: run scripts/provision (it fetches the MCS API's CRDs)");
    }
    return crd;
  }

  /**
   * The directory of Gateway API's standard-channel CRDs of the release {@code scripts/provision}
   * names ({@code config/crd/standard} of the {@code sigs.k8s.io/gateway-api} module): one YAML
   * file per CRD, and the {@code ValidatingAdmissionPolicy} that guards upgrades.
   */
  public static Path gatewayApiCrds() {
    Map<String, String> printed = new LinkedHashMap<>();
    if (System.getenv("GANTRY_GATEWAY_API_CRDS") == null) {
      printed.putAll(parse(runProvisionPrint()));
    }
    Path crds = path("GATEWAY_API_CRDS", printed);
    if (!Files.isRegularFile(crds.resolve("gateway.networking.k8s.io_httproutes.yaml"))) {
      throw new IllegalStateException(
          crds + " is missing: run scripts/provision (it fetches Gateway API's CRDs)");
    }
    return crds;
  }

  /**
   * The proxyless gRPC-Go client {@code scripts/provision} builds ({@code
   * testbed/src/main/go/xds-who}): it reaches an xDS server over mutual TLS from its bootstrap.
   */
  public static Path xdsWhoClient() {
    Map<String, String> printed = new LinkedHashMap<>();
    if (System.getenv("GANTRY_XDS_WHO") == null) {
      printed.putAll(parse(runProvisionPrint()));
    }
    return require(path("XDS_WHO", printed));
  }

  /**
   * helm-docs, which writes the chart's README from its values ({@code scripts/chart-docs} runs it
   * with the flags that matter).
   */
  public static Path helmDocs() {
    return provisioned("HELM_DOCS");
  }

  /**
   * Prometheus and promtool as {@code scripts/provision} builds them from their Go module, for
   * checking the chart's dashboard queries and alert rules against scraped processes.
   */
  public static Path prometheus() {
    return provisioned("PROMETHEUS");
  }

  /** {@code promtool}, built with {@link #prometheus()}. */
  public static Path promtool() {
    return provisioned("PROMTOOL");
  }

  private static Path provisioned(String key) {
    Map<String, String> printed = new LinkedHashMap<>();
    if (System.getenv("GANTRY_" + key) == null) {
      printed.putAll(parse(runProvisionPrint()));
    }
    return require(path(key, printed));
  }

  /** Parses {@code KEY=value} lines as {@code scripts/provision --print} writes them. */
  static Map<String, String> parse(String output) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    return values;
  }

  /** Returns {@code tool} after checking it was provisioned. */
  public static Path require(Path tool) {
    if (!Files.isExecutable(tool)) {
      throw new IllegalStateException(
          tool
              + " is missing: run scripts/provision (it builds the test bed into ~/.cache/gantry)");
    }
    return tool;
  }

  private static Path path(String key, Map<String, String> printed) {
    String value = Optional.ofNullable(System.getenv("GANTRY_" + key)).orElse(printed.get(key));
    if (value == null) {
      throw new IllegalStateException("scripts/provision --print did not name " + key);
    }
    return Path.of(value);
  }

  private static String runProvisionPrint() {
    Path script = repositoryRoot().resolve("scripts/provision");
    try {
      Process process =
          new ProcessBuilder(script.toString(), "--print").redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException(script + " --print failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + script, e);
    }
  }

  /** The nearest directory at or above the working directory that holds scripts/provision. */
  public static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("scripts/provision"))) {
        return d;
      }
    }
    throw new IllegalStateException(
        "no scripts/provision at or above " + dir + "; run from the Gantry repository");
  }
}
