package dev.gantry.xds.ir;

import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.ServicePortSpec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One Envoy cluster: a service port, either federated (every cluster's endpoints, one locality
 * each) or one hub Service (a cluster's mirror, or the hub's own), or several such services sharing
 * its requests, with the cluster-level policies a route asked for. Routes asking for different
 * policies get different clusters, as in Contour. Built with {@link #of}.
 *
 * @param name the Envoy cluster name, Contour's shape {@code namespace/service/port/<hash>}
 * @param members the services whose endpoints make the cluster, in order, at least one: one service
 *     takes every request (its weight is 1); several share them in proportion to their weights (an
 *     ExtensionService naming several Services, see {@link #shares})
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
 */
public record Upstream(
    String name,
    List<Share> members,
    Strategy strategy,
    Duration idleConnectionTimeout,
    UpstreamProtocol protocol,
    HealthCheck healthCheck,
    UpstreamTls tls,
    SlowStart slowStart,
    ServicePortSpec healthPort,
    List<DnsTarget> dns) {
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
    members = List.copyOf(members);
    if (members.isEmpty()) {
      throw new IllegalArgumentException(name + ": an upstream of no service");
    }
    if (members.size() == 1 && members.get(0).weight() != 1) {
      // One service takes every request whatever its weight: the same upstream as without one.
      Share only = members.get(0);
      members = List.of(new Share(only.service(), only.port(), only.federated(), 1));
    }
    if (members.size() > 1 && !dns.isEmpty()) {
      throw new IllegalArgumentException(name + ": shares of services are clusters of endpoints");
    }
  }

  /**
   * An upstream of one service, of endpoints or (with {@link Builder#dns}) of DNS names, with
   * Envoy's defaults until the builder says otherwise: round robin, HTTP/1.1 in clear text, the
   * default idle connection timeout, no health checks, TLS or slow start.
   */
  public static Builder of(
      String name, FederatedService service, ServicePortSpec port, boolean federated) {
    return new Builder(name, List.of(new Share(service, port, federated, 1)));
  }

  /**
   * An upstream whose endpoints are those of {@code shares}, each getting requests in proportion to
   * its weight (one share: that service alone), with the defaults of {@link #of(String,
   * FederatedService, ServicePortSpec, boolean)}.
   */
  public static Builder of(String name, List<Share> shares) {
    return new Builder(name, shares);
  }

  /** A builder holding everything of this upstream, to derive another from it. */
  public Builder toBuilder() {
    return builder(members);
  }

  private Builder builder(List<Share> over) {
    return new Builder(name, over)
        .strategy(strategy)
        .idleConnectionTimeout(idleConnectionTimeout)
        .protocol(protocol)
        .healthCheck(healthCheck)
        .tls(tls)
        .slowStart(slowStart)
        .healthPort(healthPort)
        .dns(dns);
  }

  /** The service of the upstream's one service, or its first share's; null in a shape. */
  public FederatedService service() {
    return members.get(0).service();
  }

  /** The service port of the upstream's one service, or its first share's. */
  public ServicePortSpec port() {
    return members.get(0).port();
  }

  /** Whether the upstream's one service, or its first share, is federated (not a hub Service). */
  public boolean federated() {
    return members.get(0).federated();
  }

  /**
   * The services whose endpoints the cluster spreads requests over in proportion to their weights
   * (an ExtensionService naming several Services); empty for an upstream of one service.
   */
  public List<Share> shares() {
    return members.size() == 1 ? List.of() : members;
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
   * The services whose endpoints make this upstream's assignment, in order: what changes it. Null
   * elements are services left out of a shape.
   */
  public List<FederatedService> sources() {
    if (members.size() == 1) {
      return java.util.Collections.singletonList(service());
    }
    List<FederatedService> out = new java.util.ArrayList<>(members.size());
    members.forEach(s -> out.add(s.service()));
    return out;
  }

  /**
   * This upstream over {@code current}, the same service as now merged: for its endpoints, which
   * change without any route changing. Null gives its shape, every share's service left out.
   */
  public Upstream withService(FederatedService current) {
    if (members.size() == 1) {
      return withMembers(List.of(members.get(0).withService(current)));
    }
    // Only an upstream's shape (current null) sets every share's service at once.
    if (current != null) {
      throw new IllegalArgumentException(name + ": an upstream of shares takes withServices");
    }
    return withMembers(members.stream().map(s -> s.withService(null)).toList());
  }

  /**
   * This upstream over {@code current}, its services as now merged in the order of {@link
   * #members}: for the endpoints of an upstream of several services, one of which changed.
   */
  public Upstream withServices(List<FederatedService> current) {
    if (current.size() != members.size()) {
      throw new IllegalArgumentException(
          name + ": " + current.size() + " services for " + members.size());
    }
    List<Share> now = new java.util.ArrayList<>(members.size());
    for (int i = 0; i < members.size(); i++) {
      now.add(members.get(i).withService(current.get(i)));
    }
    return withMembers(now);
  }

  private Upstream withMembers(List<Share> now) {
    return builder(now).build();
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

  /**
   * Builds an {@link Upstream}: its name and services are given to {@link Upstream#of}, every
   * policy left unset keeps Envoy's default.
   */
  public static final class Builder {
    private final String name;
    private final List<Share> members;
    private Strategy strategy = Strategy.ROUND_ROBIN;
    private Duration idleConnectionTimeout;
    private UpstreamProtocol protocol = UpstreamProtocol.HTTP1;
    private HealthCheck healthCheck;
    private UpstreamTls tls;
    private SlowStart slowStart;
    private ServicePortSpec healthPort;
    private List<DnsTarget> dns = List.of();

    private Builder(String name, List<Share> members) {
      this.name = name;
      this.members = members;
    }

    public Builder strategy(Strategy strategy) {
      this.strategy = strategy;
      return this;
    }

    public Builder idleConnectionTimeout(Duration idleConnectionTimeout) {
      this.idleConnectionTimeout = idleConnectionTimeout;
      return this;
    }

    public Builder protocol(UpstreamProtocol protocol) {
      this.protocol = protocol;
      return this;
    }

    public Builder healthCheck(HealthCheck healthCheck) {
      this.healthCheck = healthCheck;
      return this;
    }

    public Builder tls(UpstreamTls tls) {
      this.tls = tls;
      return this;
    }

    public Builder slowStart(SlowStart slowStart) {
      this.slowStart = slowStart;
      return this;
    }

    public Builder healthPort(ServicePortSpec healthPort) {
      this.healthPort = healthPort;
      return this;
    }

    public Builder dns(List<DnsTarget> dns) {
      this.dns = dns;
      return this;
    }

    /** The upstream, validated as its canonical constructor does. */
    public Upstream build() {
      return new Upstream(
          name,
          members,
          strategy,
          idleConnectionTimeout,
          protocol,
          healthCheck,
          tls,
          slowStart,
          healthPort,
          dns);
    }
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
