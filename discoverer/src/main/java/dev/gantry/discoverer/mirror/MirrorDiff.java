package dev.gantry.discoverer.mirror;

import dev.gantry.api.CopiedAnnotations;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Pure comparison of the desired mirror of one Service with what the hub holds (objects carrying
 * this discoverer's cluster label), giving the minimum writes. Fields the apiserver defaults
 * (targetPort, clusterIPs, ipFamilies, ...) are not compared, so an unchanged Service gives no
 * writes.
 */
public final class MirrorDiff {
  private MirrorDiff() {}

  public static List<HubWrite> diff(
      DesiredMirror desired, Service actualService, List<EndpointSlice> actualSlices) {
    List<HubWrite> writes = new ArrayList<>();
    Map<String, EndpointSlice> actualByName = new TreeMap<>();
    for (EndpointSlice slice : actualSlices) {
      actualByName.put(slice.getMetadata().getName(), slice);
    }
    if (!desired.isPresent()) {
      actualByName.values().forEach(s -> writes.add(new HubWrite(HubWrite.Verb.DELETE, s)));
      if (actualService != null) {
        writes.add(new HubWrite(HubWrite.Verb.DELETE, actualService));
      }
      return writes;
    }

    Service want = desired.service();
    if (actualService == null) {
      writes.add(new HubWrite(HubWrite.Verb.CREATE, want));
    } else if (!Objects.equals(type(want), type(actualService))) {
      // clusterIP and type cannot always change in place: replace the mirror.
      writes.add(new HubWrite(HubWrite.Verb.DELETE, actualService));
      writes.add(new HubWrite(HubWrite.Verb.CREATE, want));
    } else if (!sameService(want, actualService)) {
      writes.add(new HubWrite(HubWrite.Verb.UPDATE, updatedService(want, actualService)));
    }

    for (EndpointSlice slice : desired.slices()) {
      EndpointSlice actual = actualByName.remove(slice.getMetadata().getName());
      if (actual == null) {
        writes.add(new HubWrite(HubWrite.Verb.CREATE, slice));
      } else if (!Objects.equals(slice.getAddressType(), actual.getAddressType())) {
        writes.add(new HubWrite(HubWrite.Verb.DELETE, actual)); // addressType is immutable
        writes.add(new HubWrite(HubWrite.Verb.CREATE, slice));
      } else if (!sameSlice(slice, actual)) {
        writes.add(new HubWrite(HubWrite.Verb.UPDATE, updatedSlice(slice, actual)));
      }
    }
    actualByName.values().forEach(s -> writes.add(new HubWrite(HubWrite.Verb.DELETE, s)));
    return writes;
  }

  private static String type(Service s) {
    return s.getSpec() == null || s.getSpec().getType() == null
        ? "ClusterIP"
        : s.getSpec().getType();
  }

  static boolean sameService(Service want, Service actual) {
    return metadataCovers(actual.getMetadata(), want.getMetadata())
        // Copied from the remote Service, so one removed there goes from the mirror too.
        && CopiedAnnotations.of(want.getMetadata().getAnnotations())
            .equals(CopiedAnnotations.of(actual.getMetadata().getAnnotations()))
        && Objects.equals(want.getSpec().getExternalName(), actual.getSpec().getExternalName())
        && servicePorts(want).equals(servicePorts(actual));
  }

  static boolean sameSlice(EndpointSlice want, EndpointSlice actual) {
    return metadataCovers(actual.getMetadata(), want.getMetadata())
        && endpoints(want).equals(endpoints(actual))
        && slicePorts(want).equals(slicePorts(actual));
  }

  /** Whether {@code actual} carries every label and annotation of {@code want}, equal. */
  private static boolean metadataCovers(ObjectMeta actual, ObjectMeta want) {
    return covers(actual.getLabels(), want.getLabels())
        && covers(actual.getAnnotations(), want.getAnnotations());
  }

  private static boolean covers(Map<String, String> actual, Map<String, String> want) {
    if (want == null || want.isEmpty()) {
      return true;
    }
    if (actual == null) {
      return false;
    }
    return want.entrySet().stream()
        .allMatch(e -> Objects.equals(actual.get(e.getKey()), e.getValue()));
  }

  private record PortView(String name, Integer port, String protocol, String appProtocol) {}

  private record EndpointView(
      List<String> addresses,
      Boolean ready,
      Boolean serving,
      Boolean terminating,
      String hostname,
      String zone) {}

  private static List<PortView> servicePorts(Service s) {
    List<PortView> ports = new ArrayList<>();
    if (s.getSpec().getPorts() != null) {
      for (ServicePort p : s.getSpec().getPorts()) {
        ports.add(
            new PortView(
                emptyToNull(p.getName()),
                p.getPort(),
                protocol(p.getProtocol()),
                p.getAppProtocol()));
      }
    }
    ports.sort(portOrder());
    return ports;
  }

  private static List<PortView> slicePorts(EndpointSlice s) {
    List<PortView> ports = new ArrayList<>();
    if (s.getPorts() != null) {
      for (EndpointPort p : s.getPorts()) {
        ports.add(
            new PortView(
                emptyToNull(p.getName()),
                p.getPort(),
                protocol(p.getProtocol()),
                p.getAppProtocol()));
      }
    }
    ports.sort(portOrder());
    return ports;
  }

  private static Comparator<PortView> portOrder() {
    return Comparator.comparing(PortView::port, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(PortView::protocol)
        .thenComparing(PortView::name, Comparator.nullsFirst(Comparator.naturalOrder()));
  }

  private static List<EndpointView> endpoints(EndpointSlice s) {
    List<EndpointView> views = new ArrayList<>();
    if (s.getEndpoints() != null) {
      for (Endpoint e : s.getEndpoints()) {
        EndpointConditions c = e.getConditions();
        views.add(
            new EndpointView(
                e.getAddresses() == null ? List.of() : List.copyOf(e.getAddresses()),
                c == null ? null : c.getReady(),
                c == null ? null : c.getServing(),
                c == null ? null : c.getTerminating(),
                e.getHostname(),
                e.getZone()));
      }
    }
    return views;
  }

  private static String protocol(String p) {
    return p == null ? "TCP" : p;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** The hub's Service with our labels, annotations, ports and externalName put in. */
  private static Service updatedService(Service want, Service actual) {
    return new ServiceBuilder(actual)
        .withMetadata(mergedMetadata(want, actual))
        .editSpec()
        .withPorts(want.getSpec().getPorts())
        .withExternalName(want.getSpec().getExternalName())
        .endSpec()
        .build();
  }

  private static EndpointSlice updatedSlice(EndpointSlice want, EndpointSlice actual) {
    return new EndpointSliceBuilder(actual)
        .withMetadata(mergedMetadata(want, actual))
        .withEndpoints(want.getEndpoints())
        .withPorts(want.getPorts())
        .build();
  }

  private static ObjectMeta mergedMetadata(HasMetadata want, HasMetadata actual) {
    ObjectMeta merged =
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(actual.getMetadata()).build();
    Map<String, String> labels = new LinkedHashMap<>();
    if (merged.getLabels() != null) {
      labels.putAll(merged.getLabels());
    }
    labels.putAll(want.getMetadata().getLabels());
    Map<String, String> annotations = new LinkedHashMap<>();
    if (merged.getAnnotations() != null) {
      annotations.putAll(merged.getAnnotations());
    }
    annotations.keySet().removeIf(CopiedAnnotations::copied);
    annotations.putAll(want.getMetadata().getAnnotations());
    merged.setLabels(labels);
    merged.setAnnotations(annotations);
    return merged;
  }
}
