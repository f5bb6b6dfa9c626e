package dev.gantry.discoverer.mirror;

import dev.gantry.api.federation.ServiceName;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;

/**
 * What the hub should hold for one remote Service: its mirror Service and slices, or nothing
 * ({@code service == null}) with the reason.
 */
public record DesiredMirror(
    ServiceName key, Service service, List<EndpointSlice> slices, String absentReason) {
  public DesiredMirror {
    slices = List.copyOf(slices);
  }

  public static DesiredMirror present(
      ServiceName key, Service service, List<EndpointSlice> slices) {
    return new DesiredMirror(key, service, slices, null);
  }

  public static DesiredMirror absent(ServiceName key, String reason) {
    return new DesiredMirror(key, null, List.of(), reason);
  }

  public boolean isPresent() {
    return service != null;
  }
}
