package dev.gantry.discoverer.mirror;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** One write the reconciler must make in the hub: the verb and the object to send. */
public record HubWrite(Verb verb, HasMetadata object) {
  /** Kubernetes verbs the discoverer uses on mirrors. */
  public enum Verb {
    CREATE,
    UPDATE,
    DELETE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public String kind() {
    return object.getKind();
  }

  public String key() {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }

  @Override
  public String toString() {
    return verb.label() + " " + kind() + " " + key();
  }
}
