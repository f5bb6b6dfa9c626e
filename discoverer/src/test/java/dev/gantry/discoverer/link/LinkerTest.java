package dev.gantry.discoverer.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The kubeconfig and the hub Secret that {@code link} renders, compared whole. */
class LinkerTest {
  private static final String CA = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==";
  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

  private static final Linker.LinkOptions EAST =
      new Linker.LinkOptions(
          "east", "gantry-system", Duration.ofHours(8760), "hub-system", "gantry-remote-east");

  @Test
  void kubeconfigHoldsTheServerTheCaAndTheTokenOnly() {
    String kubeconfig =
        Linker.kubeconfig(
            "east", "https://east.example.com:6443", CA, TOKEN, "gantry-discoverer@gantry-system");

    assertThat(model(kubeconfig))
        .isEqualTo(
            model(
                """
            apiVersion: v1
            kind: Config
            clusters:
            - name: east
              cluster:
                server: https://east.example.com:6443
                certificate-authority-data: %s
            users:
            - name: gantry-discoverer@gantry-system
              user:
                token: %s
            contexts:
            - name: east
              context:
                cluster: east
                user: gantry-discoverer@gantry-system
            current-context: east
            """
                    .formatted(CA, TOKEN)));
  }

  @Test
  void kubeconfigReadsBackAsATokenClientThatVerifiesTheServer() {
    Config config =
        Config.fromKubeconfig(
            Linker.kubeconfig(
                "east", "https://east.example.com:6443", CA, TOKEN, "gantry-discoverer@ns"));

    assertThat(config.getMasterUrl()).isEqualTo("https://east.example.com:6443/");
    assertThat(config.getCaCertData()).isEqualTo(CA);
    assertThat(config.getAutoOAuthToken()).isEqualTo(TOKEN);
    assertThat(config.isTrustCerts()).isFalse();
    assertThat(config.getClientCertData()).isNull();
    assertThat(config.getClientKeyData()).isNull();
    assertThat(config.getUsername()).isNull();
    assertThat(config.getPassword()).isNull();
    assertThat(config.getContexts()).hasSize(1);
  }

  @Test
  void hubSecretIsNamedLabelledAndHoldsTheKubeconfigUnderItsKey() {
    Secret secret = Linker.hubSecret(EAST, "kubeconfig-text\n");

    assertThat(secret)
        .isEqualTo(
            new SecretBuilder()
                .withNewMetadata()
                .withName("gantry-remote-east")
                .withNamespace("hub-system")
                .addToLabels("gantry.dev/cluster", "east")
                .addToLabels("app.kubernetes.io/managed-by", "gantry")
                .endMetadata()
                .withType("Opaque")
                .addToData(
                    "kubeconfig",
                    Base64.getEncoder()
                        .encodeToString("kubeconfig-text\n".getBytes(StandardCharsets.UTF_8)))
                .build());
  }

  @Test
  void hubSecretYamlReadsBackToTheSameSecret() {
    Secret secret = Linker.hubSecret(EAST, "kubeconfig-text\n");

    String yaml = Serialization.asYaml(secret);

    assertThat(yaml).contains("kind: \"Secret\"").contains("apiVersion: \"v1\"");
    assertThat(Serialization.unmarshal(yaml, Secret.class)).isEqualTo(secret);
  }

  /** fabric8's kubeconfig model of {@code yaml}: equal models are equal kubeconfigs. */
  private static io.fabric8.kubernetes.api.model.Config model(String yaml) {
    return Serialization.unmarshal(yaml, io.fabric8.kubernetes.api.model.Config.class);
  }
}
