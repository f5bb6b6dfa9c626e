package dev.gantry.runtime.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer store that drops each object's {@code metadata.managedFields} as it enters. Gantry
 * never reads them, and they are a large share of what an informer holds: every field an apply or
 * update set, as a tree of maps per manager (at 3,000 Services and EndpointSlices in the hub, a
 * third of its live heap). Handlers see the object without them too. Writing an object back is
 * unaffected: an update without {@code managedFields} leaves the server's as they are.
 */
public class LeanItemStore<T extends HasMetadata> extends BasicItemStore<T> {
  public LeanItemStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public T put(String key, T object) {
    return super.put(key, lean(object));
  }

  /** {@code object} without its managed fields (changed in place), for stores of other kinds. */
  public static <T extends HasMetadata> T lean(T object) {
    if (object != null && object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
    return object;
  }
}
