package dev.gantry.aggregator.merge;

import dev.gantry.api.UpstreamProtocolAnnotations;
import dev.gantry.api.federation.ServicePortSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Service ports as {@link ServicePortSpec}s, and how clusters' port lists are compared. */
final class PortSpecs {
  private PortSpecs() {}

  /** The valid ports of {@code service}, sorted; each invalid one is skipped with a problem. */
  static List<ServicePortSpec> of(Service service, String subject, List<String> problems) {
    if (service.getSpec() == null || service.getSpec().getPorts() == null) {
      return List.of();
    }
    Map<String, String> annotations = service.getMetadata().getAnnotations();
    List<ServicePortSpec> ports = new ArrayList<>();
    for (ServicePort port : service.getSpec().getPorts()) {
      if (port == null) {
        continue;
      }
      Integer number = port.getPort();
      if (number == null || number < 1 || number > 65535) {
        problems.add(
            "%s: port '%s' has number %s, not 1-65535; skipped"
                .formatted(subject, nullToEmpty(port.getName()), number));
        continue;
      }
      ports.add(
          new ServicePortSpec(
              port.getName(),
              number,
              port.getProtocol(),
              port.getAppProtocol(),
              UpstreamProtocolAnnotations.protocol(annotations, port.getName(), number)));
    }
    return ports.stream().sorted().toList();
  }

  /**
   * Whether two clusters expose the same ports. appProtocol and the annotated protocol are left
   * out: they are routing hints, and clusters that disagree on them still serve the same ports.
   */
  static boolean sameShape(List<ServicePortSpec> a, List<ServicePortSpec> b) {
    return shape(a).equals(shape(b));
  }

  private static TreeSet<String> shape(List<ServicePortSpec> ports) {
    return ports.stream().map(PortSpecs::describe).collect(Collectors.toCollection(TreeSet::new));
  }

  /** {@code [http:80/TCP, 53/UDP]}, for problem messages. */
  static String describe(List<ServicePortSpec> ports) {
    return shape(ports).stream().collect(Collectors.joining(", ", "[", "]"));
  }

  private static String describe(ServicePortSpec port) {
    return (port.name().isEmpty() ? "" : port.name() + ":") + port.port() + "/" + port.protocol();
  }

  static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
