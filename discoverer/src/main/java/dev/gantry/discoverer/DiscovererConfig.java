package dev.gantry.discoverer;

import dev.gantry.api.MirrorNames;
import dev.gantry.discoverer.mirror.LabelSelector;
import dev.gantry.discoverer.mirror.MirrorScope;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Everything one discoverer process is told: which remote, which hub, what to mirror and how fast
 * to write. Built by {@link DiscovererCommand} from flags, or directly by tests.
 */
public record DiscovererConfig(
    String clusterName,
    Path remoteKubeconfig,
    Path hubKubeconfig,
    MirrorScope scope,
    Duration resyncPeriod,
    double hubQps,
    int hubBurst,
    int workers,
    InetSocketAddress metricsAddress,
    boolean leaderElect,
    String leaseNamespace,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    boolean createNamespaces,
    Duration kubeconfigPollInterval,
    Duration probeInterval,
    Duration statusInterval,
    Duration heartbeatInterval,
    String identity) {

  public DiscovererConfig {
    String problem = MirrorNames.clusterNameProblem(clusterName);
    if (problem != null) {
      throw new IllegalArgumentException("--cluster-name: " + problem);
    }
    if (remoteKubeconfig == null) {
      throw new IllegalArgumentException("--remote-kubeconfig is required");
    }
    if (workers < 1) {
      throw new IllegalArgumentException("--workers must be at least 1");
    }
    if (hubQps <= 0 || hubBurst < 1) {
      throw new IllegalArgumentException("--hub-qps must be > 0 and --hub-burst >= 1");
    }
    if (resyncPeriod.isNegative() || resyncPeriod.isZero()) {
      throw new IllegalArgumentException("--resync-period must be positive");
    }
    if (leaderElect
        && !(leaseDuration.compareTo(renewDeadline) > 0
            && renewDeadline.compareTo(retryPeriod) > 0)) {
      throw new IllegalArgumentException(
          "leader election needs lease duration > renew deadline > retry period");
    }
    if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
      throw new IllegalArgumentException("--heartbeat-interval must be positive");
    }
  }

  /** Defaults as documented for the flags; tests override what they need. */
  public static Builder builder(String clusterName, Path remoteKubeconfig) {
    return new Builder(clusterName, remoteKubeconfig);
  }

  /** Builder for the many optional settings. */
  public static final class Builder {
    private final String clusterName;
    private final Path remoteKubeconfig;
    private Path hubKubeconfig;
    private MirrorScope scope = MirrorScope.allNamespaces();
    private Duration resyncPeriod = Duration.ofMinutes(10);
    private double hubQps = 500;
    private int hubBurst = 1000;
    private int workers = 8;
    private InetSocketAddress metricsAddress = new InetSocketAddress("127.0.0.1", 9090);
    private boolean leaderElect;
    private String leaseNamespace = "default";
    private Duration leaseDuration = Duration.ofSeconds(15);
    private Duration renewDeadline = Duration.ofSeconds(10);
    private Duration retryPeriod = Duration.ofSeconds(2);
    private boolean createNamespaces = true;
    private Duration kubeconfigPollInterval = Duration.ofSeconds(2);
    private Duration probeInterval = Duration.ofSeconds(5);
    private Duration statusInterval = Duration.ofSeconds(5);
    private Duration heartbeatInterval = Duration.ofSeconds(10);
    private String identity = defaultIdentity();

    private Builder(String clusterName, Path remoteKubeconfig) {
      this.clusterName = clusterName;
      this.remoteKubeconfig = remoteKubeconfig;
    }

    private static String defaultIdentity() {
      String host = System.getenv("HOSTNAME");
      return (host == null || host.isBlank() ? "discoverer" : host)
          + "-"
          + ProcessHandle.current().pid();
    }

    public Builder hubKubeconfig(Path v) {
      hubKubeconfig = v;
      return this;
    }

    public Builder scope(MirrorScope v) {
      scope = v;
      return this;
    }

    public Builder namespaces(Set<String> include, Set<String> exclude, String selector) {
      scope = new MirrorScope(include, exclude, LabelSelector.parse(selector));
      return this;
    }

    public Builder resyncPeriod(Duration v) {
      resyncPeriod = v;
      return this;
    }

    public Builder hubRate(double qps, int burst) {
      hubQps = qps;
      hubBurst = burst;
      return this;
    }

    public Builder workers(int v) {
      workers = v;
      return this;
    }

    public Builder metricsAddress(InetSocketAddress v) {
      metricsAddress = v;
      return this;
    }

    public Builder leaderElection(boolean on, String namespace) {
      leaderElect = on;
      leaseNamespace = namespace;
      return this;
    }

    public Builder leaseTimings(Duration lease, Duration renew, Duration retry) {
      leaseDuration = lease;
      renewDeadline = renew;
      retryPeriod = retry;
      return this;
    }

    public Builder createNamespaces(boolean v) {
      createNamespaces = v;
      return this;
    }

    public Builder intervals(Duration kubeconfigPoll, Duration probe, Duration status) {
      kubeconfigPollInterval = kubeconfigPoll;
      probeInterval = probe;
      statusInterval = status;
      return this;
    }

    public Builder heartbeatInterval(Duration v) {
      heartbeatInterval = v;
      return this;
    }

    public Builder identity(String v) {
      identity = v;
      return this;
    }

    public DiscovererConfig build() {
      return new DiscovererConfig(
          clusterName,
          remoteKubeconfig,
          hubKubeconfig,
          scope,
          resyncPeriod,
          hubQps,
          hubBurst,
          workers,
          metricsAddress,
          leaderElect,
          leaseNamespace,
          leaseDuration,
          renewDeadline,
          retryPeriod,
          createNamespaces,
          kubeconfigPollInterval,
          probeInterval,
          statusInterval,
          heartbeatInterval,
          identity);
    }
  }
}
