package dev.gantry.xds.compile;

import dev.gantry.api.Digests;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.federation.ServicePortSpec;
import dev.gantry.xds.ir.HealthCheck;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.UpstreamProtocol;
import dev.gantry.xds.ir.UpstreamTls;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a service a route names is found, in one place for every front end: a hub Service that is
 * one cluster's mirror ({@code <cluster>-<svc>}) routes to that cluster only; any other name is the
 * federated service of that name (every cluster). Also the Envoy cluster name, which covers the
 * cluster-level policies.
 */
public final class ServiceResolver {
  private ServiceResolver() {}

  /**
   * The names of the services looked up on this thread while it records (every lookup of a service,
   * found or not, passes here): a compilation that never asked for a service cannot change when it
   * appears, goes or changes ports. Close it on the thread that opened it.
   */
  public static final class Lookups implements AutoCloseable {
    private static final ThreadLocal<Lookups> CURRENT = new ThreadLocal<>();
    private final Set<ServiceName> names = new HashSet<>();
    private final Lookups outer;

    private Lookups(Lookups outer) {
      this.outer = outer;
    }

    /**
     * Records the lookups of this thread until {@link #close}; a recording already open on this
     * thread gets them too, when this one closes.
     */
    public static Lookups record() {
      Lookups lookups = new Lookups(CURRENT.get());
      CURRENT.set(lookups);
      return lookups;
    }

    /**
     * Counts {@code names} as looked up by the recording open on this thread, if any: for a result
     * reused from an earlier compilation, which looked them up then.
     */
    public static void replay(Collection<ServiceName> names) {
      Lookups lookups = CURRENT.get();
      if (lookups != null) {
        lookups.names.addAll(names);
      }
    }

    /** The names looked up so far. */
    public Set<ServiceName> names() {
      return Set.copyOf(names);
    }

