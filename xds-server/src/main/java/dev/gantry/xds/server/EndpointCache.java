package dev.gantry.xds.server;

import com.google.common.hash.Hashing;
import dev.gantry.xds.translate.Versions;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.WatchCancelledException;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * EDS for every client, answered with what changed only, as go-control-plane's LinearCache does:
 * ClusterLoadAssignments by cluster name, each with a digest of its content and the cache version
 * at which it last changed.
 *
 * <ul>
 *   <li>State of the world: a response carries only the requested assignments that changed since
 *       the version the client last accepted (legal for EDS, which is not a wildcard type). The
 *       version names this cache, its counter and a digest of the requested names. A client whose
 *       subscription grew (a cluster added) gets the assignments it lacks, those that changed and
 *       those of clusters redefined since ({@link #redefined}), which Envoy warms again; one whose
 *       version this cache cannot read (another cache, a restarted hub) gets everything.
 *   <li>Delta: a response carries the subscribed assignments whose digest differs from the one the
 *       client holds, and those it holds that are gone.
 * </ul>
 *
 * A client that rejected a response (NACK) is not sent the same again: it waits for the next
 * change. Thread-safe; an update costs work in the number of assignments it changes and of open
 * watches, never in the number of assignments held.
 */
public final class EndpointCache {
  /** How many past updates are remembered to tell a client what changed since its version. */
  private static final int HISTORY = 4096;

  private record Entry(ClusterLoadAssignment assignment, String digest, long changedAt) {
    VersionedResource<ClusterLoadAssignment> versioned() {
      return VersionedResource.create(assignment, digest);
    }
  }

  private record Update(long version, Set<String> names) {}

  /** A remote change carried by an assignment from a version on, for the propagation metric. */
  private record Event(long version, String assignment, String cluster, Instant seen) {}

  /** Told how long a remote change took to be acknowledged by a client. */
  public interface Propagation {
    /**
     * @param cluster the remote cluster of the change
     * @param mode {@code sotw} or {@code delta}
     */
    void acknowledged(String cluster, String mode, Duration sinceSeen);
  }

  /** How many remote changes are remembered until their acknowledgement. */
  private static final int EVENTS = 65_536;

  /**
   * An open state-of-the-world watch. Equal only to itself: kept in a set, it must not hash the
   * names it asks for (every cluster, at each acknowledgement).
   */
  private static final class SotwWatch {
    final Watch watch;
    final Set<String> names;
    final String namesDigest;

    SotwWatch(Watch watch, Set<String> names, String namesDigest) {
      this.watch = watch;
      this.names = names;
      this.namesDigest = namesDigest;
    }
  }

  /**
   * An open Delta watch and the names its stream subscribes to. Equal only to itself, like {@link
   * SotwWatch}.
   */
  private static final class DeltaOpen {
    final DeltaWatch watch;
    final Set<String> subscribed;

    DeltaOpen(DeltaWatch watch, Set<String> subscribed) {
      this.watch = watch;
      this.subscribed = subscribed;
    }
  }

  private final String instance = UUID.randomUUID().toString().substring(0, 8);
  private final Clock clock;
  private final Propagation propagation;
  private final Deque<Event> events = new ArrayDeque<>();
  private final Map<String, Long> acked = new HashMap<>();
  private final Map<String, Entry> entries = new HashMap<>();
  private final Deque<Update> history = new ArrayDeque<>();
  private final Set<SotwWatch> sotwWatches = new HashSet<>();
  private final Map<String, Set<String>> subscriptions = new Memory<>(64);
  private final Map<List<String>, Subscription> requested = new Memory<>(16);
  private final Deque<Update> redefinitions = new ArrayDeque<>();
  private long forgottenRedefinition;
  private long forgottenUpdate;
  private final Set<DeltaOpen> deltaWatches = new HashSet<>();
  // Per Delta stream, the assignment names it subscribes to, kept from its requests as they come
  // (see deltaRequest), so that a watch need not copy what the stream holds.
  private final Map<Long, Set<String>> deltaStreams = new HashMap<>();
  private long version;

  /**
   * @param propagation told, per client acknowledgement of a version, how long each remote change
   *     it carries took since its discoverer saw it
   */
  public EndpointCache(Clock clock, Propagation propagation) {
    this.clock = clock;
    this.propagation = propagation;
  }

  /**
   * Sets the assignments in {@code changed} (by cluster name; unchanged content is not an update)
   * and drops those named in {@code removed}; answers the open watches they concern.
   *
   * @return how many assignments actually changed
   */
  public synchronized int update(
      Collection<ClusterLoadAssignment> changed, Collection<String> removed) {
    return update(changed, removed, Map.of());
  }

  /**
   * As {@link #update(Collection, Collection)}, with when the remote changes the assignments carry
   * were seen, by assignment name and cluster: reported once each client acknowledges them.
   */
  public synchronized int update(
      Collection<ClusterLoadAssignment> changed,
      Collection<String> removed,
      Map<String, Map<String, Instant>> seen) {
    Set<String> names = new HashSet<>();
    long next = version + 1;
    for (ClusterLoadAssignment cla : changed) {
      String digest = Versions.of(List.of(cla));
      Entry before = entries.get(cla.getClusterName());
      if (before == null || !before.digest().equals(digest)) {
        entries.put(cla.getClusterName(), new Entry(cla, digest, next));
        names.add(cla.getClusterName());
      }
    }
    for (String name : removed) {
      if (entries.remove(name) != null) {
        names.add(name);
      }
    }
    if (names.isEmpty()) {
      return 0;
    }
    version = next;
    for (String name : names) {
      seen.getOrDefault(name, Map.of())
          .forEach((cluster, at) -> events.addLast(new Event(next, name, cluster, at)));
    }
    while (events.size() > EVENTS) {
      events.removeFirst();
    }
    history.addLast(new Update(version, names));
    if (history.size() > HISTORY) {
      forgottenUpdate = history.removeFirst().version();
    }
    answerSotw(names);
    answerDelta(names);
    return names.size();
  }

  /** A state-of-the-world EDS watch (see the class comment). */
  public synchronized Watch createWatch(
      boolean ads,
      XdsRequest request,
      Consumer<Response> responseConsumer,
      boolean hasClusterChanged,
      boolean allowDefaultEmptyEdsUpdate) {
    Watch watch = new Watch(ads, allowDefaultEmptyEdsUpdate, request, responseConsumer);
    Subscription subscription = subscription(request.getResourceNamesList());
    Set<String> names = subscription.names();
    SotwWatch open = new SotwWatch(watch, names, subscription.digest());
    Set<String> stale;
    if (request.hasErrorDetail()) {
      stale = Set.of(); // it rejected what we sent: only a new change is worth sending
    } else {
      acknowledged(
          "sotw", request.v3Request().getNode().getId(), request.getVersionInfo(), names::contains);
      stale = staleFor(request.getVersionInfo(), names, hasClusterChanged);
    }
    if (!stale.isEmpty() && respond(open, stale)) {
      return watch;
    }
    sotwWatches.add(open);
    watch.setStop(() -> cancel(open));
    return watch;
  }

  /** A Delta EDS watch of a stream this cache is not told of (see the class comment). */
  public DeltaWatch createDeltaWatch(
      DeltaXdsRequest request,
      String requesterVersion,
      Map<String, String> resourceVersions,
      Set<String> pendingResources,
      boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer,
      boolean hasClusterChanged) {
    return createDeltaWatch(
        null,
        request,
        requesterVersion,
        resourceVersions,
        pendingResources,
        isWildcard,
        responseConsumer,
        hasClusterChanged);
  }

  /**
   * A Delta EDS watch (see the class comment).
   *
   * @param stream the request's stream, whose subscriptions {@link #deltaRequest} kept; null when
   *     it was not told of it
   */
  public synchronized DeltaWatch createDeltaWatch(
      Long stream,
      DeltaXdsRequest request,
      String requesterVersion,
      Map<String, String> resourceVersions,
      Set<String> pendingResources,
      boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer,
      boolean hasClusterChanged) {
    // What the stream holds and awaits is read here only, on the stream's thread, which alone
    // changes it: never copied (it is every assignment the client has, at each acknowledgement).
    DeltaWatch watch =
        new DeltaWatch(
            request,
            resourceVersions,
            pendingResources,
            requesterVersion,
            isWildcard,
            responseConsumer);
    Set<String> subscribed = stream == null ? null : deltaStreams.get(stream);
    if (subscribed == null) {
      // A stream this cache was not told of (see deltaRequest): what it holds and awaits now.
      subscribed = new HashSet<>(resourceVersions.keySet());
      subscribed.addAll(pendingResources);
    }
    DeltaOpen open = new DeltaOpen(watch, subscribed);
    if (!request.hasErrorDetail()) {
      // Asked for only once every response was answered: this request acknowledges the last.
      acknowledged(
          "delta",
          request.v3Request().getNode().getId(),
          requesterVersion,
          resourceVersions::containsKey);
      Set<String> candidates =
          deltaCandidates(requesterVersion, resourceVersions, pendingResources);
      if (respondDelta(open, candidates, resourceVersions)) {
        return watch;
      }
    }
    deltaWatches.add(open);
    watch.setStop(() -> cancel(open));
    return watch;
  }

  /**
   * Told of every Delta EDS request, also of those that create no watch (sent while a response is
   * unacknowledged): keeps the names the stream subscribes to.
   */
  public synchronized void deltaRequest(long stream, DeltaDiscoveryRequest request) {
    Set<String> subscribed = deltaStreams.computeIfAbsent(stream, k -> new HashSet<>());
    request.getResourceNamesUnsubscribeList().forEach(subscribed::remove);
    subscribed.addAll(request.getResourceNamesSubscribeList());
  }

  /** A stream closed: what was kept of it goes. */
  public synchronized void streamClosed(long stream) {
    deltaStreams.remove(stream);
  }

  private synchronized void cancel(Object open) {
    sotwWatches.remove(open);
    deltaWatches.remove(open);
  }

  private void answerSotw(Set<String> changed) {
    List<SotwWatch> answered = new ArrayList<>();
    for (SotwWatch open : sotwWatches) {
      Set<String> stale = new HashSet<>();
      for (String name : changed) {
        if (open.names.contains(name) && entries.containsKey(name)) {
          stale.add(name);
        }
      }
      if (!stale.isEmpty() && respond(open, stale)) {
        answered.add(open);
      }
    }
    answered.forEach(sotwWatches::remove);
  }

  private void answerDelta(Set<String> changed) {
    List<DeltaOpen> answered = new ArrayList<>();
    for (DeltaOpen open : deltaWatches) {
      Set<String> candidates = new HashSet<>();
      for (String name : changed) {
        if (open.subscribed.contains(name)) {
          candidates.add(name);
        }
      }
      // What the client holds is its stream's to read, not this thread's: these changed since it
      // was last answered, so it holds an older content or none.
      if (!candidates.isEmpty() && respondDelta(open, candidates, null)) {
        answered.add(open);
      }
    }
    answered.forEach(deltaWatches::remove);
  }

  /** Sends the held assignments among {@code names}; false when none is held or it is gone. */
  private boolean respond(SotwWatch open, Set<String> names) {
    List<ClusterLoadAssignment> resources = new ArrayList<>();
    for (String name : names) {
      Entry e = entries.get(name);
      if (e != null) {
        resources.add(e.assignment());
      }
    }
    if (resources.isEmpty()) {
      return false;
    }
    resources.sort(java.util.Comparator.comparing(ClusterLoadAssignment::getClusterName));
    String v = instance + ":" + version + ":" + open.namesDigest;
    subscriptions.put(open.namesDigest, open.names);
    try {
      open.watch.respond(Response.create(open.watch.request(), resources, v));
      return true;
    } catch (WatchCancelledException e) {
      return true; // the stream is gone: nothing to wait for
    }
  }

  /**
   * The names a Delta client may lack: those it newly asks for, and of those it holds, the ones
   * changed or removed since the version it last received from this cache; all it holds when that
   * version is not this cache's or too old to tell. An acknowledgement then costs the changes
   * since, not a comparison of every assignment the client holds.
   */
  private Set<String> deltaCandidates(
      String requesterVersion, Map<String, String> held, Set<String> pending) {
    Set<String> candidates = new HashSet<>(pending);
    Set<String> touched = null;
    String[] parts = requesterVersion == null ? new String[0] : requesterVersion.split(":");
    if (parts.length == 2 && parts[0].equals(instance)) {
      try {
        touched = touchedSince(Long.parseLong(parts[1]), held.keySet());
      } catch (NumberFormatException e) {
        touched = null;
      }
    }
    candidates.addAll(touched == null ? held.keySet() : touched);
    return candidates;
  }

  /**
   * Those of {@code names} updated or removed after version {@code since}, or null when that is too
   * long ago to tell.
   */
  private Set<String> touchedSince(long since, Set<String> names) {
    if (forgottenUpdate > since || since > version) {
      return null;
    }
    Set<String> touched = new HashSet<>();
    for (var it = history.descendingIterator(); it.hasNext(); ) {
      Update u = it.next();
      if (u.version() <= since) {
        break;
      }
      for (String name : u.names()) {
        if (names.contains(name)) {
          touched.add(name);
        }
      }
    }
    return touched;
  }

  /**
   * Sends what differs among {@code names} from what the client holds; false when nothing. Without
   * {@code held} (read off the stream's thread), every held assignment among them is sent and every
   * other one said removed.
   */
  private boolean respondDelta(DeltaOpen open, Set<String> names, Map<String, String> held) {
    Map<String, VersionedResource<?>> resources = new LinkedHashMap<>();
    List<String> removed = new ArrayList<>();
    for (String name : names.stream().sorted().toList()) {
      Entry e = entries.get(name);
      String holds = held == null ? null : held.get(name);
      if (e == null) {
        if (held == null || holds != null) {
          removed.add(name);
        }
      } else if (!e.digest().equals(holds)) {
        resources.put(name, e.versioned());
      }
    }
    if (resources.isEmpty() && removed.isEmpty()) {
      return false;
    }
    try {
      open.watch.respond(
          DeltaResponse.create(open.watch.request(), resources, removed, instance + ":" + version));
      return true;
    } catch (WatchCancelledException e) {
      return true;
    }
  }

  /**
   * A client acknowledged {@code versionInfo}: reports the remote changes it carried to this
   * client's assignments since the client's previous acknowledgement. A client's first is only
   * remembered (what it got at its start is not a propagation).
   */
  private void acknowledged(String mode, String node, String versionInfo, Predicate<String> holds) {
    String[] parts = versionInfo.split(":");
    if (parts.length < 2 || !parts[0].equals(instance)) {
      return;
    }
    long ackedVersion;
    try {
      ackedVersion = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      return;
    }
    String client = mode + "/" + node;
    Long last = acked.get(client);
    if (last != null && ackedVersion <= last) {
      return;
    }
    acked.put(client, ackedVersion);
    if (last == null) {
      return;
    }
    Instant now = clock.instant();
    for (var it = events.descendingIterator(); it.hasNext(); ) {
      Event e = it.next();
      if (e.version() <= last) {
        break;
      }
      if (e.version() <= ackedVersion && holds.test(e.assignment())) {
        propagation.acknowledged(e.cluster(), mode, Duration.between(e.seen(), now));
      }
    }
  }

  /**
   * Clusters whose definition (CDS) changed: a client re-creates them and waits for their
   * assignments, so the next request that says its clusters changed gets them again. Sends nothing
   * by itself.
   */
  public synchronized void redefined(Collection<String> clusters) {
    if (clusters.isEmpty()) {
      return;
    }
    version++;
    redefinitions.addLast(new Update(version, Set.copyOf(clusters)));
    if (redefinitions.size() > HISTORY) {
      forgottenRedefinition = redefinitions.removeFirst().version();
    }
  }

  /**
   * What a state-of-the-world client asking for {@code names} at {@code versionInfo} lacks: all of
   * them when this cache cannot tell what it holds; else those it did not ask for before, those
   * that changed since, and (when its clusters changed) those redefined since.
   */
  private Set<String> staleFor(String versionInfo, Set<String> names, boolean clustersChanged) {
    String[] parts = versionInfo.split(":");
    Set<String> before = parts.length == 3 ? subscriptions.get(parts[2]) : null;
    if (before == null || !parts[0].equals(instance)) {
      return names;
    }
    long since;
    try {
      since = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      return names;
    }
    Set<String> stale = changedSince(since, names);
    if (stale == null || (clustersChanged && forgottenRedefinition > since)) {
      return names;
    }
    stale = new HashSet<>(stale);
    if (before != names) { // the same list of names is the same set (see subscription)
      for (String name : names) {
        if (!before.contains(name)) {
          stale.add(name);
        }
      }
    }
    if (clustersChanged) {
      for (var it = redefinitions.descendingIterator(); it.hasNext(); ) {
        Update u = it.next();
        if (u.version() <= since) {
          break;
        }
        u.names().stream().filter(names::contains).forEach(stale::add);
      }
    }
    return stale;
  }

  /**
   * Those of {@code names} that changed after version {@code since}, or null when that is too long
   * ago to tell.
   */
  private Set<String> changedSince(long since, Set<String> names) {
    if (since >= version) {
      return Set.of();
    }
    // Versions of redefinitions are not in the history: what tells is what was dropped from it.
    if (forgottenUpdate > since) {
      return null;
    }
    Set<String> stale = new HashSet<>();
    for (var it = history.descendingIterator(); it.hasNext(); ) {
      Update u = it.next();
      if (u.version() <= since) {
        break;
      }
      for (String name : u.names()) {
        if (names.contains(name) && entries.containsKey(name)) {
          stale.add(name);
        }
      }
    }
    return stale;
  }

  /** The names a state-of-the-world request asks for, as a set and its digest. */
  private record Subscription(Set<String> names, String digest) {}

  /**
   * The subscription of a request's names. Every acknowledgement repeats a client's whole list, so
   * the set and its digest are made once per list rather than once per request.
   */
  private Subscription subscription(List<String> names) {
    Subscription s = requested.get(names);
    if (s == null) {
      Set<String> set = Set.copyOf(names);
      s = new Subscription(set, namesDigest(set));
      requested.put(List.copyOf(names), s);
    }
    return s;
  }

  /**
   * The last entries used: clients that route alike share a subscription, so a few hold those of a
   * whole fleet; a client whose entry was forgotten is sent everything it asks for.
   */
  private static final class Memory<K, V> extends LinkedHashMap<K, V> {
    private final int size;

    Memory(int size) {
      super(16, 0.75f, true);
      this.size = size;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
      return size() > size;
    }
  }

  /** An order-independent digest of a set of names. */
  private static String namesDigest(Set<String> names) {
    long sum = 0;
    for (String name : names) {
      sum += Hashing.murmur3_128().hashUnencodedChars(name).asLong();
    }
    return Long.toHexString(sum) + "x" + names.size();
  }
}
