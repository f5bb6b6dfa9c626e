package dev.gantry.xds.ir;

import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.ServicePortSpec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One Envoy cluster: a service port, either federated (every cluster's endpoints, one locality
 * each) or one hub Service (a cluster's mirror, or the hub's own), with the cluster-level policies
 * a route asked for. Routes asking for different policies get different clusters, as in Contour.
 *
 * @param name the Envoy cluster name, Contour's shape {@code namespace/service/port/<hash>}
 * @param strategy how Envoy picks an endpoint
 * @param idleConnectionTimeout how long an upstream connection may stay idle; null keeps Envoy's
 *     default (1 h), {@link Duration#ZERO} disables it ({@code infinity})
 * @param protocol how Envoy speaks to the endpoints (the service's {@code protocol})
 * @param healthCheck active HTTP health checks of the endpoints (the route's {@code
 *     healthCheckPolicy}); null for none
 * @param tls the server name and certificate validation of a TLS protocol; null for none
 * @param slowStart how new endpoints ramp up (the service's {@code slowStartPolicy}); null for none
 * @param healthPort the service port whose endpoint ports the health checks go to (the service's
 *     {@code healthPort}); null for {@code port}
 * @param dns the DNS names Envoy resolves itself, one per source cluster, when the service is an
 *     ExternalName Service (a {@code STRICT_DNS} cluster); empty for a cluster of endpoints (EDS)
 * @param shares the services whose endpoints the cluster spreads requests over in proportion to
 *     their weights (an ExtensionService naming several Services); empty for the one service of
 *     {@code service}, {@code port} and {@code federated}, which are then the first share's
 */
public record Upstream(
    String name,
    FederatedService service,
    ServicePortSpec port,
    boolean federated,
    Strategy strategy,
    Duration idleConnectionTimeout,
    UpstreamProtocol protocol,
    HealthCheck healthCheck,
    UpstreamTls tls,
    SlowStart slowStart,
    ServicePortSpec healthPort,
    List<DnsTarget> dns,
    List<Share> shares) {
  public Upstream {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(protocol, "protocol");
    if (tls != null && !protocol.tls()) {
      throw new IllegalArgumentException(name + ": TLS settings need a TLS protocol");
    }
    if (healthPort != null && healthCheck == null) {
      throw new IllegalArgumentException(name + ": a health port needs a health check");
    }
    dns = List.copyOf(dns);
    shares = List.copyOf(shares);
    if (!shares.isEmpty() && !dns.isEmpty()) {
      throw new IllegalArgumentException(name + ": shares of services are clusters of endpoints");
    }
  }

  /** An upstream over one service, of endpoints or (with {@code dns}) of DNS names. */
  public Upstream(
      String name,
      FederatedService service,
      ServicePortSpec port,
      boolean federated,
      Strategy strategy,
      Duration idleConnectionTimeout,
      UpstreamProtocol protocol,
      HealthCheck healthCheck,
      UpstreamTls tls,
      SlowStart slowStart,
      ServicePortSpec healthPort,
      List<DnsTarget> dns) {
    this(
        name,
        service,
        port,
        federated,
        strategy,
        idleConnectionTimeout,
        protocol,
        healthCheck,
        tls,
        slowStart,
        healthPort,
        dns,
        List.of());
  }

  /**
   * One of several services of an upstream: its endpoints at {@code port} get {@code weight} parts
   * of the requests (Contour's ExtensionService {@code services[].weight}; 0 gets none while
   * another has a weight).
   *
   * @param service the service as merged now; null in an upstream's shape (see {@link
   *     #withService})
   */
  public record Share(
      FederatedService service, ServicePortSpec port, boolean federated, long weight) {
    public Share {
      if (weight < 0) {
        throw new IllegalArgumentException("negative weight " + weight);
      }
    }

    Share withService(FederatedService current) {
      return new Share(current, port, federated, weight);
    }
  }

  /**
   * The shares of this upstream's endpoints: its {@link #shares}, or its one service as the only
   * share.
   */
  public List<Share> members() {
    return shares.isEmpty() ? List.of(new Share(service, port, federated, 1)) : shares;
  }

  /**
   * The services whose endpoints make this upstream's assignment, in order: what changes it. Null
   * elements are services left out of a shape.
   */
  public List<FederatedService> sources() {
    if (shares.isEmpty()) {
      return java.util.Collections.singletonList(service);
    }
    List<FederatedService> out = new java.util.ArrayList<>(shares.size());
    shares.forEach(s -> out.add(s.service()));
    return out;
  }

  /**
   * This upstream over {@code current}, its services as now merged in the order of {@link
   * #members}: for the endpoints of an upstream of several services, one of which changed.
   */
  public Upstream withServices(List<FederatedService> current) {
    if (current.size() != members().size()) {
      throw new IllegalArgumentException(
          name + ": " + current.size() + " services for " + members().size());
    }
    if (shares.isEmpty()) {
      return withService(current.get(0));
    }
    List<Share> now = new java.util.ArrayList<>(shares.size());
    for (int i = 0; i < shares.size(); i++) {
      now.add(shares.get(i).withService(current.get(i)));
    }
    return new Upstream(
        name,
        now.get(0).service(),
        port,
        federated,
        strategy,
        idleConnectionTimeout,
        protocol,
        healthCheck,
        tls,
        slowStart,
        healthPort,
        dns,
        now);
  }

  /** An upstream of endpoints (EDS) whose health checks go to {@code healthPort} (null: port). */
  public Upstream(
      String name,
      FederatedService service,
      ServicePortSpec port,
      boolean federated,
      Strategy strategy,
      Duration idleConnectionTimeout,
      UpstreamProtocol protocol,
      HealthCheck healthCheck,
      UpstreamTls tls,
      SlowStart slowStart,
      ServicePortSpec healthPort) {
    this(
        name,
        service,
        port,
        federated,
        strategy,
        idleConnectionTimeout,
        protocol,
        healthCheck,
        tls,
        slowStart,
        healthPort,
        List.of());
  }

  /** An upstream of endpoints (EDS) whose health checks, if any, go to its own port. */
  public Upstream(
      String name,
      FederatedService service,
      ServicePortSpec port,
      boolean federated,
      Strategy strategy,
      Duration idleConnectionTimeout,
      UpstreamProtocol protocol,
      HealthCheck healthCheck,
      UpstreamTls tls,
      SlowStart slowStart) {
    this(
        name,
        service,
        port,
        federated,
        strategy,
        idleConnectionTimeout,
        protocol,
        healthCheck,
        tls,
        slowStart,
        null,
        List.of());
  }

  /**
   * One source cluster's DNS name: Envoy resolves {@code hostname} and dials its addresses at
   * {@code port} (null: the service port), in a locality of the cluster's {@code priority} and
   * {@code weight}. An ExternalName Service's name is the TLS server name too ({@code serverName});
   * the name the hub's cluster DNS serves for a headless Service is not.
   */
  public record DnsTarget(
      String cluster, int priority, int weight, String hostname, Integer port, boolean serverName) {
    public DnsTarget {
      Objects.requireNonNull(cluster, "cluster");
      Objects.requireNonNull(hostname, "hostname");
      if (port != null && (port < 1 || port > 65535)) {
        throw new IllegalArgumentException(cluster + ": port " + port + " is not 1-65535");
      }
    }

    /** An ExternalName Service's name, dialled at the service port. */
    public DnsTarget(String cluster, int priority, int weight, String hostname) {
      this(cluster, priority, weight, hostname, null, true);
    }
  }

  /** Whether Envoy resolves this upstream's addresses by DNS (no ClusterLoadAssignment). */
  public boolean resolvedByDns() {
    return !dns.isEmpty();
  }

  /** An upstream without slow start. */
  public Upstream(
      String name,
      FederatedService service,
      ServicePortSpec port,
      boolean federated,
      Strategy strategy,
      Duration idleConnectionTimeout,
      UpstreamProtocol protocol,
      HealthCheck healthCheck,
      UpstreamTls tls) {
    this(
        name,
        service,
        port,
        federated,
        strategy,
        idleConnectionTimeout,
        protocol,
        healthCheck,
        tls,
        null);
  }

  /**
   * Envoy's slow start of new endpoints: over {@code window} an endpoint's weight grows from {@code
   * minWeightPercent} % to whole, faster with a higher {@code aggression}.
   */
  public record SlowStart(Duration window, double aggression, int minWeightPercent) {
    public SlowStart {
      Objects.requireNonNull(window, "window");
    }

    /** What tells it apart in a cluster name. */
    public String identity() {
      return window.toNanos() + "," + aggression + "," + minWeightPercent;
    }
  }

  /** An upstream whose TLS, if any, sends no server name and accepts any certificate. */
  public Upstream(
      String name,
      FederatedService service,
      ServicePortSpec port,
      boolean federated,
      Strategy strategy,
      Duration idleConnectionTimeout,
      UpstreamProtocol protocol,
      HealthCheck healthCheck) {
    this(
        name,
        service,
        port,
        federated,
        strategy,
        idleConnectionTimeout,
        protocol,
        healthCheck,
        null);
  }

  /**
   * This upstream over {@code current}, the same service as now merged: for its endpoints, which
   * change without any route changing.
   */
  public Upstream withService(FederatedService current) {
    List<Share> now = shares;
    if (!shares.isEmpty()) {
      // Only an upstream's shape (current null) sets every share's service at once.
      if (current != null) {
        throw new IllegalArgumentException(name + ": an upstream of shares takes withServices");
      }
      now = shares.stream().map(s -> s.withService(null)).toList();
    }
    return new Upstream(
        name,
        current,
        port,
        federated,
        strategy,
        idleConnectionTimeout,
        protocol,
        healthCheck,
        tls,
        slowStart,
        healthPort,
        dns,
        now);
  }

  /** An upstream speaking HTTP/1.1 in clear text, without health checks. */
  public Upstream(
      String name,
      FederatedService service,
      ServicePortSpec port,
      boolean federated,
      Strategy strategy,
      Duration idleConnectionTimeout) {
    this(
        name,
        service,
        port,
        federated,
        strategy,
        idleConnectionTimeout,
        UpstreamProtocol.HTTP1,
        null);
  }

  /** An upstream with Envoy's defaults: round robin, default idle connection timeout. */
  public Upstream(String name, FederatedService service, ServicePortSpec port, boolean federated) {
    this(name, service, port, federated, Strategy.ROUND_ROBIN, null);
  }

  /** Contour's {@code loadBalancerPolicy.strategy} values. */
  public enum Strategy {
    ROUND_ROBIN("RoundRobin"),
    WEIGHTED_LEAST_REQUEST("WeightedLeastRequest"),
    RANDOM("Random"),
    COOKIE("Cookie"),
    REQUEST_HASH("RequestHash");

    private final String contourName;

    Strategy(String contourName) {
      this.contourName = contourName;
    }

    /** The name an HTTPProxy uses for this strategy. */
    public String contourName() {
      return contourName;
    }

    /** Whether Envoy picks by a hash of the request (a ring hash cluster). */
    public boolean hashing() {
      return this == COOKIE || this == REQUEST_HASH;
    }
  }
}
