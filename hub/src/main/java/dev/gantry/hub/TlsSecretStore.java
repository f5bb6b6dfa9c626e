package dev.gantry.hub;

import dev.gantry.runtime.informer.LeanItemStore;
import dev.gantry.xds.tls.TlsSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Secret informer's store: keeps the data of {@code kubernetes.io/tls} Secrets, and of every
 * other Secret only the public keys an HTTPProxy may name ({@code ca.crt}, {@code crl.pem}), so the
 * hub holds no service account tokens or Helm releases in memory, yet can still say that a Secret
 * an HTTPProxy names has the wrong type.
 */
final class TlsSecretStore extends LeanItemStore<Secret> {
  @Override
  public Secret put(String key, Secret secret) {
    if (TlsSecrets.TYPE.equals(secret.getType())) {
      return super.put(key, secret);
    }
    Map<String, String> kept = new HashMap<>();
    if (secret.getData() != null) {
      for (String publicKey : List.of(TlsSecrets.CA_KEY, TlsSecrets.CRL_KEY)) {
        String value = secret.getData().get(publicKey);
        if (value != null) {
          kept.put(publicKey, value);
        }
      }
    }
    return super.put(
        key,
        new SecretBuilder(secret)
            .withData(kept.isEmpty() ? null : kept)
            .withStringData(null)
            .build());
  }
}
