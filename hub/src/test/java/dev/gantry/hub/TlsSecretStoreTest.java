package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TlsSecretStoreTest {
  private static Secret secret(String type, Map<String, String> data) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace("demo")
        .withName("s")
        .endMetadata()
        .withType(type)
        .withData(data)
        .build();
  }

  @Test
  void keepsTlsSecretsWholeAndOfOthersOnlyTheirCaAndCrl() {
    TlsSecretStore store = new TlsSecretStore();

    store.put(
        "demo/tls", secret("kubernetes.io/tls", Map.of("tls.crt", "Yw==", "tls.key", "aw==")));
    store.put(
        "demo/token",
        secret(
            "kubernetes.io/service-account-token",
            Map.of("token", "dA==", "ca.crt", "Y2E=", "namespace", "bg==")));
    store.put("demo/opaque", secret("Opaque", Map.of("password", "cA==", "crl.pem", "Y3Js")));
    store.put("demo/helm", secret("helm.sh/release.v1", Map.of("release", "cg==")));

    assertThat(store.get("demo/tls").getData()).containsOnlyKeys("tls.crt", "tls.key");
    assertThat(store.get("demo/token").getData()).isEqualTo(Map.of("ca.crt", "Y2E="));
    assertThat(store.get("demo/opaque").getData()).isEqualTo(Map.of("crl.pem", "Y3Js"));
    assertThat(store.get("demo/helm").getData()).isNull();
    assertThat(store.get("demo/helm").getType()).isEqualTo("helm.sh/release.v1");
  }
}
