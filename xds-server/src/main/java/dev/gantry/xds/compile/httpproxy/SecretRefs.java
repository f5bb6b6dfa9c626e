package dev.gantry.xds.compile.httpproxy;

/**
 * The Secrets an HTTPProxy's TLS names ({@code name} or {@code namespace/name}). Contour lets a
 * proxy use another namespace's Secret only through a TLSCertificateDelegation, which Gantry does
 * not implement: a proxy reaches the Secrets of its own namespace only.
 */
final class SecretRefs {
  private SecretRefs() {}

  /** The {@code namespace/name} of the Secret {@code written}; null when in another namespace. */
  static String key(String written, String namespace) {
    int slash = written.indexOf('/');
    if (slash < 0) {
      return namespace + "/" + written;
    }
    return written.substring(0, slash).equals(namespace) ? written : null;
  }

  /** What Contour's "delegation not permitted" message lacks: how to fix it here. */
  static String ownNamespaceOnly(String namespace) {
    return ": the Secret must be in the HTTPProxy's namespace \"" + namespace + "\"";
  }

  static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
