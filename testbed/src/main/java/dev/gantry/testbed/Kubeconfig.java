package dev.gantry.testbed;

import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedAuthInfoBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Renders kubeconfig files with embedded credentials (fabric8's kubeconfig model, as YAML) and
 * opens clients from them. The user is named {@code user}, the context {@code user@cluster}.
 */
public final class Kubeconfig {
  private Kubeconfig() {}

  /** A kubeconfig that authenticates with a client certificate. */
  public static String withClientCertificate(
      String cluster, String server, String caPem, String certPem, String keyPem, String user) {
    return render(
        cluster,
        server,
        caPem,
        new NamedAuthInfoBuilder()
            .withName(user)
            .withNewUser()
            .withClientCertificateData(b64(certPem))
            .withClientKeyData(b64(keyPem))
            .endUser()
            .build());
  }

  /** A kubeconfig that authenticates with a bearer token. */
  public static String withToken(
      String cluster, String server, String caPem, String token, String user) {
    return render(
        cluster,
        server,
        caPem,
        new NamedAuthInfoBuilder().withName(user).withNewUser().withToken(token).endUser().build());
  }

  /** A client for a kubeconfig, with short timeouts so tests fail fast on a stopped apiserver. */
  public static KubernetesClient client(String kubeconfig) {
    Config config = Config.fromKubeconfig(kubeconfig);
    config.setConnectionTimeout(5_000);
    config.setRequestTimeout(15_000);
    // Tests stop apiservers on purpose; a call against a stopped one should fail, not back off.
    config.setRequestRetryBackoffLimit(1);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static String render(String cluster, String server, String caPem, NamedAuthInfo user) {
    String context = user.getName() + "@" + cluster;
    return Serialization.asYaml(
        new ConfigBuilder()
            .withApiVersion("v1")
            .withKind("Config")
            .addNewCluster()
            .withName(cluster)
            .withNewCluster()
            .withServer(server)
            .withCertificateAuthorityData(b64(caPem))
            .endCluster()
            .endCluster()
            .addToUsers(user)
            .addNewContext()
            .withName(context)
            .withNewContext()
            .withCluster(cluster)
            .withUser(user.getName())
            .endContext()
            .endContext()
            .withCurrentContext(context)
            .build());
  }

  private static String b64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
  }
}
