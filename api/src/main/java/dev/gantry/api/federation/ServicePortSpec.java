package dev.gantry.api.federation;

/** One port of a Service: name (may be empty for a single unnamed port), number, protocol. */
public record ServicePortSpec(String name, int port, String protocol, String appProtocol)
    implements Comparable<ServicePortSpec> {
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
