package dev.gantry.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import dev.gantry.xds.Fixtures;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the EDS cache sends: only what changed, in both modes, and everything when it must. */
class EndpointCacheTest {
  private final List<String> acknowledged = new ArrayList<>();
  private final Instant now = Instant.parse("2026-12-05T10:00:00Z");
  private final EndpointCache cache =
      new EndpointCache(
          Clock.fixed(now, ZoneOffset.UTC),
          (cluster, mode, since) ->
              acknowledged.add(mode + " " + cluster + " " + since.toMillis()));
  private final List<Response> sotw = new ArrayList<>();
  private final List<DeltaResponse> delta = new ArrayList<>();

  private static ClusterLoadAssignment cla(String name, String address) {
    return Fixtures.assignment(name, address);
  }

  private Watch request(String version, boolean nack, String... names) {
    return request(version, nack, false, names);
  }

  private Watch request(String version, boolean nack, boolean clustersChanged, String... names) {
    DiscoveryRequest.Builder r =
        DiscoveryRequest.newBuilder()
            .setNode(Node.newBuilder().setId("envoy-1"))
            .setTypeUrl(Resources.V3.ENDPOINT_TYPE_URL)
            .setVersionInfo(version)
            .addAllResourceNames(List.of(names));
    if (nack) {
      r.setErrorDetail(Status.newBuilder().setMessage("rejected"));
    }
    return cache.createWatch(true, XdsRequest.create(r.build()), sotw::add, clustersChanged, false);
  }

  private static List<String> names(Response r) {
    return r.resources().stream().map(m -> ((ClusterLoadAssignment) m).getClusterName()).toList();
  }

  private String lastVersion() {
    return sotw.get(sotw.size() - 1).version();
  }

  @Test
  void firstRequestGetsEveryAssignmentItAsksForThenOnlyWhatChanges() {
    cache.update(
        List.of(cla("a", "10.0.0.1"), cla("b", "10.0.0.2"), cla("c", "10.0.0.3")), Set.of());

    request("", false, "a", "b");
    assertThat(names(sotw.get(0))).containsExactly("a", "b");

    request(lastVersion(), false, "a", "b"); // the ACK: an open watch
    assertThat(sotw).hasSize(1);
    cache.update(List.of(cla("c", "10.0.0.9")), Set.of()); // not asked for
    assertThat(sotw).hasSize(1);
    cache.update(List.of(cla("b", "10.0.0.9"), cla("a", "10.0.0.1")), Set.of()); // a unchanged
    assertThat(sotw).hasSize(2);
    assertThat(names(sotw.get(1))).containsExactly("b");
  }

  @Test
  void aChangeWhileNoWatchIsOpenIsSentOnTheNextRequest() {
    cache.update(List.of(cla("a", "10.0.0.1"), cla("b", "10.0.0.2")), Set.of());
    request("", false, "a", "b");
    String acked = lastVersion();

    cache.update(List.of(cla("a", "10.0.0.7")), Set.of());
    request(acked, false, "a", "b");

    assertThat(names(sotw.get(1))).containsExactly("a");
  }

  @Test
  void aGrownSubscriptionGetsWhatItLacksAndWhatChanged() {
    cache.update(
        List.of(cla("a", "10.0.0.1"), cla("b", "10.0.0.2"), cla("c", "10.0.0.3")), Set.of());
    request("", false, "a", "b");
    String acked = lastVersion();
    cache.update(List.of(cla("b", "10.0.0.9")), Set.of());

    request(acked, false, true, "a", "b", "c"); // a cluster was added

    assertThat(names(sotw.get(1))).containsExactly("b", "c");
  }

  @Test
  void aRedefinedClusterGetsItsAssignmentAgainWhenTheClientSaysItsClustersChanged() {
    cache.update(
        List.of(cla("a", "10.0.0.1"), cla("b", "10.0.0.2"), cla("c", "10.0.0.3")), Set.of());
    request("", false, "a", "b");
    String acked = lastVersion();

    cache.redefined(List.of("a", "c")); // c is not asked for

    request(acked, false, true, "a", "b");
    assertThat(names(sotw.get(1))).containsExactly("a");
    // The same request without a change of clusters is an ACK: nothing to send.
    request(lastVersion(), false, "a", "b");
    assertThat(sotw).hasSize(2);
  }

  @Test
  void aRedefinitionOfAnotherClusterDoesNotMakeAClientGetEverything() {
    cache.update(List.of(cla("a", "10.0.0.1"), cla("b", "10.0.0.2")), Set.of());
    request("", false, "a", "b");
    String acked = lastVersion();

    cache.redefined(List.of("other"));
    cache.update(List.of(cla("a", "10.0.0.7")), Set.of());
    request(acked, false, "a", "b");

    assertThat(names(sotw.get(1))).containsExactly("a");
  }

