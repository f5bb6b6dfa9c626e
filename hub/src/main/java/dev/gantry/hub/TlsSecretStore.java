package dev.gantry.hub;

import dev.gantry.xds.tls.TlsSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * The Secret informer's store: keeps the data of {@code kubernetes.io/tls} Secrets only. Every
 * other Secret is kept without its data, so the hub holds no service account tokens or Helm
 * releases in memory, yet can still say that a Secret an HTTPProxy names has the wrong type.
 */
final class TlsSecretStore extends BasicItemStore<Secret> {
  TlsSecretStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public Secret put(String key, Secret secret) {
    if (TlsSecrets.TYPE.equals(secret.getType())) {
      return super.put(key, secret);
    }
    return super.put(key, new SecretBuilder(secret).withData(null).withStringData(null).build());
  }
}
