package dev.gantry.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer among replicas, through a Lease (fabric8's {@code LeaderElector}): {@code onStart}
 * runs when this replica takes the lease, {@code onStop} when it loses it, before another replica
 * may take it (the renew deadline is shorter than the lease). A replica that lost the lease stands
 * again; closing releases it, so a successor need not wait for it to expire.
 */
public final class LeaderElection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  /** Where the lease lives, who this replica is, and the timings. */
  public record Settings(
      String namespace,
      String lease,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod) {
    public Settings {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(lease, "lease");
      Objects.requireNonNull(identity, "identity");
      if (!(leaseDuration.compareTo(renewDeadline) > 0
          && renewDeadline.compareTo(retryPeriod) > 0)) {
        throw new IllegalArgumentException(
            "leader election needs lease duration > renew deadline > retry period");
      }
    }

    /** The timings the discoverers and the hub use: 15 s lease, 10 s renew deadline, 2 s retry. */
    public static Settings of(String namespace, String lease, String identity) {
      return new Settings(
          namespace,
          lease,
          identity,
          Duration.ofSeconds(15),
          Duration.ofSeconds(10),
          Duration.ofSeconds(2));
    }
  }

  private final KubernetesClient client;
  private final Settings settings;
  private final Runnable onStart;
  private final Runnable onStop;
  private volatile CompletableFuture<?> election;
  private volatile boolean leading;
  private volatile boolean closed;

  public LeaderElection(
      KubernetesClient client, Settings settings, Runnable onStart, Runnable onStop) {
    this.client = client;
    this.settings = settings;
    this.onStart = onStart;
    this.onStop = onStop;
  }

  /** The identity of a replica: the pod's name (HOSTNAME) and the process id. */
  public static String identity(String fallback) {
    String host = System.getenv("HOSTNAME");
    return (host == null || host.isBlank() ? fallback : host) + "-" + ProcessHandle.current().pid();
  }

  public LeaderElection start() {
    stand();
    return this;
  }

  public boolean leading() {
    return leading;
  }

  private void stand() {
    election =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(settings.lease())
                    .withLock(
                        new LeaseLock(settings.namespace(), settings.lease(), settings.identity()))
                    .withLeaseDuration(settings.leaseDuration())
                    .withRenewDeadline(settings.renewDeadline())
                    .withRetryPeriod(settings.retryPeriod())
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(
                            () -> {
                              log.info("{} holds lease {}", settings.identity(), settings.lease());
                              leading = true;
                              onStart.run();
                            },
                            this::stopped,
                            leader -> log.info("lease {}: leader is {}", settings.lease(), leader)))
                    .build())
            .build()
            .start();
    // After losing the lease, stand for election again unless shutting down.
    election.whenComplete(
        (ok, error) -> {
          stopped();
          if (!closed) {
            stand();
          }
        });
  }

  private synchronized void stopped() {
    if (leading) {
      log.info("{} lost lease {}: stopping writes", settings.identity(), settings.lease());
      leading = false;
      onStop.run();
    }
  }

  @Override
  public void close() {
    closed = true;
    CompletableFuture<?> running = election;
    if (running != null) {
      running.cancel(true); // releases the lease (releaseOnCancel)
    }
    stopped();
  }
}