  @Test
  void aSubscriptionItNeverAnsweredGetsEverything() {
    cache.update(List.of(cla("a", "10.0.0.1"), cla("b", "10.0.0.2")), Set.of());
    request("", false, "a");
    String version = lastVersion();

    request(version.substring(0, version.lastIndexOf(':')) + ":ffffx9", false, "a", "b");

    assertThat(names(sotw.get(1))).containsExactly("a", "b");
  }

  @Test
  void aRejectedResponseIsNotSentAgain() {
    cache.update(List.of(cla("a", "10.0.0.1")), Set.of());
    request("", false, "a");
    String acked = lastVersion();
    cache.update(List.of(cla("a", "10.0.0.2")), Set.of());
    request(acked, false, "a");
    assertThat(sotw).hasSize(2);

    request(acked, true, "a"); // NACK of the second

    assertThat(sotw).hasSize(2);
    cache.update(List.of(cla("a", "10.0.0.3")), Set.of());
    assertThat(sotw).hasSize(3);
  }

  @Test
  void anotherCachesVersionStartsOver() {
    cache.update(List.of(cla("a", "10.0.0.1")), Set.of());

    request("0123abcd:5:1x1", false, "a");

    assertThat(names(sotw.get(0))).containsExactly("a");
  }

  @Test
  void anAcknowledgementReportsTheRemoteChangesItCarriedOnceEach() {
    cache.update(List.of(cla("a", "10.0.0.1"), cla("b", "10.0.0.2")), Set.of());
    request("", false, "a", "b");
    request(lastVersion(), false, "a", "b"); // first ACK: remembered, nothing reported
    assertThat(acknowledged).isEmpty();

    cache.update(
        List.of(cla("a", "10.0.0.3")), Set.of(), Map.of("a", Map.of("east", now.minusMillis(40))));
    cache.update(
        List.of(cla("c", "10.0.0.4")), Set.of(), Map.of("c", Map.of("west", now.minusMillis(9))));
    request(lastVersion(), false, "a", "b"); // ACK of the response carrying a
    request(lastVersion(), false, "a", "b"); // the same version again

    assertThat(acknowledged).containsExactly("sotw east 40"); // c is not this client's
  }

  @Test
  void deltaSendsWhatTheClientDoesNotHoldAndWhatIsGone() {
    cache.update(List.of(cla("a", "10.0.0.1"), cla("b", "10.0.0.2")), Set.of());
    DeltaXdsRequest r =
        DeltaXdsRequest.create(
            DeltaDiscoveryRequest.newBuilder()
                .setTypeUrl(Resources.V3.ENDPOINT_TYPE_URL)
                .addResourceNamesSubscribe("a")
                .addResourceNamesSubscribe("b")
                .build());

    cache.createDeltaWatch(r, "", Map.of(), Set.of("a", "b"), false, delta::add, false);
    assertThat(delta.get(0).resources()).containsOnlyKeys("a", "b");
    Map<String, String> held =
        Map.of(
            "a", delta.get(0).resources().get("a").version(),
            "b", delta.get(0).resources().get("b").version());

    cache.createDeltaWatch(r, delta.get(0).version(), held, Set.of(), false, delta::add, false);
    assertThat(delta).hasSize(1);
    cache.update(List.of(cla("b", "10.0.0.9")), Set.of("a"));

    assertThat(delta).hasSize(2);
    assertThat(delta.get(1).resources()).containsOnlyKeys("b");
    assertThat(delta.get(1).removedResources()).containsExactly("a");
  }

  @Test
  void aDeltaAcknowledgementGetsWhatChangedSinceItsVersionAndOtherCachesVersionsEverything() {
    cache.update(
        List.of(cla("a", "10.0.0.1"), cla("b", "10.0.0.2"), cla("c", "10.0.0.3")), Set.of());
    DeltaXdsRequest r =
        DeltaXdsRequest.create(
            DeltaDiscoveryRequest.newBuilder()
                .setTypeUrl(Resources.V3.ENDPOINT_TYPE_URL)
                .addResourceNamesSubscribe("a")
                .addResourceNamesSubscribe("b")
                .addResourceNamesSubscribe("c")
                .build());
    cache.createDeltaWatch(r, "", Map.of(), Set.of("a", "b", "c"), false, delta::add, false);
    DeltaResponse first = delta.get(0);
    Map<String, String> held = new java.util.HashMap<>();
    first.resources().forEach((name, resource) -> held.put(name, resource.version()));

    // Changes while no watch is open; then the acknowledgement of the first response.
    cache.update(List.of(cla("b", "10.0.0.9")), Set.of("c"));
    cache.createDeltaWatch(r, first.version(), held, Set.of(), false, delta::add, false);

    assertThat(delta.get(1).resources()).containsOnlyKeys("b");
    assertThat(delta.get(1).removedResources()).containsExactly("c");

    // A version of another cache (a restarted hub): everything held is compared.
    cache.createDeltaWatch(
        r, "0123abcd:7", Map.of("a", "not-the-digest"), Set.of(), false, delta::add, false);
    assertThat(delta.get(2).resources()).containsOnlyKeys("a");
  }

