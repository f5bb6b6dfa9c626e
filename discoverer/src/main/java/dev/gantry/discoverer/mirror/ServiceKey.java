package dev.gantry.discoverer.mirror;

import java.util.Objects;

/** A remote Service's namespace and name: the unit of work of the discoverer. */
public record ServiceKey(String namespace, String name) implements Comparable<ServiceKey> {
  public ServiceKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  public static ServiceKey of(String namespace, String name) {
    return new ServiceKey(namespace, name);
  }

  @Override
  public int compareTo(ServiceKey other) {
    int byNamespace = namespace.compareTo(other.namespace);
    return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
