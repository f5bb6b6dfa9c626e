package dev.gantry.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import java.util.List;
import org.junit.jupiter.api.Test;

class KubeconfigTest {

  @Test
  void clientCertificateKubeconfigIsReadByFabric8() {
    Pki pki = Pki.newAuthority("east");
    Pki.Issued admin = pki.clientCertificate("admin", List.of("system:masters"));
    String yaml =
        Kubeconfig.withClientCertificate(
            "east",
            "https://127.0.0.1:6443",
            admin.caPem(),
            admin.certificatePem(),
            admin.privateKeyPem(),
            "admin");

    Config config = Config.fromKubeconfig(yaml);
    assertThat(config.getMasterUrl()).startsWith("https://127.0.0.1:6443");
    assertThat(config.getCaCertData()).isNotBlank();
    assertThat(config.getClientCertData()).isNotBlank();
    assertThat(config.getClientKeyData()).isNotBlank();
    assertThat(config.getCurrentContext().getName()).isEqualTo("admin@east");
  }

  @Test
  void tokenKubeconfigIsReadByFabric8() {
    Pki pki = Pki.newAuthority("west");
    String yaml =
        Kubeconfig.withToken(
            "west", "https://127.0.0.1:7443", Pki.pem(pki.caCertificate()), "abc.def", "sa");

    Config config = Config.fromKubeconfig(yaml);
    assertThat(config.getAutoOAuthToken()).isEqualTo("abc.def");
    assertThat(config.getMasterUrl()).startsWith("https://127.0.0.1:7443");
    assertThat(config.getCaCertData()).isNotBlank();
    assertThat(config.getClientCertData()).isNull();
    assertThat(config.getCurrentContext().getName()).isEqualTo("sa@west");
    assertThat(config.getCurrentContext().getContext().getCluster()).isEqualTo("west");
    assertThat(config.getCurrentContext().getContext().getUser()).isEqualTo("sa");
  }
}
