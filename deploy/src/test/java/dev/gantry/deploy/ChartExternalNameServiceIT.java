package dev.gantry.deploy;

import static dev.gantry.deploy.Charts.render;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hub.enableExternalNameService}: off by default (no route reaches an ExternalName Service),
 * on gives the hub {@code --enable-external-name-service}, and the schema takes only a boolean;
 * {@code hub.externalNameDnsLookupFamily} ({@code auto} by default) is the hub's {@code
 * --external-name-dns-lookup-family}, one of Contour's four values.
 */
class ChartExternalNameServiceIT {
  private static final String NS = "gantry-system";

  @TempDir Path dir;

  @Test
  void offByDefault() throws Exception {
    assertThat(render("d", NS, null)).doesNotContain("--enable-external-name-service");
  }

  @Test
  void onGivesTheHubTheFlag() throws Exception {
    Path values =
        Files.writeString(dir.resolve("on.yaml"), "hub: {enableExternalNameService: true}\n");

    assertThat(render("on", NS, values)).contains("\n        - --enable-external-name-service\n");
  }

  @Test
  void theDnsLookupFamilyIsAutoByDefaultAndPassedOn() throws Exception {
    assertThat(render("d", NS, null))
        .contains("\n        - --external-name-dns-lookup-family=auto\n");
    Path values =
        Files.writeString(dir.resolve("v4.yaml"), "hub: {externalNameDnsLookupFamily: v4}\n");

    assertThat(render("v4", NS, values))
        .contains("\n        - --external-name-dns-lookup-family=v4\n");
  }

  @Test
  void theClusterDomainIsKubernetesDefaultAndPassedOnAndANameThatIsNoDomainIsRefused()
      throws Exception {
    assertThat(render("d", NS, null)).contains("\n        - --cluster-domain=cluster.local\n");
    Path values = Files.writeString(dir.resolve("domain.yaml"), "hub: {clusterDomain: hub.test}\n");
    assertThat(render("domain", NS, values)).contains("\n        - --cluster-domain=hub.test\n");

    Path bad = Files.writeString(dir.resolve("bad.yaml"), "hub: {clusterDomain: \"x --oops\"}\n");
    Charts.Helm helm =
        Charts.helm("template", "b", Charts.CHART.toString(), "-n", NS, "-f", bad.toString());
    assertThat(helm.exitCode()).isNotZero();
    assertThat(helm.output()).contains("/hub/clusterDomain");
  }

  @Test
  void aDnsLookupFamilyContourDoesNotKnowIsRefusedByTheSchema() throws Exception {
    Path values =
        Files.writeString(dir.resolve("v5.yaml"), "hub: {externalNameDnsLookupFamily: v5}\n");

    Charts.Helm helm =
        Charts.helm("template", "b", Charts.CHART.toString(), "-n", NS, "-f", values.toString());

    assertThat(helm.exitCode()).isNotZero();
    assertThat(helm.output()).contains("/hub/externalNameDnsLookupFamily");
  }

  @Test
  void aValueThatIsNotABooleanIsRefusedByTheSchema() throws Exception {
    Path values =
        Files.writeString(dir.resolve("bad.yaml"), "hub: {enableExternalNameService: \"yes\"}\n");

    Charts.Helm helm =
        Charts.helm("template", "b", Charts.CHART.toString(), "-n", NS, "-f", values.toString());

    assertThat(helm.exitCode()).isNotZero();
    assertThat(helm.output()).contains("/hub/enableExternalNameService");
  }
}
