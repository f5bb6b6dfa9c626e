package dev.gantry.aggregator.merge;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.FederationUpdate;
import dev.gantry.api.federation.ServiceName;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The federation kept up to date service by service: told which hub Services changed (their Service
 * or EndpointSlices), it merges those again, and the federated services they take part in, and
 * nothing else; a cluster whose policy changed (its RemoteCluster, staleness, the TTL running out)
 * has all its Services merged again. The result is a new {@link FederationSnapshot} sharing every
 * unchanged service with the previous one, and what changed. Same output as {@link
 * FederationMerger#merge} over the same objects. Not thread-safe: one owner.
 */
public final class FederationState {
  private static final Comparator<EndpointSlice> BY_NAME =
      Comparator.comparing(s -> s.getMetadata().getName());

  private final Map<ServiceName, FederationMerger.Contribution> contributions = new HashMap<>();
  private final Map<ServiceName, NavigableSet<ServiceName>> members = new HashMap<>();
  private final Map<String, Set<ServiceName>> byCluster = new HashMap<>();
  private final Map<String, ClusterPolicy> policies = new HashMap<>();
  // The latest remote event time reported per hub Service: a stamp is reported once.
  private final Map<ServiceName, Instant> reported = new HashMap<>();
  private FederationSnapshot snapshot = FederationSnapshot.empty();
  private final String clusterDomain;

  /** A state whose Services resolved by DNS are named under Kubernetes' default domain. */
  public FederationState() {
    this(FederationMerger.DEFAULT_CLUSTER_DOMAIN);
  }

  /**
   * A state whose Services resolved by DNS ({@link dev.gantry.api.Labels#UPSTREAM_DISCOVERY}) are
   * named under the hub's cluster DNS domain {@code clusterDomain}.
   */
  public FederationState(String clusterDomain) {
    this.clusterDomain = java.util.Objects.requireNonNull(clusterDomain, "clusterDomain");
  }

  public FederationSnapshot snapshot() {
    return snapshot;
  }

  /**
   * Merges again the hub Services named in {@code dirty} and those of clusters whose policy
   * changed.
   *
   * @param services the hub Service of a name, or null when there is none
   * @param slices the EndpointSlices labelled for a hub Service name
   * @param remoteClusters every RemoteCluster, for cluster policies at {@code now}
   * @param staleTtl how long a stale cluster keeps its endpoints; null keeps them forever
   */
  public FederationUpdate update(
      Set<ServiceName> dirty,
      Function<ServiceName, Service> services,
      Function<ServiceName, List<EndpointSlice>> slices,
      Collection<RemoteCluster> remoteClusters,
      Instant now,
      Duration staleTtl) {
    Map<String, RemoteCluster> remotes = new HashMap<>();
    for (RemoteCluster remote : remoteClusters) {
      if (FederationMerger.named(remote)) {
        remotes.put(remote.getMetadata().getName(), remote);
      }
    }
    Set<ServiceName> work = new HashSet<>(dirty);
    for (Map.Entry<String, ClusterPolicy> e : policies.entrySet()) {
      ClusterPolicy now2 = ClusterPolicy.of(e.getKey(), remotes.get(e.getKey()), now, staleTtl);
      if (!now2.equals(e.getValue())) {
        e.setValue(now2);
        work.addAll(byCluster.getOrDefault(e.getKey(), Set.of()));
      }
    }

    Map<ServiceName, FederatedService> hubChanges = new HashMap<>();
    Map<ServiceName, Instant> seen = new HashMap<>();
    Set<ServiceName> federatedDirty = new HashSet<>();
    for (ServiceName name : work) {
      FederationMerger.Contribution before = contributions.remove(name);
      if (before != null) {
        forget(name, before);
        if (before.federatedName() != null) {
          federatedDirty.add(before.federatedName());
        }
      }
      Service service = services.apply(name);
      if (service == null
          || !FederationMerger.named(service)
          || service.getMetadata().getNamespace() == null) {
        hubChanges.put(name, null);
        reported.remove(name);
        continue;
      }
      String cluster = FederationMerger.clusterOf(service);
      ClusterPolicy policy =
          policies.computeIfAbsent(
              cluster, c -> ClusterPolicy.of(c, remotes.get(c), now, staleTtl));
      List<EndpointSlice> own = new ArrayList<>(slices.apply(name));
      own.sort(BY_NAME);
      FederationMerger.Contribution after =
          FederationMerger.contribution(service, own, policy, clusterDomain);
      Instant stamp = dirty.contains(name) ? latestStamp(own) : null;
      if (stamp != null && !stamp.equals(reported.get(name))) {
        reported.put(name, stamp);
        seen.put(name, stamp);
      }
      contributions.put(name, after);
      byCluster.computeIfAbsent(after.cluster(), c -> new HashSet<>()).add(name);
      if (after.federatedName() != null) {
        members.computeIfAbsent(after.federatedName(), f -> new TreeSet<>()).add(name);
        federatedDirty.add(after.federatedName());
      }
      hubChanges.put(
          name,
          new FederatedService(
              after.hubName(),
              after.ports(),
              Map.of(after.cluster(), after.endpoints()),
              FederationMerger.sortedDistinct(after.problems())));
    }

    Map<ServiceName, FederatedService> federatedChanges = new HashMap<>();
    for (ServiceName name : federatedDirty) {
      NavigableSet<ServiceName> of = members.get(name);
      federatedChanges.put(
          name,
          of == null
              ? null
              : FederationMerger.federate(name, of.stream().map(contributions::get).toList()));
    }

    boolean[] shape = {false};
    Set<ServiceName> changedFederated = keepChanges(federatedChanges, snapshot.federated(), shape);
    Set<ServiceName> changedHub = keepChanges(hubChanges, snapshot.hubServices(), shape);
    snapshot = snapshot.with(federatedChanges, hubChanges);
    Map<ServiceName, Map<String, Instant>> seenHub = new HashMap<>();
    Map<ServiceName, Map<String, Instant>> seenFederated = new HashMap<>();
    for (Map.Entry<ServiceName, Instant> e : seen.entrySet()) {
      FederationMerger.Contribution c = contributions.get(e.getKey());
      if (changedHub.contains(e.getKey())) {
        seenHub.put(e.getKey(), Map.of(c.cluster(), e.getValue()));
      }
      if (c.federatedName() != null && changedFederated.contains(c.federatedName())) {
        seenFederated
            .computeIfAbsent(c.federatedName(), k -> new HashMap<>())
            .merge(c.cluster(), e.getValue(), (a, b) -> a.isBefore(b) ? a : b);
      }
    }
    return new FederationUpdate(
        snapshot, changedFederated, changedHub, shape[0], seenFederated, seenHub);
  }

  /** The latest remote event time the discoverer stamped on these slices, or null. */
  private static Instant latestStamp(List<EndpointSlice> slices) {
    Instant latest = null;
    for (EndpointSlice slice : slices) {
      Map<String, String> annotations = slice.getMetadata().getAnnotations();
      String value = annotations == null ? null : annotations.get(Labels.REMOTE_EVENT_TIME);
      if (value != null) {
        try {
          Instant t = Instant.parse(value);
          latest = latest == null || t.isAfter(latest) ? t : latest;
        } catch (DateTimeParseException e) {
          // not ours to judge: no time, no measure
        }
      }
    }
    return latest;
  }

  /** Drops a hub Service's contribution from the indexes. */
  private void forget(ServiceName name, FederationMerger.Contribution before) {
    Set<ServiceName> ofCluster = byCluster.get(before.cluster());
    if (ofCluster != null && ofCluster.remove(name) && ofCluster.isEmpty()) {
      byCluster.remove(before.cluster());
      policies.remove(before.cluster());
    }
    if (before.federatedName() != null) {
      NavigableSet<ServiceName> of = members.get(before.federatedName());
      if (of != null && of.remove(name) && of.isEmpty()) {
        members.remove(before.federatedName());
      }
    }
  }

  /**
   * Removes from {@code changes} what equals the current value (keeping the current instance
   * shared), and returns the names that really changed.
   */
  private static Set<ServiceName> keepChanges(
      Map<ServiceName, FederatedService> changes,
      Map<ServiceName, FederatedService> current,
      boolean[] shape) {
    Set<ServiceName> changed = new HashSet<>();
    changes
        .entrySet()
        .removeIf(
            e -> {
              FederatedService old = current.get(e.getKey());
              if (Objects.equals(old, e.getValue())) {
                return true;
              }
              changed.add(e.getKey());
              shape[0] |= !FederationUpdate.sameShape(old, e.getValue());
              return false;
            });
    return changed;
  }
}
