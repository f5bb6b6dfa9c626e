package dev.gantry.api.federation;

import java.util.Objects;

/** A Service's namespace and name, in the hub or in a remote cluster. */
public record ServiceName(String namespace, String name) implements Comparable<ServiceName> {
  public ServiceName {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  public static ServiceName of(String namespace, String name) {
    return new ServiceName(namespace, name);
  }

  @Override
  public int compareTo(ServiceName o) {
    int c = namespace.compareTo(o.namespace);
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
