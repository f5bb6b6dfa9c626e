package dev.gantry.api.federation;

/**
 * One port of a Service: name (may be empty for a single unnamed port), number, protocol, its
 * {@code appProtocol}, and the protocol Contour's {@code projectcontour.io/upstream-protocol.*}
 * annotations of the Service give it ({@code h2}, {@code h2c}, {@code tls}; null for none).
 */
public record ServicePortSpec(
    String name, int port, String protocol, String appProtocol, String annotatedProtocol)
    implements Comparable<ServicePortSpec> {
  /** A port without an upstream-protocol annotation. */
  public ServicePortSpec(String name, int port, String protocol, String appProtocol) {
    this(name, port, protocol, appProtocol, null);
  }

  public ServicePortSpec {
    name = name == null ? "" : name;
    protocol = protocol == null ? "TCP" : protocol;
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " of '" + name + "' is out of range");
    }
  }

  @Override
  public int compareTo(ServicePortSpec o) {
    int c = Integer.compare(port, o.port);
    return c != 0 ? c : protocol.compareTo(o.protocol);
  }
}