  private static DeltaXdsRequest deltaRequest(List<String> subscribe, List<String> unsubscribe) {
    return DeltaXdsRequest.create(
        DeltaDiscoveryRequest.newBuilder()
            .setTypeUrl(Resources.V3.ENDPOINT_TYPE_URL)
            .addAllResourceNamesSubscribe(subscribe)
            .addAllResourceNamesUnsubscribe(unsubscribe)
            .build());
  }

  /** A Delta watch of {@code stream}, as the server makes one on each request it answers. */
  private void watch(
      long stream,
      DeltaXdsRequest request,
      String version,
      Map<String, String> held,
      Set<String> pending) {
    cache.createDeltaWatch(stream, request, version, held, pending, false, delta::add, false);
  }

  @Test
  void aDeltaStreamStaysSubscribedToAnAssignmentThatGoesAndComesBack() {
    cache.update(List.of(cla("a", "10.0.0.1"), cla("b", "10.0.0.2")), Set.of());
    // What the server keeps per stream, changed only on the stream's thread as requests come.
    Map<String, String> held = new java.util.HashMap<>();
    Set<String> pending = new java.util.HashSet<>(Set.of("a", "b"));
    DeltaXdsRequest subscribe = deltaRequest(List.of("a", "b"), List.of());
    cache.deltaRequest(7, subscribe.v3Request());
    watch(7, subscribe, "", held, pending);
    assertThat(delta.get(0).resources()).containsOnlyKeys("a", "b");
    delta.get(0).resources().forEach((name, r) -> held.put(name, r.version()));
    pending.clear();

    DeltaXdsRequest ack = deltaRequest(List.of(), List.of());
    cache.deltaRequest(7, ack.v3Request());
    watch(7, ack, delta.get(0).version(), held, pending);
    cache.update(List.of(), Set.of("a"));
    assertThat(delta.get(1).removedResources()).containsExactly("a");
    held.remove("a"); // the server forgets what the client acknowledged as removed

    cache.deltaRequest(7, ack.v3Request());
    watch(7, ack, delta.get(1).version(), held, pending);
    cache.update(List.of(cla("a", "10.0.0.3")), Set.of());

    assertThat(delta).hasSize(3);
    assertThat(delta.get(2).resources()).containsOnlyKeys("a");
  }

  @Test
  void aDeltaStreamThatUnsubscribesIsNotSentTheAssignmentAgain() {
    cache.update(List.of(cla("a", "10.0.0.1"), cla("b", "10.0.0.2")), Set.of());
    Map<String, String> held = new java.util.HashMap<>();
    Set<String> pending = new java.util.HashSet<>(Set.of("a", "b"));
    DeltaXdsRequest subscribe = deltaRequest(List.of("a", "b"), List.of());
    cache.deltaRequest(8, subscribe.v3Request());
    watch(8, subscribe, "", held, pending);
    delta.get(0).resources().forEach((name, r) -> held.put(name, r.version()));
    pending.clear();

    // Unsubscribed while the first response was not yet acknowledged: no watch for that request.
    cache.deltaRequest(8, deltaRequest(List.of(), List.of("a")).v3Request());
    held.remove("a");
    DeltaXdsRequest ack = deltaRequest(List.of(), List.of());
    cache.deltaRequest(8, ack.v3Request());
    watch(8, ack, delta.get(0).version(), held, pending);
    cache.update(List.of(cla("a", "10.0.0.5"), cla("b", "10.0.0.6")), Set.of());

    assertThat(delta).hasSize(2);
    assertThat(delta.get(1).resources()).containsOnlyKeys("b");

    cache.streamClosed(8);
    cache.deltaRequest(8, ack.v3Request()); // a new stream of that number knows nothing of it
    watch(8, ack, "0123abcd:1", Map.of(), Set.of("a"));
    assertThat(delta.get(2).resources()).containsOnlyKeys("a");
  }
}
