package dev.gantry.aggregator.merge;

import static dev.gantry.aggregator.HubFixtures.hubService;
import static dev.gantry.aggregator.HubFixtures.hubSlice;
import static dev.gantry.aggregator.HubFixtures.mirror;
import static dev.gantry.aggregator.HubFixtures.mirrorSlice;
import static dev.gantry.aggregator.HubFixtures.remoteCluster;
import static dev.gantry.aggregator.merge.MergeCase.NOW;
import static dev.gantry.aggregator.merge.MergeCase.TTL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.federation.FederationUpdate;
import dev.gantry.api.federation.ServiceName;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The federation kept up to date service by service equals the full merge of the same objects,
 * after any sequence of changes, and says exactly what changed.
 */
class FederationStateTest {
  private static final List<String> CLUSTERS = List.of("east", "west", "north");

  /** The hub's objects, by name, as an informer cache holds them. */
  private final Map<String, Service> services = new TreeMap<>();

  private final Map<String, EndpointSlice> slices = new TreeMap<>();
  private final List<RemoteCluster> remotes = new ArrayList<>();

  private FederationUpdate update(FederationState state, Set<ServiceName> dirty, Instant now) {
    return state.update(
        dirty,
        name -> "shop".equals(name.namespace()) ? services.get(name.name()) : null,
        name ->
            slices.values().stream()
                .filter(
                    s ->
                        s.getMetadata().getNamespace().equals(name.namespace())
                            && name.name()
                                .equals(s.getMetadata().getLabels().get(Labels.SERVICE_NAME)))
                .toList(),
        remotes,
        now,
        TTL);
  }

  private static ServiceName nameOf(Service s) {
    return ServiceName.of(s.getMetadata().getNamespace(), s.getMetadata().getName());
  }

  private static ServiceName serviceOf(EndpointSlice s) {
    return ServiceName.of(
        s.getMetadata().getNamespace(), s.getMetadata().getLabels().get(Labels.SERVICE_NAME));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void incrementalUpdatesEqualTheFullMergeAfterEveryChange(long seed) {
    Random random = new Random(seed);
    FederationState state = new FederationState();
    for (int step = 0; step < 200; step++) {
      Set<ServiceName> dirty = new HashSet<>();
      int n = random.nextInt(4);
      String svc = "s" + n;
      String cluster = random.nextInt(4) == 0 ? null : CLUSTERS.get(random.nextInt(3));
      switch (random.nextInt(6)) {
        case 0, 1 -> { // a slice written (endpoints change)
          EndpointSlice slice =
              (cluster == null
                      ? hubSlice("shop/" + svc, "a")
                      : mirrorSlice(cluster, "shop/" + svc, "a"))
                  .ready("198.18." + random.nextInt(4) + "." + (1 + random.nextInt(3)))
                  .build();
          slices.put(slice.getMetadata().getName(), slice);
          dirty.add(serviceOf(slice));
        }
        case 2 -> { // a Service written (ports change)
          Service service =
              (cluster == null ? hubService("shop/" + svc) : mirror(cluster, "shop/" + svc))
                  .port("http", 80 + random.nextInt(2))
                  .build();
          services.put(service.getMetadata().getName(), service);
          dirty.add(nameOf(service));
        }
        case 3 -> { // a Service deleted
          String name = cluster == null ? svc : cluster + "-" + svc;
          Service gone = services.remove(name);
          if (gone != null) {
            dirty.add(nameOf(gone));
          }
        }
        case 4 -> { // a slice deleted
          String name = (cluster == null ? svc : cluster + "-" + svc) + "-a";
          EndpointSlice gone = slices.remove(name);
          if (gone != null) {
            dirty.add(serviceOf(gone));
          }
        }
        default -> { // a RemoteCluster's priority changes: no Service is dirty
          remotes.removeIf(r -> r.getMetadata().getName().equals(CLUSTERS.get(n % 3)));
          var remote = remoteCluster(CLUSTERS.get(n % 3)).priority(random.nextInt(3));
          if (random.nextBoolean()) {
            remote.staleSince(NOW.minusSeconds(random.nextBoolean() ? 10 : 120)); // TTL is 1 min
          }
          remotes.add(remote.build());
        }
      }
      var before = state.snapshot();

      FederationUpdate update = update(state, dirty, NOW);

      var full = FederationMerger.merge(services.values(), slices.values(), remotes, NOW, TTL);
      assertThat(update.snapshot()).as("step %d", step).isEqualTo(full);
      assertThat(FederationUpdate.between(before, full))
          .as("step %d: what changed", step)
          .isEqualTo(
              new FederationUpdate(
                  full, update.changedFederated(), update.changedHub(), update.shapeChanged()));
    }
  }

  @Test
  void anUnchangedServiceIsTheSameInstanceInTheNextSnapshot() {
    Service east = mirror("east", "shop/web").port("http", 80).build();
    Service west = mirror("west", "shop/api").port("http", 80).build();
    services.put(east.getMetadata().getName(), east);
    services.put(west.getMetadata().getName(), west);
    FederationState state = new FederationState();
    var first = update(state, Set.of(nameOf(east), nameOf(west)), NOW).snapshot();

    EndpointSlice slice = mirrorSlice("east", "shop/web", "a").ready("198.18.0.1").build();
    slices.put(slice.getMetadata().getName(), slice);
    FederationUpdate second = update(state, Set.of(serviceOf(slice)), NOW);

    assertThat(second.changedFederated()).containsExactly(ServiceName.of("shop", "web"));
    assertThat(second.changedHub()).containsExactly(ServiceName.of("shop", "east-web"));
    assertThat(second.shapeChanged()).isFalse();
    assertThat(second.snapshot().federated().get(ServiceName.of("shop", "api")))
        .isSameAs(first.federated().get(ServiceName.of("shop", "api")));
  }
}
