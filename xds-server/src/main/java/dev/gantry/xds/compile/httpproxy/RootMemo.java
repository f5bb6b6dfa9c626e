package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.compile.ServiceResolver;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.tls.TlsSecrets;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The virtual hosts of the last compilation's self-contained roots, reused while nothing they were
 * compiled from has changed: so a build after one proxy changed compiles that proxy, not all of
 * them.
 *
 * <p>A root is self-contained when it includes no other proxy (neither {@code includes} nor {@code
 * tcpproxy.include}) and is the only claim on its fqdn: its host is then a function of the root
 * object itself, the services it looked up, and the compilation's shared inputs (certificates,
 * delegations, ExtensionServices, the rate limit service's state). An entry is reused only when the
 * root is the very object compiled then (a cache replaces an object on every change), every service
 * it looked up is as it was (federated service and hub Service alike, endpoints included, so the
 * upstreams it holds are current), and the shared inputs are the same; otherwise the root is
 * compiled again. Entries of roots not compiled in a compilation are forgotten. Used by one thread
 * at a time.
 */
final class RootMemo {
  /** What every root is compiled against beside itself and its services. */
  record Shared(
      Map<String, TlsSecrets.Outcome> certificates,
      Delegations delegations,
      Map<String, ExtensionServices.Extension> extensions,
      String rateLimitProblem) {
    /** Same certificates and delegations (by identity: each change replaces them), equal rest. */
    boolean sameAs(Shared other) {
      return other != null
          && certificates == other.certificates
          && delegations == other.delegations
          && Objects.equals(extensions, other.extensions)
          && Objects.equals(rateLimitProblem, other.rateLimitProblem);
    }
  }

  /** One service as a root's compilation saw it. */
  private record Seen(FederatedService federated, FederatedService hub) {
    static Seen of(ServiceName name, FederationSnapshot snapshot) {
      return new Seen(snapshot.federated().get(name), snapshot.hubServices().get(name));
    }

    boolean stillIn(ServiceName name, FederationSnapshot snapshot) {
      return same(federated, snapshot.federated().get(name))
          && same(hub, snapshot.hubServices().get(name));
    }

    private static boolean same(FederatedService a, FederatedService b) {
      return a == b || Objects.equals(a, b);
    }
  }

  /** A root's compilation: its outcome, what was found about it, and the services it saw. */
  private record Entry(
      HTTPProxy root,
      Optional<RootCompiler.Host> host,
      List<ProxyVerdict.Error> errors,
      List<ProxyVerdict.Error> warnings,
      boolean blocked,
      Map<ServiceName, Seen> services) {}

  private Shared shared;
  private Map<String, Entry> entries = new HashMap<>();
  private Map<String, Entry> next = new HashMap<>();
  private int reused;
  private int checked;
  // The snapshot every entry was last found current in (the last compilation's), weakly: once
  // the hub has moved on to later ones, its old services are not kept for this. Its maps are
  // persistent: a snapshot with the very same maps holds the very same services.
  private WeakReference<FederationSnapshot> checkedIn = new WeakReference<>(null);
  // The snapshot of the compilation under way.
  private FederationSnapshot compiling;

  /**
   * Starts a compilation against {@code shared}: when it differs from the last one's, nothing is
   * reused.
   */
  void begin(Shared shared) {
    if (!shared.sameAs(this.shared)) {
      entries = new HashMap<>();
    }
    this.shared = shared;
    next = new HashMap<>();
    reused = 0;
    checked = 0;
  }

  /** Ends a compilation: what it did not compile or reuse is forgotten. */
  void end() {
    entries = next;
    next = new HashMap<>();
    checkedIn = new WeakReference<>(compiling);
    compiling = null;
  }

  /** How many roots the current (or last) compilation reused. */
  int reused() {
    return reused;
  }

  /** How many services the current (or last) compilation looked up to tell a root unchanged. */
  int checked() {
    return checked;
  }

  /** Whether {@code root} may be reused or remembered: it reads no other proxy. */
  static boolean selfContained(HTTPProxy root) {
    HTTPProxySpec spec = root.getSpec();
    return spec != null
        && (spec.getIncludes() == null || spec.getIncludes().isEmpty())
        && (spec.getTcpproxy() == null || spec.getTcpproxy().getInclude() == null);
  }

  /**
   * The root's host as compiled before, its findings restored into {@code f} and its lookups
   * counted again, when nothing it was compiled from changed; else null.
   */
  Optional<RootCompiler.Host> reuse(
      String key, HTTPProxy root, FederationSnapshot snapshot, Findings f) {
    compiling = snapshot;
    Entry entry = entries.get(key);
    if (entry == null || entry.root() != root || !current(entry, snapshot)) {
      return null;
    }
    f.restore(entry.errors(), entry.warnings(), entry.blocked());
    ServiceResolver.Lookups.replay(entry.services().keySet());
    next.put(key, entry);
    reused++;
    return entry.host();
  }

  /**
   * Whether every service the entry saw is as it was: at once when the snapshot's maps are those.
   */
  private boolean current(Entry entry, FederationSnapshot snapshot) {
    FederationSnapshot last = checkedIn.get();
    if (last != null
        && last.federated() == snapshot.federated()
        && last.hubServices() == snapshot.hubServices()) {
      return true;
    }
    for (Map.Entry<ServiceName, Seen> service : entry.services().entrySet()) {
      checked++;
      if (!service.getValue().stillIn(service.getKey(), snapshot)) {
        return false;
      }
    }
    return true;
  }

  /** Remembers a root's compilation: its outcome, findings, and the services it looked up. */
  void remember(
      String key,
      HTTPProxy root,
      Optional<RootCompiler.Host> host,
      Findings f,
      Set<ServiceName> lookedUp,
      FederationSnapshot snapshot) {
    compiling = snapshot;
    Map<ServiceName, Seen> services = new HashMap<>();
    lookedUp.forEach(name -> services.put(name, Seen.of(name, snapshot)));
    next.put(
        key,
        new Entry(
            root,
            host,
            List.copyOf(f.errors),
            List.copyOf(f.warnings),
            f.blocked(),
            Map.copyOf(services)));
  }
}
