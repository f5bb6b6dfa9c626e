package dev.gantry.hub;

import dev.gantry.runtime.informer.LeanItemStore;
import dev.gantry.xds.tls.TlsSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * The Secret informer's store: keeps the data of {@code kubernetes.io/tls} Secrets only. Every
 * other Secret is kept without its data, so the hub holds no service account tokens or Helm
 * releases in memory, yet can still say that a Secret an HTTPProxy names has the wrong type.
 */
final class TlsSecretStore extends LeanItemStore<Secret> {
  @Override
  public Secret put(String key, Secret secret) {
    if (TlsSecrets.TYPE.equals(secret.getType())) {
      return super.put(key, secret);
    }
    return super.put(key, new SecretBuilder(secret).withData(null).withStringData(null).build());
  }
}
