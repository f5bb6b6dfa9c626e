package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testbed.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart carries the CRDs exactly as the build generates them from the Java model, the MCS API's
 * ServiceImport CRD exactly as its release publishes it, and Gateway API's exactly as the module
 * the test bed fetches has them.
 */
class ChartCrdsTest {
  private static final Path GATEWAY_API =
      Tools.repositoryRoot().resolve("deploy/helm/gantry/files/gateway-api");

  @Test
  void chartVendorsEveryStandardGatewayApiCrdOfTheModule() throws IOException {
    assertThat(crdFiles(GATEWAY_API))
        .as("run scripts/sync-crds")
        .isEqualTo(crdFiles(Tools.gatewayApiCrds()))
        .contains(
            "gateway.networking.k8s.io_gatewayclasses.yaml",
            "gateway.networking.k8s.io_gateways.yaml",
            "gateway.networking.k8s.io_httproutes.yaml",
            "gateway.networking.k8s.io_grpcroutes.yaml",
            "gateway.networking.k8s.io_referencegrants.yaml");
  }

  @Test
  void chartCopiesOfGatewayApiCrdsAreTheModulesByteForByte() throws IOException {
    for (String file : crdFiles(Tools.gatewayApiCrds())) {
      assertThat(Files.readAllBytes(GATEWAY_API.resolve(file)))
          .as("%s differs from the module's: run scripts/sync-crds", file)
          .isEqualTo(Files.readAllBytes(Tools.gatewayApiCrds().resolve(file)));
    }
  }

  /** The CRD files of a directory (the module's admission policy is not a CRD). */
  private static List<String> crdFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".yaml") && !f.contains("_vap_"))
          .sorted()
          .toList();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "remoteclusters.gantry.dev-v1.yml",
        "httpproxies.projectcontour.io-v1.yml",
        "tlscertificatedelegations.projectcontour.io-v1.yml",
        "extensionservices.projectcontour.io-v1.yml"
      })
  void chartCopyIsTheGeneratedCrd(String file) throws IOException {
    String generated;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/fabric8/" + file)) {
      assertThat(in).as("generated %s on the test classpath", file).isNotNull();
      generated = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path copy = Tools.repositoryRoot().resolve("deploy/helm/gantry/files/crds").resolve(file);

    assertThat(Files.readString(copy))
        .as("%s differs from the generated CRD: run scripts/sync-crds", copy)
        .isEqualTo(generated);
  }

  @Test
  void chartCopyOfTheServiceImportCrdIsTheMcsApisOwn() throws IOException {
    Path upstream = Tools.mcsServiceImportCrd();
    Path copy =
        Tools.repositoryRoot()
            .resolve("deploy/helm/gantry/files/crds")
            .resolve(upstream.getFileName());

    assertThat(Files.readAllBytes(copy))
        .as("%s differs from %s: run scripts/sync-crds", copy, upstream)
        .isEqualTo(Files.readAllBytes(upstream));
  }

  @Test
  void noServiceImportCrdIsGeneratedFromTheModel() {
    assertThat(
            getClass().getResource("/META-INF/fabric8/serviceimports.multicluster.x-k8s.io-v1.yml"))
        .as("the ServiceImport CRD is the MCS API's own")
        .isNull();
    assertThat(
            Tools.repositoryRoot()
                .resolve(
                    "deploy/helm/gantry/files/crds/serviceimports.multicluster.x-k8s.io-v1.yml"))
        .doesNotExist();
  }
}
