package dev.gantry.xds.compile.httpproxy;

/**
 * The Secrets an HTTPProxy's TLS names ({@code name} or {@code namespace/name}); whether another
 * namespace's may be used is {@link dev.gantry.xds.compile.Delegations}'s to say.
 */
final class SecretRefs {
  private SecretRefs() {}

  static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
