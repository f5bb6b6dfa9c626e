package dev.gantry.e2e;

import dev.gantry.api.Labels;
import dev.gantry.api.MirrorNames;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares a remote cluster's Services and EndpointSlices in one namespace with their mirrors in
 * the hub, whole: every remote Service has a mirror Service, and the mirror slices of each hold
 * exactly the remote's endpoints (address and readiness); no mirror is left without a source.
 */
public final class MirrorCheck {
  private MirrorCheck() {}

  /** What differs, one line each; empty when the hub mirrors the remote exactly. */
  public static List<String> differences(
      KubernetesClient remote, KubernetesClient hub, String cluster, String namespace) {
    Map<String, TreeSet<String>> want = new TreeMap<>();
    for (Service s : remote.services().inNamespace(namespace).list().getItems()) {
      want.put(s.getMetadata().getName(), new TreeSet<>());
    }
    for (EndpointSlice slice :
        remote.discovery().v1().endpointSlices().inNamespace(namespace).list().getItems()) {
      String service = slice.getMetadata().getLabels().get(Labels.SERVICE_NAME);
      if (service != null && want.containsKey(service)) {
        want.get(service).addAll(endpoints(slice));
      }
    }
    Map<String, TreeSet<String>> have = new TreeMap<>();
    for (Service s :
        hub.services()
            .inNamespace(namespace)
            .withLabel(Labels.CLUSTER, cluster)
            .list()
            .getItems()) {
      have.put(s.getMetadata().getLabels().get(Labels.SERVICE), new TreeSet<>());
    }
    List<String> out = new ArrayList<>();
    for (EndpointSlice slice :
        hub.discovery()
            .v1()
            .endpointSlices()
            .inNamespace(namespace)
            .withLabel(Labels.CLUSTER, cluster)
            .list()
            .getItems()) {
      String service = slice.getMetadata().getLabels().get(Labels.SERVICE);
      if (!have.containsKey(service)) {
        out.add(cluster + ": slice " + slice.getMetadata().getName() + " without its Service");
        continue;
      }
      have.get(service).addAll(endpoints(slice));
    }
    for (Map.Entry<String, TreeSet<String>> e : want.entrySet()) {
      TreeSet<String> mirrored = have.remove(e.getKey());
      String mirror = MirrorNames.mirrorServiceName(cluster, e.getKey());
      if (mirrored == null) {
        out.add(cluster + ": " + namespace + "/" + e.getKey() + " has no mirror " + mirror);
      } else if (!Objects.equals(mirrored, e.getValue())) {
        out.add(cluster + ": " + mirror + " holds " + mirrored + ", the remote " + e.getValue());
      }
    }
    have.keySet().forEach(k -> out.add(cluster + ": mirror of " + k + " without a source"));
    return out;
  }

  private static List<String> endpoints(EndpointSlice slice) {
    List<String> out = new ArrayList<>();
    for (Endpoint e : slice.getEndpoints()) {
      boolean ready =
          e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady());
      for (String address : e.getAddresses()) {
        out.add(address + (ready ? "" : " (not ready)"));
      }
    }
    return out;
  }
}
