package dev.gantry.hub;

import dev.gantry.runtime.LeaderElection;
import dev.gantry.xds.compile.httpproxy.RateLimitService;
import dev.gantry.xds.ir.DnsLookupFamily;
import dev.gantry.xds.server.XdsTls;
import dev.gantry.xds.translate.ListenerSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Settings of the hub process, from {@link HubCommand}'s flags or tests.
 *
 * @param staleEndpointTtl how long a stale cluster keeps contributing endpoints; null = forever
 * @param adminAddress where /metrics, /healthz and /readyz are served; null = not served
 * @param envoyHttpsPort port of Envoy's ingress_https listener (TLS virtual hosts)
 * @param xdsTls mutual TLS of the xDS port; null serves it in plain text
 * @param leaderElection the Lease a replica holds before it writes status and ServiceImports; null
 *     writes at once (a single replica)
 * @param heartbeatTimeout how long a discoverer's heartbeat may stand still before the hub marks
 *     its cluster Stale; null = the hub does not judge heartbeats
 * @param listenerSettings how Envoy's listeners treat clients (access log, client address, PROXY
 *     protocol, paths, Server header, timeouts)
 * @param fallbackCertificate the Secret ({@code namespace/name}) that HTTPProxies with {@code
 *     tls.enableFallbackCertificate} are served with to clients without a known SNI; null: none
 * @param statusAddress where the address written into {@code status.loadBalancer} of HTTPProxies
 *     and Ingresses comes from; null: none is written
 * @param rateLimitService the service that counts HTTPProxies' global rate limits; null = none
 *     (proxies that use them are invalid)
 * @param externalNameServices whether routes may reach ExternalName Services, as DNS clusters
 *     (Contour's {@code enableExternalNameService}; off by default: it lets anyone who may write a
 *     Service send the gateway's traffic to any DNS name)
 * @param clusterDomain the hub's cluster DNS domain ({@code cluster.local} by default): a Service
 *     resolved by DNS ({@code gantry.dev/upstream-discovery: dns}) is {@code
 *     <name>.<namespace>.svc.<clusterDomain>}
 * @param externalNameDnsLookupFamily which addresses Envoy asks DNS for when it resolves a name
 *     itself: an ExternalName Service, a JWT provider's key set without its own family ({@code
 *     --dns-lookup-family}, Contour's {@code cluster.dnsLookupFamily}, {@code auto} by default)
 */