    /** Whether any of {@code names} was looked up, as a federated service or a hub Service. */
    public boolean anyOf(Collection<ServiceName> changed) {
      for (ServiceName name : changed) {
        if (names.contains(name)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void close() {
      if (outer == null) {
        CURRENT.remove();
      } else {
        outer.names.addAll(names);
        CURRENT.set(outer);
      }
    }
  }

  /**
   * Resolves a route service: a hub Service by that name that is one cluster's mirror routes to
   * that cluster only; otherwise the federated service of that name (every cluster).
   */
  public static Upstream resolve(
      String ns,
      HTTPProxySpec.RouteService s,
      FederationSnapshot snapshot,
      ClusterPolicies policies,
      String where,
      List<ProxyVerdict.Error> errors) {
    return resolve(ns, s, snapshot, ExternalNames.DISABLED, policies, null, where, errors);
  }

  /**
   * As {@link #resolve(String, HTTPProxySpec.RouteService, FederationSnapshot, ClusterPolicies,
   * String, List)}, an ExternalName Service reached as {@code externalNames} says.
   */
  public static Upstream resolve(
      String ns,
      HTTPProxySpec.RouteService s,
      FederationSnapshot snapshot,
      ExternalNames externalNames,
      ClusterPolicies policies,
      String where,
      List<ProxyVerdict.Error> errors) {
    return resolve(ns, s, snapshot, externalNames, policies, null, where, errors);
  }

  /**
   * {@code upstream}, resolved here with {@code policies}, with the server name and validation of a
   * TLS protocol ({@code tls}, dropped when it speaks clear text): a cluster of its own name, as
   * the name covers them. Once the protocol is known, without resolving the service again.
   */
  public static Upstream withTls(Upstream upstream, ClusterPolicies policies, UpstreamTls tls) {
    return upstream(
        upstream.service().name(),
        upstream.service(),
        upstream.federated(),
        upstream.port(),
        policies,
        upstream.protocol(),
        upstream.protocol().tls() ? tls : null,
        upstream.healthPort(),
        upstream.dns());
  }

  /**
   * As {@link #resolve(String, HTTPProxySpec.RouteService, FederationSnapshot, ClusterPolicies,
   * String, List)}, with the server name and validation a TLS protocol uses ({@code tls}, dropped
   * when the service speaks clear text; null for none).
   */
  public static Upstream resolve(
      String ns,
      HTTPProxySpec.RouteService s,
      FederationSnapshot snapshot,
      ExternalNames externalNames,
      ClusterPolicies policies,
      UpstreamTls tls,
      String where,
      List<ProxyVerdict.Error> errors) {
    if (s == null || s.getName() == null || s.getName().isBlank()) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SERVICE_ERROR,
              "ServiceUnresolvedReference",
              where + ": service name is empty"));
      return null;
    }
    if (s.getPort() == null || s.getPort() < 1 || s.getPort() > 65535) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SERVICE_ERROR,
              "ServicePortInvalid",
              where + ": port " + s.getPort() + " is not 1-65535"));
      return null;
    }
    UpstreamProtocol asked = UpstreamProtocol.parse(s.getProtocol(), where, errors);
    if (asked == null) {
      return null;
    }
    ServiceName name = ServiceName.of(ns, s.getName());
    FederatedService target = target(name, snapshot);
    if (target == null) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SERVICE_ERROR,
              "ServiceUnresolvedReference",
              where + ": service \"" + name + "\" is not found"));
      return null;
    }
    ServicePortSpec port =
        target.ports().stream().filter(p -> p.port() == s.getPort()).findFirst().orElse(null);
    if (port == null) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SERVICE_ERROR,
              "ServiceUnresolvedReference",
              where + ": service \"" + name + "\": port " + s.getPort() + " is not defined"));
      return null;
    }
    int before = errors.size();
    ServicePortSpec healthPort = healthPort(s, target, name, policies, where, errors);
    if (errors.size() > before) {
      return null;
    }
    // The route's protocol, else the one the Service gives the port (as Contour).
    UpstreamProtocol protocol =
        s.getProtocol() == null || s.getProtocol().isEmpty()
            ? UpstreamProtocol.ofService(port)
            : asked;
    List<Upstream.DnsTarget> dns = dns(name, target, port, externalNames, protocol, where, errors);
    if (dns == null) {
      return null;
    }
    return upstream(
        name,
        target,
        federated(name, snapshot),
        port,
        policies,
        protocol,
        protocol.tls() ? withDnsName(tls, dns) : null,
        healthPort,
        dns);
  }

  /**
   * The Service port the health checks of {@code s} go to, as Contour: its {@code healthPort} when
   * the route (or TCP proxy) has a health check policy and it differs from {@code port}, which must
   * then be a port of the Service as {@code port} must ({@code ServiceUnresolvedReference}); null
   * when the checks go to {@code port}, or with an error added when it does not resolve. A value
   * outside 1-65535 (Contour's CRD refuses it) is {@code ServicePortInvalid}.
   */
  private static ServicePortSpec healthPort(
      HTTPProxySpec.RouteService s,
      FederatedService target,
      ServiceName name,
      ClusterPolicies policies,
      String where,
      List<ProxyVerdict.Error> errors) {
    Integer wanted = s.getHealthPort();
    if (wanted == null) {
      return null;
    }
    if (wanted < 1 || wanted > 65535) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SERVICE_ERROR,
              "ServicePortInvalid",
              where + ": healthPort " + wanted + " is not 1-65535"));
      return null;
    }
    if (policies.healthCheck() == null || wanted.equals(s.getPort())) {
      return null;
    }
    ServicePortSpec port =
        target.ports().stream().filter(p -> p.port() == wanted).findFirst().orElse(null);
    if (port == null) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SERVICE_ERROR,
              "ServiceUnresolvedReference",
              where + ": service \"" + name + "\": healthPort " + wanted + " is not defined"));
      return null;
    }
    return port;
  }

  /**
   * The DNS targets of an ExternalName service (empty for one of endpoints), or null with an error
   * when the route may not reach it, or when over TLS its clusters name different hosts (one Envoy
   * cluster sends one server name).
   */
  private static List<Upstream.DnsTarget> dns(
      ServiceName name,
      FederatedService target,
      ServicePortSpec port,
      ExternalNames externalNames,
      UpstreamProtocol protocol,
      String where,
      List<ProxyVerdict.Error> errors) {
    List<Upstream.DnsTarget> dns = externalNames.targets(name, target, port, where, errors);
    if (dns == null || !protocol.tls() || dns.stream().noneMatch(Upstream.DnsTarget::serverName)) {
      return dns;
    }
    List<String> hosts = dns.stream().map(Upstream.DnsTarget::hostname).distinct().toList();
    if (hosts.size() > 1) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SERVICE_ERROR,
              "ServiceUnresolvedReference",
              where
                  + ": unresolved service reference: "
                  + name
                  + " is an ExternalName service whose clusters name different hosts "
                  + hosts
                  + ", and over TLS one server name is sent to all of them: route to one"
                  + " cluster's mirror (<cluster>-"
                  + name.name()
                  + ") instead"));
      return null;
    }
    return dns;
  }

  /**
   * The server name an ExternalName service's TLS sends when nothing else names one: the external
   * name, as Contour's SNI (a Host rewrite comes first, {@code tls} holds it).
   */
  private static UpstreamTls withDnsName(UpstreamTls tls, List<Upstream.DnsTarget> dns) {
    if (dns.isEmpty() || !dns.get(0).serverName() || (tls != null && tls.sni() != null)) {
      return tls;
    }
    String host = dns.get(0).hostname();
    return new UpstreamTls(host, tls == null ? null : tls.validation());
  }

  /**
   * The one hostname of a DNS upstream that is a TLS server name (an ExternalName's), else null.
   */
  public static String dnsName(Upstream upstream) {
    return upstream.dns().isEmpty() || !upstream.dns().get(0).serverName()
        ? null
        : upstream.dns().get(0).hostname();
  }

  /**
   * As {@link #resolve(String, HTTPProxySpec.RouteService, FederationSnapshot, ClusterPolicies,
   * String, List)}, as an outcome.
   */
  public static Outcome<Upstream> resolve(
      String ns,
      HTTPProxySpec.RouteService s,
      FederationSnapshot snapshot,
      ClusterPolicies policies,
      String where) {
    List<ProxyVerdict.Error> errors = new java.util.ArrayList<>();
    Upstream upstream = resolve(ns, s, snapshot, ExternalNames.DISABLED, policies, where, errors);
    return upstream == null ? Outcome.failed(errors) : Outcome.of(upstream);
  }

  /**
   * What a route asks of its clusters, beyond the service port; {@code slowStart} is the service's
   * own ({@link #withSlowStart}).
   */
  public record ClusterPolicies(
      Upstream.Strategy strategy,
      java.time.Duration idleConnection,
      HealthCheck healthCheck,
      Upstream.SlowStart slowStart) {
    /** A plain round robin cluster, as a TCP proxy's. */
    public static final ClusterPolicies DEFAULT =
        new ClusterPolicies(Upstream.Strategy.ROUND_ROBIN, null, null);

    public ClusterPolicies(
        Upstream.Strategy strategy, java.time.Duration idleConnection, HealthCheck healthCheck) {
      this(strategy, idleConnection, healthCheck, null);
    }

    /** These policies for one service, with its slow start (null for none). */
    public ClusterPolicies withSlowStart(Upstream.SlowStart slowStart) {
      return new ClusterPolicies(strategy, idleConnection, healthCheck, slowStart);
    }
  }

  /**
   * A service's weight (0 when unset), or null with an error of {@code type} when it is outside
   * 0..1000000.
   */
  public static Long weight(
      HTTPProxySpec.RouteService s, String type, String where, List<ProxyVerdict.Error> errors) {
    long weight = s.getWeight() == null ? 0 : s.getWeight();
    if (weight < 0 || weight > 1_000_000) {
      errors.add(
          new ProxyVerdict.Error(
              type, "WeightInvalid", where + ": weight " + weight + " is outside 0..1000000"));
      return null;
    }
    return weight;
  }

  /** As {@link #weight(HTTPProxySpec.RouteService, String, String, List)}, as an outcome. */
  public static Outcome<Long> weight(HTTPProxySpec.RouteService s, String type, String where) {
    List<ProxyVerdict.Error> errors = new java.util.ArrayList<>();
    Long weight = weight(s, type, where, errors);
    return weight == null ? Outcome.failed(errors) : Outcome.of(weight);
  }

  /**
   * Resolves a service port given by number or by name (an Ingress backend): exactly one of {@code
   * number} and {@code portName} is set. The upstream has the default policies and speaks what the
   * Service gives the port ({@link UpstreamProtocol#ofService}).
   */
  public static Outcome<Upstream> resolve(
      String ns,
      String service,
      Integer number,
      String portName,
      FederationSnapshot snapshot,
      String where) {
    return resolve(ns, service, number, portName, snapshot, ExternalNames.DISABLED, where);
  }

  /**
   * As {@link #resolve(String, String, Integer, String, FederationSnapshot, String)}, an
   * ExternalName Service reached as {@code externalNames} says.
   */
  public static Outcome<Upstream> resolve(
      String ns,
      String service,
      Integer number,
      String portName,
      FederationSnapshot snapshot,
      ExternalNames externalNames,
      String where) {
    ServiceName name = ServiceName.of(ns, service);
    FederatedService target = target(name, snapshot);
    if (target == null) {
      return Outcome.failed(
          new ProxyVerdict.Error(
              ProxyVerdict.SERVICE_ERROR,
              "ServiceUnresolvedReference",
              where + ": service \"" + name + "\" is not found"));
    }
    ServicePortSpec port =
        target.ports().stream()
            .filter(p -> portName != null ? portName.equals(p.name()) : p.port() == number)
            .findFirst()
            .orElse(null);
    if (port == null) {
      String wanted = portName != null ? "named \"" + portName + "\"" : String.valueOf(number);
      return Outcome.failed(
          new ProxyVerdict.Error(
              ProxyVerdict.SERVICE_ERROR,
              "ServiceUnresolvedReference",
              where + ": service \"" + name + "\" has no port " + wanted));
    }
    UpstreamProtocol protocol = UpstreamProtocol.ofService(port);
    List<ProxyVerdict.Error> errors = new java.util.ArrayList<>();
    List<Upstream.DnsTarget> dns = dns(name, target, port, externalNames, protocol, where, errors);
    if (dns == null) {
      return Outcome.failed(errors);
    }
    return Outcome.of(
        upstream(
            name,
            target,
            federated(name, snapshot),
            port,
            ClusterPolicies.DEFAULT,
            protocol,
            protocol.tls() ? withDnsName(null, dns) : null,
            null,
            dns));
  }

  /**
   * {@code u} reached over plain TCP whatever protocol its Service port gives it (no upstream TLS,
   * no HTTP/2): the cluster a passed-through TLS stream goes to unchanged. Its name is the one a
   * route to the same port with the default policies gets, so the two share one Envoy cluster.
   */
  public static Upstream plainTcp(Upstream u) {
    if (u.protocol() == UpstreamProtocol.HTTP1 || !u.shares().isEmpty()) {
      return u;
    }
    return upstream(
        u.service().name(),
        u.service(),
        u.federated(),
        u.port(),
        ClusterPolicies.DEFAULT,
        UpstreamProtocol.HTTP1,
        null,
        null,
        u.dns());
  }

  /** The service a route to {@code name} reaches, or null when there is none. */
  private static FederatedService target(ServiceName name, FederationSnapshot snapshot) {
    return federated(name, snapshot)
        ? snapshot.federated().get(name)
        : snapshot.hubServices().get(name);
  }

  /** False when {@code name} is a hub Service that is one cluster's mirror. */
  private static boolean federated(ServiceName name, FederationSnapshot snapshot) {
    Lookups lookups = Lookups.CURRENT.get();
    if (lookups != null) {
      lookups.names.add(name);
    }
    FederatedService hubService = snapshot.hubServices().get(name);
    return hubService == null
        || hubService.clusters().containsKey(FederationSnapshot.LOCAL_CLUSTER);
  }

  private static Upstream upstream(
      ServiceName name,
      FederatedService target,
      boolean federated,
      ServicePortSpec port,
      ClusterPolicies policies,
      UpstreamProtocol protocol,
      UpstreamTls tls,
      ServicePortSpec healthPort,
      List<Upstream.DnsTarget> dns) {
    // Like Contour's cluster names, the hash covers the cluster-level policies, so that routes
    // asking for different ones get different clusters; the defaults add nothing, which keeps the
    // names of clusters without policies as they were.
    StringBuilder identity =
        new StringBuilder(name + "/" + port.port() + "/" + (federated ? "federated" : "service"));
    Upstream.Strategy strategy = policies.strategy();
    java.time.Duration idleConnection = policies.idleConnection();
    if (strategy != Upstream.Strategy.ROUND_ROBIN) {
      identity.append("/lb=").append(strategy.contourName());
    }
    if (idleConnection != null) {
      identity.append("/idleConnection=").append(idleConnection.toNanos());
    }
    if (protocol != UpstreamProtocol.HTTP1) {
      identity.append("/protocol=").append(protocol.contourName());
    }
    if (policies.healthCheck() != null) {
      identity.append("/healthCheck=").append(policies.healthCheck().identity());
    }
    if (tls != null) {
      identity.append("/tls=").append(tls.identity());
    }
    if (policies.slowStart() != null) {
      identity.append("/slowStart=").append(policies.slowStart().identity());
    }
    if (healthPort != null) {
      identity.append("/healthPort=").append(healthPort.port());
    }
    if (!dns.isEmpty()) {
      // Another kind of Envoy cluster: a Service turning ExternalName gets a new one, not a
      // change of type under the same name.
      identity.append("/dns");
    }
    String clusterName =
        name.namespace()
            + "/"
            + name.name()
            + "/"
            + port.port()
            + "/"
            + shortHash(identity.toString());
    return Upstream.of(clusterName, target, port, federated)
        .strategy(strategy)
        .idleConnectionTimeout(idleConnection)
        .protocol(protocol)
        .healthCheck(policies.healthCheck())
        .tls(tls)
        .slowStart(policies.slowStart())
        .healthPort(healthPort)
        .dns(dns)
        .build();
  }

  /** The first ten hex digits of the SHA-256 of {@code value}: cluster name suffixes. */
  public static String shortHash(String value) {
    return Digests.sha256Hex(value).substring(0, 10);
  }
}
