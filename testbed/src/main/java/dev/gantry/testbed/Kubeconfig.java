package dev.gantry.testbed;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Renders kubeconfig files with embedded credentials and opens clients from them. */
public final class Kubeconfig {
  private Kubeconfig() {}

  /** A kubeconfig that authenticates with a client certificate. */
  public static String withClientCertificate(
      String cluster, String server, String caPem, String certPem, String keyPem, String user) {
    return render(
        cluster,
        server,
        caPem,
        user,
        "    client-certificate-data: "
            + b64(certPem)
            + "\n    client-key-data: "
            + b64(keyPem)
            + "\n");
  }

  /** A kubeconfig that authenticates with a bearer token. */
  public static String withToken(
      String cluster, String server, String caPem, String token, String user) {
    return render(cluster, server, caPem, user, "    token: " + token + "\n");
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

  private static String render(
      String cluster, String server, String caPem, String user, String credentials) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
            certificate-authority-data: %3$s
        users:
        - name: %4$s
          user:
        %5$s\
        contexts:
        - name: %4$s@%1$s
          context:
            cluster: %1$s
            user: %4$s
        current-context: %4$s@%1$s
        """
        .formatted(cluster, server, b64(caPem), user, credentials);
  }

  private static String b64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
  }
}