public record HubConfig(
    InetSocketAddress xdsAddress,
    InetSocketAddress adminAddress,
    Duration holdoff,
    Duration staleEndpointTtl,
    String ingressClass,
    String envoyHttpAddress,
    int envoyHttpPort,
    int envoyHttpsPort,
    XdsTls xdsTls,
    LeaderElection.Settings leaderElection,
    Duration heartbeatTimeout,
    ListenerSettings listenerSettings,
    String fallbackCertificate,
    StatusAddress.Source statusAddress,
    RateLimitService rateLimitService,
    boolean externalNameServices,
    DnsLookupFamily externalNameDnsLookupFamily,
    String clusterDomain) {
  public HubConfig {
    Objects.requireNonNull(listenerSettings, "listenerSettings");
    if (clusterDomain == null || !validClusterDomain(clusterDomain)) {
      throw new IllegalArgumentException(
          "--cluster-domain must be a DNS domain such as cluster.local, not \""
              + clusterDomain
              + "\"");
    }
    Objects.requireNonNull(externalNameDnsLookupFamily, "externalNameDnsLookupFamily");
    if (fallbackCertificate != null && !validSecretRef(fallbackCertificate)) {
      throw new IllegalArgumentException(
          "--fallback-certificate must be namespace/name of a Secret, not \""
              + fallbackCertificate
              + "\"");
    }
    if (heartbeatTimeout != null && (heartbeatTimeout.isNegative() || heartbeatTimeout.isZero())) {
      throw new IllegalArgumentException("--cluster-heartbeat-timeout must be positive");
    }
    if (holdoff.isNegative()) {
      throw new IllegalArgumentException("--holdoff must not be negative");
    }
    if (ingressClass == null || ingressClass.isBlank()) {
      throw new IllegalArgumentException("--ingress-class must not be empty");
    }
    if (envoyHttpPort < 1 || envoyHttpPort > 65535) {
      throw new IllegalArgumentException("--envoy-http-port must be 1-65535");
    }
    if (envoyHttpsPort < 1 || envoyHttpsPort > 65535) {
      throw new IllegalArgumentException("--envoy-https-port must be 1-65535");
    }
    if (envoyHttpsPort == envoyHttpPort) {
      throw new IllegalArgumentException(
          "--envoy-https-port must differ from --envoy-http-port (" + envoyHttpPort + ")");
    }
  }

  /** Settings without heartbeat judging (tests that write RemoteClusters by hand). */
  public HubConfig(
      InetSocketAddress xdsAddress,
      InetSocketAddress adminAddress,
      Duration holdoff,
      Duration staleEndpointTtl,
      String ingressClass,
      String envoyHttpAddress,
      int envoyHttpPort,
      int envoyHttpsPort,
      XdsTls xdsTls,
      LeaderElection.Settings leaderElection) {
    this(
        xdsAddress,
        adminAddress,
        holdoff,
        staleEndpointTtl,
        ingressClass,
        envoyHttpAddress,
        envoyHttpPort,
        envoyHttpsPort,
        xdsTls,
        leaderElection,
        null,
        ListenerSettings.contour(),
        null,
        null,
        null,
        false,
        DnsLookupFamily.AUTO);
  }

  /** Settings without a rate limit service. */
  public HubConfig(
      InetSocketAddress xdsAddress,
      InetSocketAddress adminAddress,
      Duration holdoff,
      Duration staleEndpointTtl,
      String ingressClass,
      String envoyHttpAddress,
      int envoyHttpPort,
      int envoyHttpsPort,
      XdsTls xdsTls,
      LeaderElection.Settings leaderElection,
      Duration heartbeatTimeout,
      ListenerSettings listenerSettings,
      String fallbackCertificate,
      StatusAddress.Source statusAddress) {
    this(
        xdsAddress,
        adminAddress,
        holdoff,
        staleEndpointTtl,
        ingressClass,
        envoyHttpAddress,
        envoyHttpPort,
        envoyHttpsPort,
        xdsTls,
        leaderElection,
        heartbeatTimeout,
        listenerSettings,
        fallbackCertificate,
        statusAddress,
        null,
        false,
        DnsLookupFamily.AUTO);
  }

  /** As the canonical constructor, the cluster domain Kubernetes' default. */
  public HubConfig(
      InetSocketAddress xdsAddress,
      InetSocketAddress adminAddress,
      Duration holdoff,
      Duration staleEndpointTtl,
      String ingressClass,
      String envoyHttpAddress,
      int envoyHttpPort,
      int envoyHttpsPort,
      XdsTls xdsTls,
      LeaderElection.Settings leaderElection,
      Duration heartbeatTimeout,
      ListenerSettings listenerSettings,
      String fallbackCertificate,
      StatusAddress.Source statusAddress,
      RateLimitService rateLimitService,
      boolean externalNameServices,
      DnsLookupFamily externalNameDnsLookupFamily) {
    this(
        xdsAddress,
        adminAddress,
        holdoff,
        staleEndpointTtl,
        ingressClass,
        envoyHttpAddress,
        envoyHttpPort,
        envoyHttpsPort,
        xdsTls,
        leaderElection,
        heartbeatTimeout,
        listenerSettings,
        fallbackCertificate,
        statusAddress,
        rateLimitService,
        externalNameServices,
        externalNameDnsLookupFamily,
        "cluster.local");
  }

  /** The same settings, Services resolved by DNS named under {@code domain}. */
  public HubConfig withClusterDomain(String domain) {
    return with(c -> c.clusterDomain = domain);
  }

  /** Labels of letters, digits and hyphens, 1 to 63 characters each, at most 253 in all. */
  static boolean validClusterDomain(String domain) {
    return domain.length() <= 253
        && domain.matches(
            "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  }

  /** The same settings with the xDS port served over {@code tls} (null: plain text). */
  public HubConfig withXdsTls(XdsTls tls) {
    return with(c -> c.xdsTls = tls);
  }

  /** The same settings, writing only while holding the lease {@code election} names. */
  public HubConfig withLeaderElection(LeaderElection.Settings election) {
    return with(c -> c.leaderElection = election);
  }

  /** The same settings, marking a cluster Stale when its heartbeat stands still for {@code t}. */
  public HubConfig withHeartbeatTimeout(Duration t) {
    return with(c -> c.heartbeatTimeout = t);
  }

  /** The same settings, with Envoy's listeners treating clients as {@code settings} say. */
  public HubConfig withListenerSettings(ListenerSettings settings) {
    return with(c -> c.listenerSettings = settings);
  }

  /** The same settings, with {@code secret} ({@code namespace/name}, or null) as fallback. */
  public HubConfig withFallbackCertificate(String secret) {
    return with(c -> c.fallbackCertificate = secret);
  }

  /** The same settings, writing the address {@code source} gives (null: none) into status. */
  public HubConfig withStatusAddress(StatusAddress.Source source) {
    return with(c -> c.statusAddress = source);
  }

  /** The same settings, with HTTPProxies' global rate limits counted by {@code service}. */
  public HubConfig withRateLimitService(RateLimitService service) {
    return with(c -> c.rateLimitService = service);
  }

  /** The same settings, routes reaching ExternalName Services (as DNS clusters) when {@code on}. */
  public HubConfig withExternalNameServices(boolean on) {
    return with(c -> c.externalNameServices = on);
  }

  /** The same settings, ExternalName Services resolved for the addresses {@code family} says. */
  public HubConfig withExternalNameDnsLookupFamily(DnsLookupFamily family) {
    return with(c -> c.externalNameDnsLookupFamily = family);
  }

  /** Two DNS labels (RFC 1123) of Kubernetes names, split by one slash. */
  private static boolean validSecretRef(String ref) {
    String label = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    String name = label + "(\\." + label + ")*";
    int slash = ref.indexOf('/');
    return slash > 0
        && ref.length() <= 63 + 1 + 253
        && ref.substring(0, slash).matches(label)
        && ref.substring(0, slash).length() <= 63
        && ref.substring(slash + 1).matches(name)
        && ref.substring(slash + 1).length() <= 253;
  }

  /** These settings with what {@code change} sets on a copy of them (validated again). */
  private HubConfig with(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.build();
  }

  /** The settings as fields, for {@link #with}: a copy with one of them changed. */
  private static final class Copy {
    private InetSocketAddress xdsAddress;
    private InetSocketAddress adminAddress;
    private Duration holdoff;
    private Duration staleEndpointTtl;
    private String ingressClass;
    private String envoyHttpAddress;
    private int envoyHttpPort;
    private int envoyHttpsPort;
    private XdsTls xdsTls;
    private LeaderElection.Settings leaderElection;
    private Duration heartbeatTimeout;
    private ListenerSettings listenerSettings;
    private String fallbackCertificate;
    private StatusAddress.Source statusAddress;
    private RateLimitService rateLimitService;
    private boolean externalNameServices;
    private DnsLookupFamily externalNameDnsLookupFamily;
    private String clusterDomain;

    Copy(HubConfig config) {
      xdsAddress = config.xdsAddress;
      adminAddress = config.adminAddress;
      holdoff = config.holdoff;
      staleEndpointTtl = config.staleEndpointTtl;
      ingressClass = config.ingressClass;
      envoyHttpAddress = config.envoyHttpAddress;
      envoyHttpPort = config.envoyHttpPort;
      envoyHttpsPort = config.envoyHttpsPort;
      xdsTls = config.xdsTls;
      leaderElection = config.leaderElection;
      heartbeatTimeout = config.heartbeatTimeout;
      listenerSettings = config.listenerSettings;
      fallbackCertificate = config.fallbackCertificate;
      statusAddress = config.statusAddress;
      rateLimitService = config.rateLimitService;
      externalNameServices = config.externalNameServices;
      externalNameDnsLookupFamily = config.externalNameDnsLookupFamily;
      clusterDomain = config.clusterDomain;
    }

    HubConfig build() {
      return new HubConfig(
          xdsAddress,
          adminAddress,
          holdoff,
          staleEndpointTtl,
          ingressClass,
          envoyHttpAddress,
          envoyHttpPort,
          envoyHttpsPort,
          xdsTls,
          leaderElection,
          heartbeatTimeout,
          listenerSettings,
          fallbackCertificate,
          statusAddress,
          rateLimitService,
          externalNameServices,
          externalNameDnsLookupFamily,
          clusterDomain);
    }
  }
}
