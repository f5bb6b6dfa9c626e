package dev.gantry.aggregator.merge;

import dev.gantry.aggregator.HubFixtures;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.federation.FederationSnapshot;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One named merge: the hub's objects, the stale-endpoint TTL and the whole expected snapshot. */
record MergeCase(String name, MergeCase.Input input, FederationSnapshot expected) {
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  static final Duration TTL = Duration.ofMinutes(1);

  @Override
  public String toString() {
    return name;
  }

  /** The hub's objects a merge reads, plus the stale-endpoint TTL. */
  record Input(
      List<Service> services,
      List<EndpointSlice> slices,
      List<RemoteCluster> clusters,
      Duration ttl) {
    /** Sorts fixtures and built objects into their lists. */
    static Input of(Object... objects) {
      List<Service> services = new ArrayList<>();
      List<EndpointSlice> slices = new ArrayList<>();
      List<RemoteCluster> clusters = new ArrayList<>();
      for (Object o : objects) {
        Object built =
            o instanceof HubFixtures.ServiceFixture s
                ? s.build()
                : o instanceof HubFixtures.SliceFixture e
                    ? e.build()
                    : o instanceof HubFixtures.RemoteClusterFixture r ? r.build() : o;
        if (built instanceof Service s) {
          services.add(s);
        } else if (built instanceof EndpointSlice e) {
          slices.add(e);
        } else if (built instanceof RemoteCluster r) {
          clusters.add(r);
        } else {
          throw new IllegalArgumentException("not a hub object: " + o);
        }
      }
      return new Input(services, slices, clusters, null);
    }

    Input ttl(Duration ttl) {
      return new Input(services, slices, clusters, ttl);
    }

    FederationSnapshot merge() {
      return FederationMerger.merge(services, slices, clusters, NOW, ttl);
    }
  }

  /** The merge of {@code input} with every input list reversed: the output must not change. */
  static FederationSnapshot mergeReversed(Input input) {
    List<Service> services = new ArrayList<>(input.services());
    List<EndpointSlice> slices = new ArrayList<>(input.slices());
    List<RemoteCluster> clusters = new ArrayList<>(input.clusters());
    Collections.reverse(services);
    Collections.reverse(slices);
    Collections.reverse(clusters);
    return FederationMerger.merge(services, slices, clusters, NOW, input.ttl());
  }
}
