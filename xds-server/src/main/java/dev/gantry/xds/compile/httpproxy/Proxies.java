package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;

/** How the compile steps name an HTTPProxy and tell a root from an included one. */
final class Proxies {
  private Proxies() {}

  /** {@code namespace/name}, as includes and verdicts name a proxy. */
  static String key(HTTPProxy p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  /** The virtual host's fqdn as written, or null for a proxy that is not a root. */
  static String fqdn(HTTPProxy p) {
    HTTPProxySpec spec = p.getSpec();
    return spec == null || spec.getVirtualhost() == null ? null : spec.getVirtualhost().getFqdn();
  }
}
