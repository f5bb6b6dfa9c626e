package dev.gantry.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * Contour's Service annotations {@code projectcontour.io/upstream-protocol.{h2,h2c,tls}}: each
 * names, comma-separated, the ports (by name or number) that speak that protocol. A discoverer
 * copies them onto a Service's mirror; the hub reads them per port.
 */
public final class UpstreamProtocolAnnotations {
  /** The annotations' common prefix; the protocol follows it. */
  public static final String PREFIX = "projectcontour.io/upstream-protocol.";

  private static final String[] PROTOCOLS = {"h2", "h2c", "tls"};

  private UpstreamProtocolAnnotations() {}

  /** The upstream-protocol annotations among {@code annotations} (null: none), sorted by key. */
  public static Map<String, String> of(Map<String, String> annotations) {
    Map<String, String> found = new TreeMap<>();
    if (annotations != null) {
      annotations.forEach(
          (k, v) -> {
            if (k.startsWith(PREFIX)) {
              found.put(k, v);
            }
          });
    }
    return found;
  }

  /**
   * The protocol the annotations give a port, by its name first, then its number, as Contour reads
   * them (a port named in two annotations gets the last of h2, h2c, tls); null when none does.
   */
  public static String protocol(Map<String, String> annotations, String portName, int port) {
    if (annotations == null) {
      return null;
    }
    String byName = null;
    String byNumber = null;
    for (String protocol : PROTOCOLS) {
      String ports = annotations.get(PREFIX + protocol);
      if (ports == null) {
        continue;
      }
      for (String entry : ports.split(",")) {
        String p = entry.strip();
        if (!p.isEmpty() && portName != null && p.equals(portName)) {
          byName = protocol;
        }
        if (p.equals(Integer.toString(port))) {
          byNumber = protocol;
        }
      }
    }
    return byName != null ? byName : byNumber;
  }
}
